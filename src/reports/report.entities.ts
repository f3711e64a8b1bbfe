import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Grade } from '../common';
import { RECIPIENT_KINDS, type RecipientKind } from '../requirements';
import type { InboxStatus } from './report.dto';

export const REPORT_KINDS = ['initial', 'followUp', 'final'] as const;
export type ReportKindCode = (typeof REPORT_KINDS)[number];
export const REPORT_STATUSES = ['draft', 'approved', 'submitted'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export { RECIPIENT_KINDS };
export type RecipientKindCode = RecipientKind;
export const RECIPIENT_CHANNELS = ['email', 'webhook'] as const;
export type RecipientChannel = (typeof RECIPIENT_CHANNELS)[number];

/**
 * A report to the authorities about one incident. Drafted from the incident's data, edited by the
 * liaison, approved by the commander or leader, then submitted; a submitted row never changes
 * again (a correction is a new report whose `correctsId` names it).
 */
@Entity('report')
// The organisation's list, newest first, by filter (migration 1765500000000).
@Index('report_org_created', ['orgId', 'createdAt', 'id', 'status', 'kind', 'drill'])
@Index('report_org_status_created', ['orgId', 'status', 'createdAt', 'id', 'kind', 'drill'])
@Index('report_org_kind_created', ['orgId', 'kind', 'createdAt', 'id', 'status', 'drill'])
@Index('report_org_drill_created', ['orgId', 'createdAt', 'id'], { where: 'drill' })
// Submitted reports' audit heads by chain, place and id, for verification (migration 1765400000002).
@Index('report_head_chain_seq', ['auditHeadChain', 'auditHeadSeq', 'id'], { where: 'audit_head_seq IS NOT NULL' })
export class Report {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'org_id', type: 'varchar', length: 36 }) orgId!: string;
  @Column({ name: 'incident_id', type: 'varchar', length: 36 }) incidentId!: string;
  /** <incident reference>-R<n>, unique per incident. */
  @Column({ type: 'varchar', length: 48 }) reference!: string;
  @Column({ type: 'varchar', length: 12 }) kind!: ReportKindCode;
  @Column({ type: 'varchar', length: 12 }) status!: ReportStatus;
  /** Initial reports only: the first items now, the rest owed (NCIRM-2025-content). */
  @Column({ type: 'boolean', default: false }) partial!: boolean;
  @Column({ name: 'corrects_id', type: 'varchar', length: 36, nullable: true }) correctsId!: string | null;
  @Column({ type: 'boolean', default: false }) drill!: boolean;
  /** Incident grade and category when drafted, refreshed at submission (inbox filters read these). */
  @Column({ type: 'varchar', length: 4 }) grade!: Grade;
  @Column({ type: 'varchar', length: 60 }) category!: string;
  @Column({ name: 'rule_id', type: 'varchar', length: 60 }) ruleId!: string;
  /** Field code → text, codes from requirements/reporting-rules.yaml reportFields. */
  @Column({ type: 'simple-json' }) fields!: Record<string, string>;
  /** Field codes the rule requires for this kind (and category), fixed when drafted and at submission. */
  @Column({ name: 'required_fields', type: 'simple-json' }) requiredFields!: string[];
  /** Partial initial report: required fields it did not carry, owed until a complete one goes in. */
  @Column({ name: 'owed_fields', type: 'simple-json' }) owedFields!: string[];
  /** SHA-256 over the canonical submitted content: shows the stored report was not altered. */
  @Column({ name: 'content_digest', type: 'varchar', length: 64, nullable: true }) contentDigest!: string | null;
  /** The operator's audit head (newest entry) when the report was submitted; recipients keep it as a witness. */
  @Column({ name: 'audit_head_seq', type: 'integer', nullable: true }) auditHeadSeq!: number | null;
  @Column({ name: 'audit_head_hash', type: 'varchar', length: 64, nullable: true }) auditHeadHash!: string | null;
  /** The chain of that head (the operator's); null for reports submitted while the trail was one global chain. */
  @Column({ name: 'audit_head_chain', type: 'varchar', length: 36, nullable: true }) auditHeadChain!: string | null;
  @Column({ type: 'integer' }) version!: number;
  @Column({ name: 'created_by', type: 'varchar', length: 60 }) createdBy!: string;
  @Column({ name: 'created_at', type: 'varchar', length: 32 }) createdAt!: string;
  @Column({ name: 'updated_at', type: 'varchar', length: 32 }) updatedAt!: string;
  @Column({ name: 'approved_by', type: 'varchar', length: 36, nullable: true }) approvedBy!: string | null;
  @Column({ name: 'approved_at', type: 'varchar', length: 32, nullable: true }) approvedAt!: string | null;
  @Column({ name: 'submitted_by', type: 'varchar', length: 36, nullable: true }) submittedBy!: string | null;
  @Column({ name: 'submitted_at', type: 'varchar', length: 32, nullable: true }) submittedAt!: string | null;
}

/** An authority outside this deployment that an operator reports to, by email or signed webhook. */
@Entity('report_recipient')
@Index(['orgId'])
export class ReportRecipient {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'org_id', type: 'varchar', length: 36 }) orgId!: string;
  @Column({ type: 'varchar', length: 40 }) kind!: RecipientKindCode;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @Column({ type: 'varchar', length: 12 }) channel!: RecipientChannel;
  /**
   * Channel config (validated by the channel); never holds the secret; custom header values and URL tokens shown as
   * `***`.
   */
  @Column({ type: 'simple-json' }) config!: Record<string, unknown>;
  /** The config's sealed parts (see notifications/config-secrets.ts), bound to the recipient id, or null. */
  @Column({ name: 'config_sealed', type: 'text', nullable: true }) configSealed!: string | null;
  /** Webhook signing secret or SMTP password, sealed with SECRETS_KEY (bound to the recipient id). */
  @Column({ name: 'secret_sealed', type: 'text', nullable: true }) secretSealed!: string | null;
  /** Receives reports of drill incidents too (stamped 演练). */
  @Column({ type: 'boolean', default: false }) drill!: boolean;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @Column({ name: 'created_at', type: 'varchar', length: 32 }) createdAt!: string;
  @Column({ name: 'updated_at', type: 'varchar', length: 32 }) updatedAt!: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';
export type OnwardStatus = 'none' | 'pending' | 'met' | 'missed';
export interface DeliveryAttempt {
  at: string;
  ok: boolean;
  status?: number;
  error?: string;
  /** Out-of-band deliveries: how the liaison reported, what the recipient gave back, who recorded it. */
  means?: string;
  reference?: string | null;
  recordedBy?: string;
}

/**
 * The inbox's `status` filters as SQL conditions on report_delivery (unqualified column names): each is
 * also the condition of the partial index that holds the deliveries in that state.
 */
export const INBOX_STATUS_CONDITIONS = {
  unacknowledged: 'acknowledged_at IS NULL',
  acknowledged: 'acknowledged_at IS NOT NULL',
  'info-requested': 'info_requested_at IS NOT NULL',
  'onward-pending': "onward_at IS NULL AND onward_status IN ('pending', 'missed')",
  forwarded: 'onward_at IS NOT NULL',
} as const satisfies Record<InboxStatus, string>;

/**
 * One submitted report addressed to one recipient: a department of this deployment (its inbox) or
 * an external recipient (delivery job). Carries the acknowledgement clock and, for departments,
 * the onward-reporting clock.
 */
@Entity('report_delivery')
// The inbox's filters, each leading with the department and ending with its order (migration 1764500000000).
@Index('report_delivery_dept_received', ['departmentOrgId', 'receivedAt', 'id'])
@Index('report_delivery_dept_grade', ['departmentOrgId', 'grade', 'receivedAt', 'id'])
@Index('report_delivery_dept_category', ['departmentOrgId', 'category', 'receivedAt', 'id'])
@Index('report_delivery_dept_incident', ['departmentOrgId', 'incidentId', 'receivedAt', 'id'])
// Drills only (migration 1765500000000): the inbox spells the filter `d.drill`, which this condition needs.
@Index('report_delivery_dept_drill', ['departmentOrgId', 'receivedAt', 'id'], { where: 'drill' })
@Index('report_delivery_dept_info_requested', ['departmentOrgId', 'receivedAt', 'id'], {
  where: INBOX_STATUS_CONDITIONS['info-requested'],
})
// One per state the inbox filters by, holding only the deliveries in it (migrations 1765400000001 and
// 1765600000000); the inbox's filter is the index's condition, the form both databases need to see that
// the index answers it.
@Index('report_delivery_dept_unacknowledged', ['departmentOrgId', 'receivedAt', 'id'], {
  where: INBOX_STATUS_CONDITIONS.unacknowledged,
})
@Index('report_delivery_dept_acknowledged', ['departmentOrgId', 'receivedAt', 'id'], {
  where: INBOX_STATUS_CONDITIONS.acknowledged,
})
@Index('report_delivery_dept_forwarded', ['departmentOrgId', 'receivedAt', 'id'], {
  where: INBOX_STATUS_CONDITIONS.forwarded,
})
@Index('report_delivery_dept_onward_pending', ['departmentOrgId', 'receivedAt', 'id'], {
  where: INBOX_STATUS_CONDITIONS['onward-pending'],
})
// The deliveries with an open clock, with when the earliest falls due: `overdue=true` (migration 1765600000000).
@Index('report_delivery_dept_open', ['departmentOrgId', 'receivedAt', 'id', 'openDueAt'], {
  where: 'open_due_at IS NOT NULL',
})
@Index(['reportId'])
export class ReportDelivery {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'report_id', type: 'varchar', length: 36 }) reportId!: string;
  /** The operator organisation that submitted the report. */
  @Column({ name: 'org_id', type: 'varchar', length: 36 }) orgId!: string;
  @Column({ name: 'incident_id', type: 'varchar', length: 36 }) incidentId!: string;
  @Column({ name: 'department_org_id', type: 'varchar', length: 36, nullable: true }) departmentOrgId!: string | null;
  @Column({ name: 'recipient_id', type: 'varchar', length: 36, nullable: true }) recipientId!: string | null;
  @Column({ name: 'recipient_kind', type: 'varchar', length: 40 }) recipientKind!: RecipientKindCode;
  @Column({ name: 'recipient_name', type: 'varchar', length: 200 }) recipientName!: string;
  /** `out-of-band`: reported outside the product by the liaison and recorded with the submission. */
  @Column({ type: 'varchar', length: 12 }) channel!: 'inbox' | 'out-of-band' | RecipientChannel;
  @Column({ type: 'varchar', length: 12 }) kind!: ReportKindCode;
  @Column({ type: 'varchar', length: 4 }) grade!: Grade;
  @Column({ type: 'varchar', length: 60 }) category!: string;
  @Column({ type: 'boolean', default: false }) drill!: boolean;
  @Column({ type: 'varchar', length: 12 }) status!: DeliveryStatus;
  @Column({ type: 'integer', default: 0 }) attempts!: number;
  @Column({ name: 'attempt_log', type: 'simple-json' }) attemptLog!: DeliveryAttempt[];
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError!: string | null;
  @Column({ name: 'delivered_at', type: 'varchar', length: 32, nullable: true }) deliveredAt!: string | null;
  @Column({ name: 'received_at', type: 'varchar', length: 32, nullable: true }) receivedAt!: string | null;
  @Column({ name: 'ack_due_at', type: 'varchar', length: 32 }) ackDueAt!: string;
  @Column({ name: 'ack_escalation_level', type: 'integer', default: 0 }) ackEscalationLevel!: number;
  @Column({ name: 'acknowledged_at', type: 'varchar', length: 32, nullable: true }) acknowledgedAt!: string | null;
  @Column({ name: 'acknowledged_by', type: 'varchar', length: 60, nullable: true }) acknowledgedBy!: string | null;
  @Column({ name: 'ack_note', type: 'text', nullable: true }) ackNote!: string | null;
  /** When the department first asked for more information (report_info_request); null: never. */
  @Column({ name: 'info_requested_at', type: 'varchar', length: 32, nullable: true }) infoRequestedAt!: string | null;
  @Column({ name: 'onward_status', type: 'varchar', length: 12 }) onwardStatus!: OnwardStatus;
  @Column({ name: 'onward_due_at', type: 'varchar', length: 32, nullable: true }) onwardDueAt!: string | null;
  @Column({ name: 'onward_escalation_level', type: 'integer', default: 0 }) onwardEscalationLevel!: number;
  @Column({ name: 'onward_reminded', type: 'simple-json' }) onwardReminded!: number[];
  @Column({ name: 'onward_reference', type: 'varchar', length: 200, nullable: true }) onwardReference!: string | null;
  @Column({ name: 'onward_at', type: 'varchar', length: 32, nullable: true }) onwardAt!: string | null;
  @Column({ name: 'onward_by', type: 'varchar', length: 36, nullable: true }) onwardBy!: string | null;
  /**
   * When the earliest of its open clocks falls due (the acknowledgement while unacknowledged, passing it
   * on while pending); null once nothing is open. Overdue is `open_due_at <= now`: the inbox's
   * `overdue` filter reads it from an index of the open deliveries only (migration 1765600000000).
   * Written with every change of those clocks, from openDueAt.
   */
  @Column({ name: 'open_due_at', type: 'varchar', length: 32, nullable: true }) openDueAt!: string | null;
  @Column({ name: 'created_at', type: 'varchar', length: 32 }) createdAt!: string;
  @Column({ name: 'updated_at', type: 'varchar', length: 32 }) updatedAt!: string;
}

/** The columns an acknowledgement writes (the department's, or one the liaison records for an external recipient). */
export function acknowledgement(
  d: Parameters<typeof openDueAt>[0],
  at: string,
  by: string,
  note: string | undefined,
): Pick<ReportDelivery, 'acknowledgedAt' | 'acknowledgedBy' | 'ackNote' | 'openDueAt' | 'updatedAt'> {
  return {
    acknowledgedAt: at,
    acknowledgedBy: by,
    ackNote: note ?? null,
    openDueAt: openDueAt({ ...d, acknowledgedAt: at }),
    updatedAt: at,
  };
}

/** What open_due_at says for a delivery in this state: the earliest due time of its open clocks, or null. */
export function openDueAt(
  d: Pick<ReportDelivery, 'acknowledgedAt' | 'ackDueAt' | 'onwardAt' | 'onwardStatus' | 'onwardDueAt'>,
): string | null {
  const open: string[] = [];
  if (!d.acknowledgedAt) open.push(d.ackDueAt);
  if (!d.onwardAt && (d.onwardStatus === 'pending' || d.onwardStatus === 'missed') && d.onwardDueAt)
    open.push(d.onwardDueAt);
  // ISO 8601 UTC times with milliseconds, as every time column is written: their order is the text's.
  return open.length ? open.sort()[0]! : null;
}

/** A department asks the operator for more information on a report it received. */
@Entity('report_info_request')
@Index(['reportId'])
@Index('report_info_request_delivery', ['deliveryId'])
@Index('report_info_request_dept_delivery', ['departmentOrgId', 'deliveryId'])
export class ReportInfoRequest {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'report_id', type: 'varchar', length: 36 }) reportId!: string;
  @Column({ name: 'delivery_id', type: 'varchar', length: 36 }) deliveryId!: string;
  @Column({ name: 'org_id', type: 'varchar', length: 36 }) orgId!: string;
  @Column({ name: 'incident_id', type: 'varchar', length: 36 }) incidentId!: string;
  @Column({ name: 'department_org_id', type: 'varchar', length: 36 }) departmentOrgId!: string;
  @Column({ name: 'department_name', type: 'varchar', length: 200 }) departmentName!: string;
  @Column({ type: 'text' }) message!: string;
  @Column({ name: 'requested_by', type: 'varchar', length: 36 }) requestedBy!: string;
  @Column({ name: 'requested_at', type: 'varchar', length: 32 }) requestedAt!: string;
}

export const REPORT_ENTITIES = [Report, ReportRecipient, ReportDelivery, ReportInfoRequest];
