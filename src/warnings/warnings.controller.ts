import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiAcceptedResponse,
  ApiConsumes,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { CurrentPrincipal, OrgKinds, Roles, type Principal } from '../auth';
import { ErrorBody, ApiStandardErrors } from '../http';
import { STIX_TEXT_TYPES } from '../sharing';
import { WarningEventBody } from './warning-event.dto';
import { CreateWarningBody, ListWarningChoicesQuery, ListWarningTargetsQuery, ListWarningsQuery } from './warning.dto';
import {
  DepartmentWarningView,
  IssuedWarningView,
  OperatorWarningView,
  StixImportReportView,
  WarningPage,
  WarningTargetsView,
  WarningTargetPage,
} from './warning.view';
import { WarningsService } from './warnings.service';

@ApiStandardErrors({ notFound: 'No such warning issued by you (department) or addressed to you (operator)' })
@ApiTags('warnings')
@ApiBearerAuth()
@ApiExtraModels(DepartmentWarningView, OperatorWarningView)
@Controller('api/v1/warnings')
export class WarningsController {
  constructor(private readonly warnings: WarningsService) {}

  @Post()
  @HttpCode(202)
  @OrgKinds('department')
  @Roles('department-officer')
  @ApiOperation({
    summary:
      'Issue an early warning (预警) to operators of your sector; each gets it in its early-warning workflow, ' +
      'created in batches after the answer (GET /api/v1/warnings/{id} shows the fan-out progress)',
  })
  @ApiBody({ type: CreateWarningBody })
  @ApiAcceptedResponse({
    type: IssuedWarningView,
    description: "The warning is recorded and its fan-out queued (status pending); the operators' workflows follow",
  })
  @ApiBadRequestResponse({
    type: ErrorBody,
    description: 'Invalid field, another sector, or an unknown operator (field named)',
  })
  @ApiPayloadTooLargeResponse({ type: ErrorBody, description: '`stix` bundle too large or with too many objects' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: '`stix` is not a valid STIX 2.1 bundle, too deep, or holds overlong strings',
  })
  create(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    return this.warnings.create(p, body);
  }

  @Get()
  @ApiOperation({
    summary:
      'Department: warnings you issued, with feedback counts. Operator: warnings addressed to you, with your state',
  })
  @ApiOkResponse({ type: WarningPage })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListWarningsQuery) {
    return this.warnings.list(p, q);
  }

  // Declared before ':id', which would otherwise take 'targets' for an id.
  @Get('targets')
  @OrgKinds('department')
  @ApiOperation({
    summary:
      'Department: your sector and a page of its operators by name (q: name contains), whom a warning may name ' +
      '(operatorIds)',
  })
  @ApiOkResponse({ type: WarningTargetsView })
  targets(@CurrentPrincipal() p: Principal, @Query() q: ListWarningChoicesQuery): Promise<WarningTargetsView> {
    return this.warnings.targets(p, q);
  }

  @Get(':id/targets')
  @OrgKinds('department')
  @ApiOperation({
    summary:
      'Department: the operators your warning reached, a page at a time, overdue first, then pending, late and ' +
      'answered (`answer` keeps one kind); each with its workflow state, feedback and deadline',
  })
  @ApiOkResponse({ type: WarningTargetPage })
  targetPage(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ListWarningTargetsQuery,
  ): Promise<WarningTargetPage> {
    return this.warnings.targetPage(p, id, q);
  }

  @Get(':id')
  @ApiOperation({
    summary:
      'Department: the warning with its fan-out and how many operators answered, are overdue or answered late ' +
      '(the operators themselves: GET /api/v1/warnings/:id/targets). Operator: the warning with your workflow ' +
      'state, allowed events, version and deadline',
  })
  @ApiOkResponse({
    description: 'DepartmentWarningView for the issuing department, OperatorWarningView for a warned operator',
    schema: { oneOf: [{ $ref: getSchemaPath(DepartmentWarningView) }, { $ref: getSchemaPath(OperatorWarningView) }] },
  })
  get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.warnings.get(p, id);
  }

  @Post(':id/events')
  @HttpCode(200)
  @OrgKinds('operator')
  @ApiOperation({
    summary: 'Send an event to your warning workflow: START_ASSESSMENT, ASSESSED, ACTIONS_TAKEN, FEEDBACK_SENT, CLOSE',
  })
  @ApiBody({ type: WarningEventBody })
  @ApiOkResponse({ type: OperatorWarningView })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Malformed payload for this event type (field named)' })
  @ApiConflictResponse({
    type: ErrorBody,
    description: 'Not accepted now (allowedEvents lists what is), or expectedVersion is stale',
  })
  applyEvent(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() body: unknown) {
    return this.warnings.applyEvent(p, id, body);
  }

  @Post(':id/stix')
  @HttpCode(200)
  @OrgKinds('department')
  @Roles('department-officer')
  @ApiOperation({
    summary:
      "Attach a STIX 2.1 bundle: its indicators become the warning's " +
      'indicators; unsupported patterns are reported back as skipped',
  })
  @ApiConsumes('application/json', ...STIX_TEXT_TYPES)
  @ApiBody({ schema: { type: 'object', additionalProperties: true, description: 'A STIX 2.1 bundle' } })
  @ApiOkResponse({ type: StixImportReportView })
  @ApiPayloadTooLargeResponse({ type: ErrorBody, description: 'Bundle too large or with too many objects' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'Not a valid STIX 2.1 bundle, too deep, or overlong strings',
  })
  importStix(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() body: unknown) {
    return this.warnings.importStix(p, id, body);
  }
}
