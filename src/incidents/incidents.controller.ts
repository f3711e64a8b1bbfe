import { Body, Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgKinds, Roles } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { ErrorBody } from '../http/error-body';
import { CreateIncidentDto, ListIncidentsQuery } from './incident.dto';
import { IncidentEventBody, StepCompletionDto, StepReopenDto } from './incident-event.dto';
import { IncidentPage, IncidentView } from './incident.view';
import { IncidentsService } from './incidents.service';

const STEP_ID = /^[a-z0-9][a-z0-9-]{0,80}$/;

@ApiTags('incidents')
@ApiBearerAuth()
@OrgKinds('operator')
@ApiNotFoundResponse({ type: ErrorBody, description: 'No such incident in your organisation' })
@Controller('api/v1/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Post()
  @Roles('admin', 'leader', 'commander', 'responder')
  @ApiOperation({ summary: 'Declare an incident; it starts in triage with the playbook of its category' })
  @ApiCreatedResponse({ type: IncidentView })
  @ApiBadRequestResponse({ type: ErrorBody })
  declare(@CurrentPrincipal() p: Principal, @Body() dto: CreateIncidentDto) {
    return this.incidents.declare(p, dto);
  }

  @Get()
  @ApiOkResponse({ type: IncidentPage, description: 'A page of incidents, newest first' })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListIncidentsQuery) {
    return this.incidents.list(p, q);
  }

  @Get(':id')
  @ApiOkResponse({ type: IncidentView })
  get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.incidents.get(p, id);
  }

  @Post(':id/events')
  @HttpCode(200)
  @ApiOperation({ summary: 'Apply a workflow event: { type, expectedVersion?, ...payload }' })
  @ApiBody({ type: IncidentEventBody })
  @ApiOkResponse({ type: IncidentView })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Malformed payload for this event type' })
  @ApiForbiddenResponse({ type: ErrorBody, description: 'Your role may not send this event' })
  @ApiConflictResponse({ type: ErrorBody, description: 'Not accepted now (allowedEvents lists what is), or expectedVersion is stale' })
  applyEvent(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() body: unknown) {
    return this.incidents.applyEvent(p, id, body);
  }

  @Post(':id/steps/:stepId/complete')
  @HttpCode(200)
  @ApiOkResponse({ type: IncidentView })
  @ApiForbiddenResponse({ type: ErrorBody, description: 'The playbook does not let your role complete this step' })
  @ApiConflictResponse({ type: ErrorBody })
  completeStep(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Param('stepId') stepId: string, @Body() dto: StepCompletionDto) {
    return this.incidents.step(p, id, this.stepId(stepId), 'COMPLETE_STEP', dto);
  }

  @Post(':id/steps/:stepId/reopen')
  @HttpCode(200)
  @ApiOkResponse({ type: IncidentView })
  reopenStep(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Param('stepId') stepId: string, @Body() dto: StepReopenDto) {
    return this.incidents.step(p, id, this.stepId(stepId), 'REOPEN_STEP', dto);
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: 'The incident\'s audit entries, oldest first' })
  timeline(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.incidents.timeline(p, id);
  }

  @Get(':id/compliance')
  @ApiOperation({ summary: 'Requirements evidenced by completed steps, and those still outstanding' })
  compliance(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.incidents.compliance(p, id);
  }

  private stepId(stepId: string): string {
    if (!STEP_ID.test(stepId)) throw new NotFoundException('Step not found');
    return stepId;
  }
}
