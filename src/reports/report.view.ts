import { splitConfigSecrets } from '../common';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { KeysetPageView } from '../http';
import { OUT_OF_BAND_MEANS } from './report.dto';
import type { OrganisationRecord } from '../accounts';
import { RecipientCoverageView } from '../incidents';
import {
  RECIPIENT_KINDS,
  type Report,
  type ReportDelivery,
  type ReportInfoRequest,
  type ReportRecipient,
} from './report.entities';

export const REPORT_SCHEMA = 'lianfang.report/v1';

export class InfoRequestView {
  @ApiProperty() id!: string;
  @ApiProperty() reportId!: string;
  @ApiProperty() departmentOrgId!: string;
  @ApiProperty() departmentName!: string;
  @ApiProperty() message!: string;
  @ApiProperty() requestedAt!: string;
}

/** One delivery attempt, or for an out-of-band delivery the liaison's record of how it was made. */
export class DeliveryAttemptView {
  @ApiProperty() at!: string;
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional({ description: 'HTTP status or SMTP reply code' }) status?: number;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional({ enum: OUT_OF_BAND_MEANS, description: 'Out-of-band: how the liaison reported' })
  means?: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Out-of-band: what the recipient gave back' })
  reference?: string | null;
  @ApiPropertyOptional({ description: 'Out-of-band: who recorded it' }) recordedBy?: string;
}

/** One submitted report's delivery to one recipient (not a notification delivery: NotificationDeliveryView). */
@ApiSchema({ name: 'ReportDeliveryView' })
export class DeliveryView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['inbox', 'email', 'webhook', 'out-of-band'] }) channel!: string;
  @ApiProperty({ enum: RECIPIENT_KINDS }) recipientKind!: string;
  @ApiProperty() recipientName!: string;
  @ApiProperty({ type: String, nullable: true, description: 'A department of this deployment (inbox)' })
  departmentOrgId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'An external recipient (email, webhook)' })
  recipientId!: string | null;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: [DeliveryAttemptView] }) attemptLog!: DeliveryAttemptView[];
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, nullable: true }) deliveredAt!: string | null;
  @ApiProperty() ackDueAt!: string;
  @ApiProperty({ type: String, nullable: true }) acknowledgedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) ackNote!: string | null;
  @ApiProperty({ description: 'Escalation steps taken because the report was not acknowledged in time' })
  ackEscalationLevel!: number;
}

export class ReportIncidentRefView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'INC-2026-000042' }) reference!: string;
}

export class ReportOrganisationView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: '某证券公司' }) name!: string;
  @ApiProperty({ example: 'finance' }) sector!: string;
  @ApiProperty({ type: String, nullable: true, example: 'cii' }) operatorKind!: string | null;
}

export class ReportRefView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'INC-2026-000042-R1' }) reference!: string;
}

export class AuditHeadView {
  @ApiPropertyOptional({
    description:
      "The audit chain the head belongs to: the operator's organisation id. Absent on reports submitted " +
      "while the trail was one global chain (then `seq` is that chain's entry number).",
  })
  chain?: string;
  @ApiProperty({ example: 1042, description: 'The place of the entry in its chain' }) seq!: number;
  @ApiProperty({ example: '9f2c…' }) hash!: string;
}

const FIELD_MAP = { type: 'object', additionalProperties: { type: 'string' } } as const;

/** The report as its recipients see it (JSON of external deliveries, department inbox): the stable schema. */
export class ReportDocumentView {
  @ApiProperty({ example: REPORT_SCHEMA }) schema!: string;
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'INC-2026-000042-R1' }) reference!: string;
  @ApiProperty({ type: ReportIncidentRefView }) incident!: ReportIncidentRefView;
  @ApiProperty({ type: ReportOrganisationView }) organisation!: ReportOrganisationView;
  @ApiProperty({ enum: ['initial', 'followUp', 'final'] }) kind!: string;
  @ApiProperty() partial!: boolean;
  @ApiProperty({ description: 'A drill (演练) report: not a real incident' }) drill!: boolean;
  @ApiProperty({ enum: ['I', 'II', 'III', 'IV'] }) grade!: string;
  @ApiProperty() category!: string;
  @ApiProperty({ example: 'RR-cii' }) ruleId!: string;
  @ApiProperty({ ...FIELD_MAP, description: 'Field code → text' }) fields!: Record<string, string>;
  @ApiProperty({ ...FIELD_MAP, description: 'Field code → Chinese label, for every code in fields or requiredFields' })
  fieldLabels!: Record<string, string>;
  @ApiProperty({ type: [String] }) requiredFields!: string[];
  @ApiProperty({ type: [String], description: 'Partial initial report: fields still owed' }) owedFields!: string[];
  @ApiProperty({ type: ReportRefView, nullable: true, description: 'The report this one corrects' })
  corrects!: ReportRefView | null;
  @ApiProperty({ type: String, nullable: true }) submittedAt!: string | null;
  @ApiProperty({
    type: AuditHeadView,
    nullable: true,
    description:
      "The operator's audit head (sequence and hash of its newest audit " +
      'entry) when it submitted this report. Keep it: ' +
      ("if the operator's trail is ever rolled back past it, its verification " +
        'shows report-head-mismatch, and your copy proves what was there.'),
  })
  auditHead!: AuditHeadView | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'SHA-256 over the RFC 8785 form of the submitted content (this document with contentDigest null)',
  })
  contentDigest!: string | null;
}

export class ReportView extends ReportDocumentView {
  @ApiProperty({ enum: ['draft', 'approved', 'submitted'] }) status!: string;
  @ApiProperty() version!: number;
  @ApiProperty({
    type: [String],
    description: 'Fields the next step (approve/submit) still needs: the minimum set when partial, else all required',
  })
  missingFields!: string[];
  @ApiProperty() createdBy!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ type: String, nullable: true }) approvedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) approvedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) submittedBy!: string | null;
  @ApiProperty({ type: [String], description: 'Submitted reports that correct this one' })
  correctedBy!: string[];
  @ApiProperty({ type: [DeliveryView] }) deliveries!: DeliveryView[];
  @ApiProperty({ type: [InfoRequestView] }) infoRequests!: InfoRequestView[];
}

export class IncidentReportsView {
  @ApiProperty({
    type: RecipientCoverageView,
    description: 'Who the reports of this incident reach, and what is missing',
  })
  recipientCoverage!: RecipientCoverageView;
  @ApiProperty({ type: [ReportView] }) items!: ReportView[];
  @ApiProperty({
    type: [String],
    description: 'Fields owed since a partial initial report; empty once a complete one went in',
  })
  owedFields!: string[];
  @ApiProperty({ type: String, nullable: true }) owedSince!: string | null;
  @ApiProperty({ type: [InfoRequestView], description: 'Requests for more information from departments, newest first' })
  infoRequests!: InfoRequestView[];
}

export class ReportListIncidentView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'INC-2026-000042' }) reference!: string;
  @ApiProperty() title!: string;
}

export class DeliveryCountsView {
  @ApiProperty() total!: number;
  @ApiProperty() delivered!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ description: 'Confirmed received (by the department, or recorded for an external recipient)' })
  acknowledged!: number;
}

/** One report in the organisation's list: where it stands, and how its deliveries went. */
export class ReportSummaryView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'INC-2026-000042-R1' }) reference!: string;
  @ApiProperty({ type: ReportListIncidentView }) incident!: ReportListIncidentView;
  @ApiProperty({ enum: ['initial', 'followUp', 'final'] }) kind!: string;
  @ApiProperty() partial!: boolean;
  @ApiProperty({ description: 'A drill (演练) report' }) drill!: boolean;
  @ApiProperty({ enum: ['I', 'II', 'III', 'IV'] }) grade!: string;
  @ApiProperty({ enum: ['draft', 'approved', 'submitted'] }) status!: string;
  @ApiProperty({ description: 'A correction of another report' }) correction!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ type: String, nullable: true }) approvedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) submittedAt!: string | null;
  @ApiProperty({ type: DeliveryCountsView }) deliveries!: DeliveryCountsView;
  @ApiProperty({ description: "Departments' requests for more information about it" }) infoRequests!: number;
}

export class ReportPage extends KeysetPageView {
  @ApiProperty({ type: [ReportSummaryView] }) items!: ReportSummaryView[];
}

export class OnwardView {
  @ApiProperty({ enum: ['pending', 'met', 'missed'] }) status!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty({ type: [String], example: ['国家网信部门', '国务院公安部门'] }) to!: string[];
  @ApiProperty() escalationLevel!: number;
  @ApiProperty({ type: [Number], description: 'Reminders sent, as percent of the window' }) reminded!: number[];
  @ApiProperty({ type: String, nullable: true }) reference!: string | null;
  @ApiProperty({ type: String, nullable: true }) forwardedAt!: string | null;
}

export class InboxItemView {
  @ApiProperty({ type: ReportDocumentView }) report!: ReportDocumentView;
  @ApiProperty() receivedAt!: string;
  @ApiProperty() ackDueAt!: string;
  @ApiProperty({ type: String, nullable: true }) acknowledgedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) ackNote!: string | null;
  @ApiProperty({ description: 'Past the acknowledgement or onward deadline and not done' }) overdue!: boolean;
  @ApiProperty({
    type: OnwardView,
    nullable: true,
    description: 'Grades I/II: the department must pass the report on (rule onward)',
  })
  onward!: OnwardView | null;
  @ApiProperty({ type: [InfoRequestView] }) infoRequests!: InfoRequestView[];
}

export class InboxPage extends KeysetPageView {
  @ApiProperty({ type: [InboxItemView] }) items!: InboxItemView[];
}

export class RecipientView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: RECIPIENT_KINDS }) kind!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['email', 'webhook'] }) channel!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The channel's config as configured (see CreateRecipientDto), write-only parts shown as ***",
  })
  config!: Record<string, unknown>;
  @ApiProperty({ description: 'A secret is stored (never shown)' }) hasSecret!: boolean;
  @ApiProperty() drill!: boolean;
  @ApiProperty() active!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export function recipientView(r: ReportRecipient): RecipientView {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    channel: r.channel,
    config: splitConfigSecrets(r.config).shown,
    hasSecret: !!r.secretSealed,
    drill: r.drill,
    active: r.active,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export function infoRequestView(i: ReportInfoRequest): InfoRequestView {
  return {
    id: i.id,
    reportId: i.reportId,
    departmentOrgId: i.departmentOrgId,
    departmentName: i.departmentName,
    message: i.message,
    requestedAt: i.requestedAt,
  };
}

export function deliveryView(d: ReportDelivery): DeliveryView {
  return {
    id: d.id,
    channel: d.channel,
    recipientKind: d.recipientKind,
    recipientName: d.recipientName,
    departmentOrgId: d.departmentOrgId,
    recipientId: d.recipientId,
    status: d.status,
    attempts: d.attempts,
    attemptLog: d.attemptLog,
    lastError: d.lastError,
    deliveredAt: d.deliveredAt,
    ackDueAt: d.ackDueAt,
    acknowledgedAt: d.acknowledgedAt,
    ackNote: d.ackNote,
    ackEscalationLevel: d.ackEscalationLevel,
  };
}

export function documentView(
  r: Report,
  incidentReference: string,
  org: Pick<OrganisationRecord, 'id' | 'name' | 'sector' | 'operatorKind'>,
  corrects: { id: string; reference: string } | null,
  labelOf: (code: string) => string,
): ReportDocumentView {
  const codes = [...new Set([...Object.keys(r.fields), ...r.requiredFields])];
  return {
    schema: REPORT_SCHEMA,
    id: r.id,
    reference: r.reference,
    incident: { id: r.incidentId, reference: incidentReference },
    organisation: { id: org.id, name: org.name, sector: org.sector, operatorKind: org.operatorKind },
    kind: r.kind,
    partial: r.partial,
    drill: r.drill,
    grade: r.grade,
    category: r.category,
    ruleId: r.ruleId,
    fields: r.fields,
    fieldLabels: Object.fromEntries(codes.map((c) => [c, labelOf(c)])),
    requiredFields: r.requiredFields,
    owedFields: r.owedFields,
    corrects,
    submittedAt: r.submittedAt,
    auditHead:
      r.auditHeadSeq !== null && r.auditHeadSeq !== undefined && r.auditHeadHash
        ? {
            ...(r.auditHeadChain ? { chain: r.auditHeadChain } : {}),
            seq: Number(r.auditHeadSeq),
            hash: r.auditHeadHash,
          }
        : null,
    contentDigest: r.contentDigest,
  };
}
