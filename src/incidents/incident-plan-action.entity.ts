import { Column, Entity, PrimaryColumn } from 'typeorm';

export type PlanActionKind = 'approval' | 'notification' | 'service-provider';

/**
 * `waiting`: the incident has not reached the step's phase yet. An approval is then `pending` until
 * decided, `approved` (the step is completed) or `rejected` (the step stays open, so its phase stays
 * blocked, until the role decides again); a notification is `sent`; a provider's report is `requested`,
 * then `received`.
 */
export type PlanActionStatus = 'waiting' | 'pending' | 'approved' | 'rejected' | 'sent' | 'requested' | 'received';

/** One approval decision, kept in order: a rejection stays visible after a later approval. */
export interface ApprovalDecision {
  decision: 'approve' | 'reject';
  reason: string;
  by: string;
  role: string;
  at: string;
}

/**
 * An incident's approval, notification or service-provider step (copied from the plan at declaration,
 * see PlanAction) and its progress. The checklist side of approval and provider steps (done or open,
 * gating the phase) is the workflow's, as for any step; this row holds what only these kinds have.
 */
@Entity('incident_plan_action')
export class IncidentPlanAction {
  @PrimaryColumn({ name: 'incident_id', type: 'varchar', length: 36 }) incidentId!: string;
  @PrimaryColumn({ name: 'step_id', type: 'varchar', length: 170 }) stepId!: string;
  @Column({ name: 'org_id', type: 'varchar', length: 36 }) orgId!: string;
  @Column({ type: 'varchar', length: 20 }) kind!: PlanActionKind;
  @Column({ type: 'varchar', length: 20 }) phase!: string;
  /** JSON: the step's title and its kind's settings (approval, notify or provider) from the plan. */
  @Column({ type: 'text' }) settings!: string;
  @Column({ type: 'varchar', length: 20 }) status!: PlanActionStatus;
  /** JSON: ApprovalDecision[] (empty for the other kinds). */
  @Column({ type: 'text' }) decisions!: string;
  /** The approval clock's escalation steps taken (EscalationLadder). */
  @Column({ name: 'escalation_level', type: 'integer', default: 0 }) escalationLevel!: number;
  /** When the incident reached the step's phase. */
  @Column({ name: 'started_at', type: 'varchar', length: 32, nullable: true }) startedAt!: string | null;
  /** An approval's timeout. */
  @Column({ name: 'due_at', type: 'varchar', length: 32, nullable: true }) dueAt!: string | null;
  /** Approved, sent, or the provider's report received. */
  @Column({ name: 'done_at', type: 'varchar', length: 32, nullable: true }) doneAt!: string | null;
  /** JSON: a provider report's receipt (reference, receivedAt, note, evidence, by). */
  @Column({ type: 'text', nullable: true }) record!: string | null;
  @Column({ name: 'updated_at', type: 'varchar', length: 32 }) updatedAt!: string;
}
