import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, OrgKinds, Roles, type Principal } from '../auth';
import { ApiStandardErrors, ErrorBody } from '../http';
import {
  CancelDrillDto,
  CompleteFollowUpDto,
  DrillComplianceView,
  DrillParticipantView,
  DrillView,
  EvaluateDrillDto,
  ListDrillsQuery,
  ScheduleDrillDto,
} from './drills.dto';
import { DrillsService } from './drills.service';

@ApiStandardErrors({
  notFound: 'No such drill (or follow-up) in your organisation',
  forbidden: 'Scheduling, cancelling and evaluating need the admin or leader role; starting also commander',
})
@ApiTags('drills')
@ApiBearerAuth()
@OrgKinds('operator')
@Controller('api/v1/drills')
export class DrillsController {
  constructor(private readonly drills: DrillsService) {}

  @Get('compliance')
  @ApiOperation({
    summary: 'Per plan: drills planned, run, evaluated and their open follow-ups, under GB/T 39204-2022 11.2',
  })
  @ApiOkResponse({ type: DrillComplianceView })
  compliance(@CurrentPrincipal() p: Principal) {
    return this.drills.compliance(p);
  }

  @Get('people')
  @Roles('admin', 'leader')
  @ApiOperation({ summary: 'Who may take part in a drill or own a follow-up: your organisation’s people' })
  @ApiOkResponse({ type: [DrillParticipantView] })
  people(@CurrentPrincipal() p: Principal) {
    return this.drills.people(p);
  }

  @Get()
  @ApiOperation({ summary: "Your organisation's drills, latest start first" })
  @ApiOkResponse({ type: [DrillView] })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListDrillsQuery) {
    return this.drills.list(p, q);
  }

  @Post()
  @Roles('admin', 'leader')
  @ApiOperation({ summary: 'Schedule a drill of a plan version, with participants who are reminded before it' })
  @ApiCreatedResponse({ type: DrillView })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'A field is wrong (named): plan, participants, times' })
  schedule(@CurrentPrincipal() p: Principal, @Body() dto: ScheduleDrillDto) {
    return this.drills.schedule(p, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A drill with its reminders, incident, evaluation and follow-ups' })
  @ApiOkResponse({ type: DrillView })
  get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.drills.get(p, id);
  }

  @Post(':id/cancellation')
  @HttpCode(200)
  @Roles('admin', 'leader')
  @ApiOperation({ summary: 'Cancel a scheduled drill; its pending reminders are cancelled' })
  @ApiOkResponse({ type: DrillView })
  @ApiConflictResponse({ type: ErrorBody, description: '`code: drill-not-scheduled`: started or cancelled already' })
  cancel(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CancelDrillDto) {
    return this.drills.cancel(p, id, dto.reason);
  }

  @Post(':id/start')
  @HttpCode(200)
  @Roles('admin', 'leader', 'commander')
  @ApiOperation({
    summary: 'Start the drill: declares a drill incident that runs exactly the scheduled plan version',
  })
  @ApiOkResponse({ type: DrillView })
  @ApiConflictResponse({
    type: ErrorBody,
    description: '`code`: drill-not-scheduled (started or cancelled already), plan-version-gone',
  })
  start(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.drills.start(p, id);
  }

  @Post(':id/evaluation')
  @HttpCode(200)
  @Roles('admin', 'leader')
  @ApiOperation({
    summary: 'Evaluate a drill that has run: what went well, gaps, follow-ups with owners and due dates',
  })
  @ApiOkResponse({ type: DrillView })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'A field is wrong (named), e.g. followUps[0].ownerId' })
  @ApiConflictResponse({ type: ErrorBody, description: '`code`: drill-not-run, drill-evaluated' })
  evaluate(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: EvaluateDrillDto) {
    return this.drills.evaluate(p, id, dto);
  }

  @Post(':id/follow-ups/:followUpId/completion')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark a follow-up done (its owner, an admin or a leader)' })
  @ApiOkResponse({ type: DrillView })
  @ApiConflictResponse({ type: ErrorBody, description: '`code: follow-up-done`' })
  completeFollowUp(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('followUpId', ParseUUIDPipe) followUpId: string,
    @Body() dto: CompleteFollowUpDto,
  ) {
    return this.drills.completeFollowUp(p, id, followUpId, dto);
  }
}
