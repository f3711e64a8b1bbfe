import { Body, Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
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
import { ErrorBody, ApiStandardErrors, ReceivedAt } from '../http';
import { InboxService } from './inbox.service';
import { RecipientsService } from './recipients.service';
import {
  AcknowledgeDto,
  CreateRecipientDto,
  CreateReportDto,
  ForwardDto,
  InboxQuery,
  ListReportsQuery,
  RequestInfoDto,
  SubmitReportDto,
  UpdateRecipientDto,
  UpdateReportDto,
} from './report.dto';
import { InboxItemView, InboxPage, IncidentReportsView, RecipientView, ReportPage, ReportView } from './report.view';
import { ReportDocuments } from './report-documents.service';
import { ReportDrafting } from './report-drafting.service';
import { ReportSubmission } from './report-submission.service';
import { ReportViews } from './report-views.service';

@ApiStandardErrors({
  notFound: 'No such incident or report in your organisation',
  forbidden: 'Your role or organisation kind may not do this',
})
@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1')
export class ReportsController {
  constructor(
    private readonly drafting: ReportDrafting,
    private readonly submission: ReportSubmission,
    private readonly views: ReportViews,
    private readonly documents: ReportDocuments,
  ) {}

  @Post('incidents/:id/reports')
  @OrgKinds('operator')
  @Roles('liaison', 'commander', 'leader')
  @ApiOperation({
    summary:
      "Draft a report (initial, followUp, final) from the incident's data; " +
      '`corrects` starts a correction of a submitted report',
  })
  @ApiCreatedResponse({ type: ReportView })
  @ApiBadRequestResponse({ type: ErrorBody })
  @ApiConflictResponse({ type: ErrorBody, description: 'No reporting rule applies (e.g. grade IV)' })
  draft(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: CreateReportDto) {
    return this.drafting.draft(p, id, dto);
  }

  @Get('incidents/:id/reports')
  @OrgKinds('operator')
  @ApiOperation({
    summary:
      "The incident's reports with deliveries, acknowledgements, " +
      "departments' requests for information and the fields still owed",
  })
  @ApiOkResponse({ type: IncidentReportsView })
  list(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.views.list(p, id);
  }

  @Get('reports')
  @OrgKinds('operator')
  @ApiOperation({
    summary: "Your organisation's reports across its incidents, newest first, with their delivery counts",
  })
  @ApiOkResponse({ type: ReportPage, description: 'A page of reports, newest first' })
  page(@CurrentPrincipal() p: Principal, @Query() q: ListReportsQuery) {
    return this.views.page(p, q);
  }

  @Get('reports/:id')
  @OrgKinds('operator')
  @ApiOperation({ summary: 'One report with its deliveries and requests for information' })
  @ApiOkResponse({ type: ReportView })
  get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.views.get(p, id);
  }

  @Patch('reports/:id')
  @OrgKinds('operator')
  @Roles('liaison')
  @ApiOperation({
    summary:
      'Edit fields (and partial) of a draft; editing an approved report withdraws the approval. 409 once submitted',
  })
  @ApiOkResponse({ type: ReportView })
  @ApiBadRequestResponse({
    type: ErrorBody,
    description: 'Unknown field code or bad value (details name fields.<code>)',
  })
  @ApiConflictResponse({ type: ErrorBody, description: 'Submitted reports are immutable; stale expectedVersion' })
  update(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateReportDto) {
    return this.drafting.update(p, id, dto);
  }

  @Post('reports/:id/approve')
  @HttpCode(200)
  @OrgKinds('operator')
  @Roles('commander', 'leader')
  @ApiOperation({ summary: 'Approve a draft (commander or responsible leader)' })
  @ApiOkResponse({ type: ReportView })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Required fields missing (details name each fields.<code>)' })
  @ApiConflictResponse({ type: ErrorBody })
  approve(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.submission.approve(p, id);
  }

  @Post('reports/:id/submit')
  @HttpCode(200)
  @OrgKinds('operator')
  @Roles('liaison')
  @ApiOperation({
    summary:
      'Submit an approved report: delivers it and sends the matching ' +
      '*_REPORT_SUBMITTED event to the incident, in one transaction',
  })
  @ApiOkResponse({ type: ReportView })
  @ApiConflictResponse({
    type: ErrorBody,
    description:
      'Not approved, already submitted, the workflow does not accept this ' +
      'report now (allowedEvents), or a required recipient kind has nobody ' +
      'to receive it and is not in outOfBand (missingRecipientKinds, ' +
      'nationalChannels)',
  })
  @ApiBadRequestResponse({ type: ErrorBody })
  submit(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SubmitReportDto,
    @ReceivedAt() receivedAt: Date,
  ) {
    return this.submission.submit(p, id, dto, receivedAt);
  }

  @Post('reports/:id/deliveries/:deliveryId/acknowledge')
  @HttpCode(200)
  @OrgKinds('operator')
  @Roles('liaison', 'commander', 'leader')
  @ApiOperation({
    summary: 'Record that an external recipient confirmed receipt (stops its acknowledgement escalation)',
  })
  @ApiOkResponse({ type: ReportView })
  acknowledgeExternal(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('deliveryId', ParseUUIDPipe) deliveryId: string,
    @Body() dto: AcknowledgeDto,
  ) {
    return this.submission.acknowledgeExternal(p, id, deliveryId, dto.note);
  }

  @Get('reports/:id/render.html')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'Printable Chinese HTML of the report (self-contained, print CSS); for ' +
      'the operator, or a department it was submitted to',
  })
  @ApiOkResponse({ description: 'The report as HTML', content: { 'text/html': { schema: { type: 'string' } } } })
  async render(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const html = await this.documents.renderHtml(p, id);
    // Set once the HTML exists: a @Header content type is set before the handler runs, and an error
    // answer (JSON) then went out labelled text/html.
    res.type('text/html; charset=utf-8');
    return html;
  }
}

@ApiStandardErrors({ notFound: 'No such recipient in your organisation' })
@ApiTags('reports')
@ApiBearerAuth()
@OrgKinds('operator')
@Roles('admin')
@Controller('api/v1/report-recipients')
export class RecipientsController {
  constructor(private readonly recipients: RecipientsService) {}

  @Get()
  @ApiOperation({ summary: "Your organisation's external report recipients" })
  @ApiOkResponse({ type: [RecipientView] })
  list(@CurrentPrincipal() p: Principal) {
    return this.recipients.list(p);
  }

  @Post()
  @ApiOperation({
    summary: 'Configure an external report recipient (email or signed webhook); the secret is stored sealed',
  })
  @ApiCreatedResponse({ type: RecipientView })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Bad channel config (details name config.<field>)' })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateRecipientDto) {
    return this.recipients.create(p, dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an external recipient; fields left out stay as they are' })
  @ApiOkResponse({ type: RecipientView })
  update(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateRecipientDto) {
    return this.recipients.update(p, id, dto);
  }
}

@ApiStandardErrors({ notFound: 'No such report addressed to your department' })
@ApiTags('inbox')
@ApiBearerAuth()
@OrgKinds('department')
@Controller('api/v1/inbox/reports')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @Get()
  @ApiOperation({ summary: 'Reports addressed to your department, newest first' })
  @ApiOkResponse({ type: InboxPage })
  list(@CurrentPrincipal() p: Principal, @Query() q: InboxQuery) {
    return this.inbox.list(p, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One report addressed to your department, with its acknowledgement and onward state' })
  @ApiOkResponse({ type: InboxItemView })
  get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.inbox.get(p, id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Roles('department-officer', 'admin')
  @ApiOperation({ summary: 'Acknowledge receipt of a report (stops its acknowledgement clock)' })
  @ApiOkResponse({ type: InboxItemView })
  acknowledge(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: AcknowledgeDto) {
    return this.inbox.acknowledge(p, id, dto.note);
  }

  @Post(':id/request-info')
  @HttpCode(200)
  @Roles('department-officer', 'admin')
  @ApiOperation({ summary: "Ask the operator for more information (notifies it; shows on the incident's reports)" })
  @ApiOkResponse({ type: InboxItemView })
  requestInfo(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: RequestInfoDto) {
    return this.inbox.requestInfo(p, id, dto.message);
  }

  @Post(':id/forward')
  @HttpCode(200)
  @Roles('department-officer', 'admin')
  @ApiOperation({ summary: 'Record the onward report to the national level (grades I/II); stops the onward clock' })
  @ApiOkResponse({ type: InboxItemView })
  @ApiConflictResponse({
    type: ErrorBody,
    description: 'No onward report is owed for this report, or it was already recorded',
  })
  forward(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: ForwardDto) {
    return this.inbox.forward(p, id, dto.reference, dto.forwardedAt);
  }
}
