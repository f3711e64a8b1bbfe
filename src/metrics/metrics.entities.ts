import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The metrics module's facts: what the audit trail says about each incident, deadline, inbox delivery
 * and warning target, kept by MetricsProjection from every committed entry and rebuilt from the whole
 * trail by `rebuild`. Every column is set by an order-independent merge (earliest time, newest grade
 * by entry id, a flag once seen), so the same entries give the same rows in any order. Nobody enters
 * a figure by hand; the figures are aggregates over these rows.
 */
@Entity('metrics_incident')
@Index(['orgId', 'week'])
export class MetricsIncident {
  @PrimaryColumn({ name: 'incident_id', type: 'varchar', length: 36 }) incidentId!: string;
  @Column({ name: 'org_id', type: 'varchar', length: 36 }) orgId!: string;
  @Column({ type: 'varchar', length: 4 }) grade!: string;
  /** The entry that set `grade` (declaration, CONFIRM, REGRADE): a later one wins. */
  @Column({ name: 'grade_seq', type: 'integer' }) gradeSeq!: number;
  @Column({ type: 'varchar', length: 60 }) category!: string;
  @Column({ type: 'boolean', default: false }) drill!: boolean;
  @Column({ name: 'declared_at', type: 'varchar', length: 32 }) declaredAt!: string;
  /** Monday (UTC) of the week it was declared, YYYY-MM-DD. */
  @Column({ type: 'varchar', length: 10 }) week!: string;
  @Column({ name: 'confirmed_at', type: 'varchar', length: 32, nullable: true }) confirmedAt!: string | null;
  /** When containment was done: the first entry that shows the incident past the containment phase. */
  @Column({ name: 'contained_at', type: 'varchar', length: 32, nullable: true }) containedAt!: string | null;
  @Column({ name: 'closed_at', type: 'varchar', length: 32, nullable: true }) closedAt!: string | null;
  @Column({ type: 'boolean', default: false }) dismissed!: boolean;
}

/** One deadline of an incident as the trail decided it: a submission's lateness decides, else a miss seen. */
@Entity('metrics_deadline')
@Index(['orgId'])
export class MetricsDeadline {
  @PrimaryColumn({ name: 'incident_id', type: 'varchar', length: 36 }) incidentId!: string;
  @PrimaryColumn({ type: 'varchar', length: 40 }) timer!: string;
  @Column({ name: 'org_id', type: 'varchar', length: 36 }) orgId!: string;
  @Column({ name: 'missed_seen', type: 'boolean', default: false }) missedSeen!: boolean;
  /** The first submission that met or missed the deadline (its entry id and whether it was late). */
  @Column({ name: 'submission_seq', type: 'integer', nullable: true }) submissionSeq!: number | null;
  @Column({ name: 'submission_late', type: 'boolean', nullable: true }) submissionLate!: boolean | null;
  @Column({ name: 'escalation_level', type: 'integer', default: 0 }) escalationLevel!: number;
}

/** Whether a report met its deadline (the workflow's `late` on its submission event). */
@Entity('metrics_report_timing')
export class MetricsReportTiming {
  @PrimaryColumn({ name: 'report_id', type: 'varchar', length: 36 }) reportId!: string;
  @Column({ type: 'boolean' }) late!: boolean;
}

/** A report as a department received it in its inbox: only what the report itself says, and its timing. */
@Entity('metrics_delivery')
@Index('metrics_delivery_key', ['departmentOrgId', 'operatorOrgId', 'week'])
@Index('metrics_delivery_sector', [
  'departmentOrgId',
  'drill',
  'operatorOrgId',
  'incidentReference',
  'receivedAt',
  'onTime',
])
@Index(['reportId'])
export class MetricsDelivery {
  @PrimaryColumn({ name: 'delivery_id', type: 'varchar', length: 36 }) deliveryId!: string;
  @Column({ name: 'department_org_id', type: 'varchar', length: 36 }) departmentOrgId!: string;
  @Column({ name: 'operator_org_id', type: 'varchar', length: 36 }) operatorOrgId!: string;
  @Column({ name: 'report_id', type: 'varchar', length: 36 }) reportId!: string;
  @Column({ name: 'incident_reference', type: 'varchar', length: 48 }) incidentReference!: string;
  @Column({ type: 'varchar', length: 12 }) kind!: string;
  @Column({ type: 'varchar', length: 4 }) grade!: string;
  @Column({ type: 'varchar', length: 60 }) category!: string;
  @Column({ type: 'boolean', default: false }) drill!: boolean;
  @Column({ name: 'received_at', type: 'varchar', length: 32 }) receivedAt!: string;
  @Column({ type: 'varchar', length: 10 }) week!: string;
  /** 1 on time, 0 late, null when no deadline decided it (a follow-up, a correction). */
  @Column({ name: 'on_time', type: 'integer', nullable: true }) onTime!: number | null;
  @Column({ name: 'onward_required', type: 'boolean', default: false }) onwardRequired!: boolean;
  @Column({ name: 'onward_missed', type: 'boolean', default: false }) onwardMissed!: boolean;
  /** The onward report's status as recorded when the department forwarded it (met, missed). */
  @Column({ name: 'onward_status', type: 'varchar', length: 12, nullable: true }) onwardStatus!: string | null;
}

/** One operator a warning named, and when it answered. */
@Entity('metrics_warning_target')
@Index('metrics_warning_target_key', ['departmentOrgId', 'operatorOrgId', 'week'])
// The warnings still awaiting feedback (overdue or not is decided when asked): few, found at once.
@Index('metrics_warning_target_unanswered', ['departmentOrgId', 'dueAt'], { where: 'feedback_at IS NULL' })
export class MetricsWarningTarget {
  @PrimaryColumn({ name: 'warning_id', type: 'varchar', length: 36 }) warningId!: string;
  @PrimaryColumn({ name: 'operator_org_id', type: 'varchar', length: 36 }) operatorOrgId!: string;
  @Column({ name: 'department_org_id', type: 'varchar', length: 36 }) departmentOrgId!: string;
  @Column({ type: 'varchar', length: 32 }) reference!: string;
  @Column({ type: 'varchar', length: 8 }) level!: string;
  @Column({ type: 'boolean', default: false }) drill!: boolean;
  @Column({ name: 'issued_at', type: 'varchar', length: 32 }) issuedAt!: string;
  @Column({ type: 'varchar', length: 10 }) week!: string;
  @Column({ name: 'due_at', type: 'varchar', length: 32 }) dueAt!: string;
  @Column({ name: 'feedback_at', type: 'varchar', length: 32, nullable: true }) feedbackAt!: string | null;
}

/**
 * A department's deliveries summed per operator, week and drill flag: what the department's figures read,
 * so a sector of 100,000 reports is a sum over (operators × weeks) rows. Recomputed from
 * metrics_delivery for every key a projected batch touched (so it stays a function of the facts).
 */
@Entity('metrics_delivery_week')
export class MetricsDeliveryWeek {
  @PrimaryColumn({ name: 'department_org_id', type: 'varchar', length: 36 }) departmentOrgId!: string;
  @PrimaryColumn({ name: 'week', type: 'varchar', length: 10 }) week!: string;
  @PrimaryColumn({ name: 'operator_org_id', type: 'varchar', length: 36 }) operatorOrgId!: string;
  @PrimaryColumn({ type: 'boolean' }) drill!: boolean;
  @Column({ type: 'integer' }) received!: number;
  @Column({ name: 'on_time', type: 'integer' }) onTime!: number;
  @Column({ type: 'integer' }) late!: number;
  @Column({ name: 'onward_due', type: 'integer' }) onwardDue!: number;
  @Column({ name: 'onward_met', type: 'integer' }) onwardMet!: number;
  @Column({ name: 'onward_missed', type: 'integer' }) onwardMissed!: number;
}

/** A department's deliveries summed per operator and drill flag over all time: the sector overview. */
@Entity('metrics_sector_operator')
export class MetricsSectorOperator {
  @PrimaryColumn({ name: 'department_org_id', type: 'varchar', length: 36 }) departmentOrgId!: string;
  @PrimaryColumn({ name: 'operator_org_id', type: 'varchar', length: 36 }) operatorOrgId!: string;
  @PrimaryColumn({ type: 'boolean' }) drill!: boolean;
  @Column({ type: 'integer' }) incidents!: number;
  @Column({ type: 'integer' }) received!: number;
  @Column({ name: 'on_time', type: 'integer' }) onTime!: number;
  @Column({ type: 'integer' }) late!: number;
  @Column({ name: 'last_at', type: 'varchar', length: 32 }) lastAt!: string;
}

/** A department's warning targets summed per operator, week and drill flag (answered ones by punctuality). */
@Entity('metrics_warning_week')
export class MetricsWarningWeek {
  @PrimaryColumn({ name: 'department_org_id', type: 'varchar', length: 36 }) departmentOrgId!: string;
  @PrimaryColumn({ name: 'week', type: 'varchar', length: 10 }) week!: string;
  @PrimaryColumn({ name: 'operator_org_id', type: 'varchar', length: 36 }) operatorOrgId!: string;
  @PrimaryColumn({ type: 'boolean' }) drill!: boolean;
  @Column({ type: 'integer' }) targeted!: number;
  @Column({ name: 'answered_on_time', type: 'integer' }) answeredOnTime!: number;
  @Column({ name: 'answered_late', type: 'integer' }) answeredLate!: number;
}

/** How far this deployment's trail has been projected (the highest entry id seen), for the catch-up at start. */
@Entity('metrics_cursor')
export class MetricsCursor {
  @PrimaryColumn({ type: 'varchar', length: 20 }) name!: string;
  @Column({ type: 'integer' }) seq!: number;
}

export const METRICS_ENTITIES = [
  MetricsIncident,
  MetricsDeadline,
  MetricsReportTiming,
  MetricsDelivery,
  MetricsWarningTarget,
  MetricsDeliveryWeek,
  MetricsSectorOperator,
  MetricsWarningWeek,
  MetricsCursor,
];
