import { splitConfigSecrets } from '../common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { OrganisationRecord } from '../accounts';
import { RecipientCoverageView } from '../incidents';
import type { Report, ReportDelivery, ReportInfoRequest, ReportRecipient } from './report.entities';

export const REPORT_SCHEMA = 'lianfang.report/v1';

export class InfoRequestView {
  @ApiProperty() id!: string;
  @ApiProperty() reportId!: string;
  @ApiProperty() departmentOrgId!: string;
  @ApiProperty() departmentName!: string;
  @ApiProperty() message!: string;
  @ApiProperty() requestedAt!: string;
}

export class DeliveryView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['inbox', 'email', 'webhook', 'out-of-band'] }) channel!: string;
  @ApiProperty({
    enum: [
      'protection-department',
      'public-security',
      'own-cyberspace-body',
      'provincial-cyberspace-department',
      'sector-regulator',
    ],
  })
  recipientKind!: string;
  @ApiProperty() recipientName!: string;
  @ApiPropertyOptional({ nullable: true }) departmentOrgId!: string | null;
  @ApiPropertyOptional({ nullable: true }) recipientId!: string | null;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ description: 'Each delivery attempt: { at, ok, status?, error? }' }) attemptLog!: unknown[];
  @ApiPropertyOptional({ nullable: true }) lastError!: string | null;
  @ApiPropertyOptional({ nullable: true }) deliveredAt!: string | null;
  @ApiProperty() ackDueAt!: string;
  @ApiPropertyOptional({ nullable: true }) acknowledgedAt!: string | null;
  @ApiPropertyOptional({ nullable: true }) ackNote!: string | null;
  @ApiProperty({ description: 'Escalation steps taken because the report was not acknowledged in time' })
  ackEscalationLevel!: number;
}

/** The report as its recipients see it (JSON of external deliveries, department inbox): the stable schema. */
export class ReportDocumentView {
  @ApiProperty({ example: REPORT_SCHEMA }) schema!: string;
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'INC-2026-000042-R1' }) reference!: string;
  @ApiProperty({ example: { id: 'uuid', reference: 'INC-2026-000042' } }) incident!: { id: string; reference: string };
  @ApiProperty({ example: { id: 'uuid', name: '某证券公司', sector: 'finance', operatorKind: 'cii' } })
  organisation!: { id: string; name: string; sector: string; operatorKind: string | null };
  @ApiProperty({ enum: ['initial', 'followUp', 'final'] }) kind!: string;
  @ApiProperty() partial!: boolean;
  @ApiProperty({ description: 'A drill (演练) report: not a real incident' }) drill!: boolean;
  @ApiProperty({ enum: ['I', 'II', 'III', 'IV'] }) grade!: string;
  @ApiProperty() category!: string;
  @ApiProperty({ example: 'RR-cii' }) ruleId!: string;
  @ApiProperty({ description: 'Field code → text' }) fields!: Record<string, string>;
  @ApiProperty({ description: 'Field code → Chinese label, for every code in fields or requiredFields' })
  fieldLabels!: Record<string, string>;
  @ApiProperty({ type: [String] }) requiredFields!: string[];
  @ApiProperty({ type: [String], description: 'Partial initial report: fields still owed' }) owedFields!: string[];
  @ApiPropertyOptional({ nullable: true, description: 'The report this one corrects' }) corrects!: {
    id: string;
    reference: string;
  } | null;
  @ApiPropertyOptional({ nullable: true }) submittedAt!: string | null;
  @ApiPropertyOptional({
    nullable: true,
    description:
      "The operator's audit head (sequence and hash of its newest audit " +
      'entry) when it submitted this report. Keep it: ' +
      ("if the operator's trail is ever rolled back past it, its verification " +
        'shows report-head-mismatch, and your copy proves what was there.'),
    example: { seq: 1042, hash: '9f2c…' },
  })
  auditHead!: { seq: number; hash: string } | null;
  @ApiPropertyOptional({
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
  @ApiPropertyOptional({ nullable: true }) approvedBy!: string | null;
  @ApiPropertyOptional({ nullable: true }) approvedAt!: string | null;
  @ApiPropertyOptional({ nullable: true }) submittedBy!: string | null;
  @ApiPropertyOptional({ type: [String], description: 'Submitted reports that correct this one' })
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
  @ApiPropertyOptional({ nullable: true }) owedSince!: string | null;
  @ApiProperty({ type: [InfoRequestView], description: 'Requests for more information from departments, newest first' })
  infoRequests!: InfoRequestView[];
}

export class OnwardView {
  @ApiProperty({ enum: ['pending', 'met', 'missed'] }) status!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty({ type: [String], example: ['国家网信部门', '国务院公安部门'] }) to!: string[];
  @ApiProperty() escalationLevel!: number;
  @ApiProperty({ type: [Number], description: 'Reminders sent, as percent of the window' }) reminded!: number[];
  @ApiPropertyOptional({ nullable: true }) reference!: string | null;
  @ApiPropertyOptional({ nullable: true }) forwardedAt!: string | null;
}

export class InboxItemView {
  @ApiProperty({ type: ReportDocumentView }) report!: ReportDocumentView;
  @ApiProperty() receivedAt!: string;
  @ApiProperty() ackDueAt!: string;
  @ApiPropertyOptional({ nullable: true }) acknowledgedAt!: string | null;
  @ApiPropertyOptional({ nullable: true }) ackNote!: string | null;
  @ApiProperty({ description: 'Past the acknowledgement or onward deadline and not done' }) overdue!: boolean;
  @ApiPropertyOptional({
    type: OnwardView,
    nullable: true,
    description: 'Grades I/II: the department must pass the report on (rule onward)',
  })
  onward!: OnwardView | null;
  @ApiProperty({ type: [InfoRequestView] }) infoRequests!: InfoRequestView[];
}

export class InboxPage {
  @ApiProperty({ type: [InboxItemView] }) items!: InboxItemView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class RecipientView {
  @ApiProperty() id!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['email', 'webhook'] }) channel!: string;
  @ApiProperty() config!: Record<string, unknown>;
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
        ? { seq: Number(r.auditHeadSeq), hash: r.auditHeadHash }
        : null,
    contentDigest: r.contentDigest,
  };
}
