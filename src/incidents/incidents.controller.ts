import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, OrgKinds, Roles, type Principal } from '../auth';
import { ErrorBody, PREFERENCE_APPLIED_MINIMAL, prefersMinimal, ApiStandardErrors, ReceivedAt } from '../http';
import { CreateIncidentDto, ListIncidentsQuery, TIMELINE_LIMIT, TimelineQuery } from './incident.dto';
import {
  ApprovalDecisionDto,
  IncidentEventBody,
  ProviderReportDto,
  StepCompletionDto,
  StepReopenDto,
} from './incident-event.dto';
import { ComplianceView, IncidentEventResult, IncidentPage, IncidentView, TimelineEntryView } from './incident.view';
import { IncidentsService } from './incidents.service';

/**
 * The answer to a change: the whole incident, or with `Prefer: return=minimal` only the outcome. `anyOf`, not
 * `oneOf`: the whole incident holds every field of the outcome, so it matches both.
 */
const CHANGE_RESPONSE = {
  schema: { anyOf: [{ $ref: getSchemaPath(IncidentView) }, { $ref: getSchemaPath(IncidentEventResult) }] },
  description:
    'The incident after the change; with `Prefer: return=minimal`, only ' +
    'the outcome (IncidentEventResult) and a `Preference-Applied: ' +
    'return=minimal` header',
};
const PREFER_HEADER = {
  name: 'Prefer',
  required: false,
  description: 'RFC 7240: `return=minimal` answers with the outcome only (new state, version, allowed events)',
};

@ApiStandardErrors({ notFound: 'No such incident in your organisation' })
@ApiTags('incidents')
@ApiBearerAuth()
@OrgKinds('operator')
@ApiExtraModels(IncidentView, IncidentEventResult)
@Controller('api/v1/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Post()
  @Roles('admin', 'leader', 'commander', 'responder')
  @ApiOperation({ summary: 'Declare an incident; it starts in triage with the playbook of its category' })
  @ApiCreatedResponse({ type: IncidentView })
  @ApiBadRequestResponse({ type: ErrorBody })
  declare(@CurrentPrincipal() p: Principal, @Body() dto: CreateIncidentDto): Promise<IncidentView> {
    return this.incidents.declare(p, dto);
  }

  @Get()
  @ApiOperation({ summary: "Your organisation's incidents, newest first" })
  @ApiOkResponse({ type: IncidentPage, description: 'A page of incidents, newest first' })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListIncidentsQuery) {
    return this.incidents.list(p, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'The incident: state, steps, deadlines, reports and the events you may send now' })
  @ApiOkResponse({ type: IncidentView })
  get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<IncidentView> {
    return this.incidents.get(p, id);
  }

  @Post(':id/events')
  @HttpCode(200)
  @ApiOperation({ summary: 'Apply a workflow event: { type, expectedVersion?, ...payload }' })
  @ApiBody({ type: IncidentEventBody })
  @ApiHeader(PREFER_HEADER)
  @ApiOkResponse(CHANGE_RESPONSE)
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Malformed payload for this event type' })
  @ApiForbiddenResponse({ type: ErrorBody, description: 'Your role may not send this event' })
  @ApiConflictResponse({
    type: ErrorBody,
    description:
      'Not accepted now (allowedEvents lists what is; openMandatorySteps the ' +
      'steps holding it back), or expectedVersion is stale',
  })
  applyEvent(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) res: Response,
    @ReceivedAt() receivedAt: Date,
  ): Promise<IncidentView | IncidentEventResult> {
    const minimal = prefersMinimal(prefer);
    return this.answered(res, minimal, this.incidents.applyEvent(p, id, body, minimal, receivedAt));
  }

  @Post(':id/steps/:stepId/complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Complete a playbook step, with a note and evidence references' })
  @ApiHeader(PREFER_HEADER)
  @ApiOkResponse(CHANGE_RESPONSE)
  @ApiForbiddenResponse({ type: ErrorBody, description: 'The playbook does not let your role complete this step' })
  @ApiNotFoundResponse({
    type: ErrorBody,
    description: "No such incident, or no such step in its playbook (`steps` lists the incident's step ids)",
  })
  @ApiConflictResponse({ type: ErrorBody })
  completeStep(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('stepId') stepId: string,
    @Body() dto: StepCompletionDto,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IncidentView | IncidentEventResult> {
    const minimal = prefersMinimal(prefer);
    return this.answered(res, minimal, this.incidents.step(p, id, stepId, 'COMPLETE_STEP', dto, minimal));
  }

  @Post(':id/steps/:stepId/reopen')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reopen a completed step (the playbook says which roles may)' })
  @ApiHeader(PREFER_HEADER)
  @ApiOkResponse(CHANGE_RESPONSE)
  @ApiForbiddenResponse({ type: ErrorBody, description: 'The playbook does not let your role reopen this step' })
  @ApiNotFoundResponse({
    type: ErrorBody,
    description: "No such incident, or no such step in its playbook (`steps` lists the incident's step ids)",
  })
  @ApiConflictResponse({
    type: ErrorBody,
    description: 'Not accepted in the current state, or expectedVersion is stale',
  })
  reopenStep(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('stepId') stepId: string,
    @Body() dto: StepReopenDto,
    @Headers('prefer') prefer: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IncidentView | IncidentEventResult> {
    const minimal = prefersMinimal(prefer);
    return this.answered(res, minimal, this.incidents.step(p, id, stepId, 'REOPEN_STEP', dto, minimal));
  }

  @Post(':id/steps/:stepId/approval')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Decide a plan's approval step: approve (completes the step) or reject (recorded; the step stays open and " +
      'its phase blocked until approved), with a reason; only the role the plan names',
  })
  @ApiOkResponse({ type: IncidentView, description: 'The incident after the decision' })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'decision or reason missing or malformed (named)' })
  @ApiForbiddenResponse({ type: ErrorBody, description: 'Your role is not the one the plan names to decide' })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No such incident, or no such approval step in its plan' })
  @ApiConflictResponse({
    type: ErrorBody,
    description: 'The phase is not reached yet, the step is approved already, or expectedVersion is stale',
  })
  decideApproval(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('stepId') stepId: string,
    @Body() dto: ApprovalDecisionDto,
  ): Promise<IncidentView> {
    return this.incidents.decideApproval(p, id, stepId, dto);
  }

  @Post(':id/steps/:stepId/provider-report')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Record the receipt of the service provider's report a plan's service-provider step asks for, with " +
      'evidence; completes the step (the roles the step names)',
  })
  @ApiOkResponse({ type: IncidentView, description: 'The incident after the receipt' })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'reference or evidence missing or malformed (named)' })
  @ApiForbiddenResponse({ type: ErrorBody, description: 'The plan does not let your role complete this step' })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No such incident, or no such service-provider step' })
  @ApiConflictResponse({
    type: ErrorBody,
    description: 'The phase is not reached yet, the report is recorded already, or expectedVersion is stale',
  })
  providerReport(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('stepId') stepId: string,
    @Body() dto: ProviderReportDto,
  ): Promise<IncidentView> {
    return this.incidents.providerReport(p, id, stepId, dto);
  }

  /**
   * A change that succeeded minimally says so in `Preference-Applied`; an error answer never does.
   * The header is set on the response Nest passes through (`@Res({ passthrough: true })`); Nest
   * still sends the returned body.
   */
  private async answered<T>(res: Response, minimal: boolean, change: Promise<T>): Promise<T> {
    const result = await change;
    if (minimal) res.setHeader('Preference-Applied', PREFERENCE_APPLIED_MINIMAL);
    return result;
  }

  @Get(':id/timeline')
  @ApiOperation({
    summary: "The incident's audit entries, oldest first, `limit` at a time",
    description:
      'An answer holding `limit` entries may have more after it: ask again with `after` set to its last ' +
      'entry’s `seq`.',
  })
  @ApiOkResponse({ type: [TimelineEntryView] })
  timeline(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Query() q: TimelineQuery) {
    return this.incidents.timeline(p, id, q.limit ?? TIMELINE_LIMIT, q.after ?? 0);
  }

  @Get(':id/compliance')
  @ApiOperation({ summary: 'Requirements evidenced by completed steps, and those still outstanding' })
  @ApiOkResponse({ type: ComplianceView })
  compliance(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.incidents.compliance(p, id);
  }
}
