import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Grade } from '../common';

export const DRILL_STATUSES = ['scheduled', 'started', 'evaluated', 'cancelled'] as const;
export type DrillStatus = (typeof DRILL_STATUSES)[number];

/** One reminder of a drill: `before` its start (ISO 8601 duration), at `at`; `skipped` when past at scheduling. */
export interface DrillReminder {
  before: string;
  at: string;
  status: 'pending' | 'sent' | 'skipped' | 'cancelled';
  sentAt?: string;
}

/** What the evaluation found (GB/T 39204-2022 11.2: evaluate drills and improve the plans). */
export interface DrillEvaluation {
  summary: string;
  wentWell: string[];
  gaps: string[];
  evaluatedBy: string;
  evaluatedAt: string;
}

/**
 * A drill (应急演练) of one version of one of the organisation's plans: scheduled with participants,
 * reminded, started as a drill incident running exactly that version, then evaluated.
 */
@Entity('drill')
@Index(['orgId', 'startsAt'])
@Index(['orgId', 'planId'])
export class Drill {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'org_id', type: 'varchar', length: 36 }) orgId!: string;
  @Column({ name: 'plan_id', type: 'varchar', length: 36 }) planId!: string;
  @Column({ name: 'plan_version', type: 'integer' }) planVersion!: number;
  @Column({ type: 'varchar', length: 300 }) title!: string;
  @Column({ type: 'text' }) scope!: string;
  /** The taxonomy category and grade the drill incident is declared with. */
  @Column({ type: 'varchar', length: 100 }) category!: string;
  @Column({ type: 'varchar', length: 4 }) grade!: Grade;
  @Column({ name: 'starts_at', type: 'varchar', length: 32 }) startsAt!: string;
  @Column({ type: 'varchar', length: 16 }) status!: DrillStatus;
  /** User ids of the organisation's people taking part. */
  @Column({ type: 'simple-json' }) participants!: string[];
  @Column({ type: 'simple-json' }) reminders!: DrillReminder[];
  @Column({ name: 'incident_id', type: 'varchar', length: 36, nullable: true }) incidentId!: string | null;
  @Column({ name: 'started_at', type: 'varchar', length: 32, nullable: true }) startedAt!: string | null;
  @Column({ name: 'cancelled_at', type: 'varchar', length: 32, nullable: true }) cancelledAt!: string | null;
  @Column({ name: 'cancel_reason', type: 'varchar', length: 500, nullable: true }) cancelReason!: string | null;
  @Column({ type: 'simple-json', nullable: true }) evaluation!: DrillEvaluation | null;
  @Column({ name: 'created_by', type: 'varchar', length: 100 }) createdBy!: string;
  @Column({ name: 'created_at', type: 'varchar', length: 32 }) createdAt!: string;
  @Column({ name: 'updated_at', type: 'varchar', length: 32 }) updatedAt!: string;
}

/** A follow-up action the evaluation of a drill asks for, with its owner and due date. */
@Entity('drill_follow_up')
@Index(['drillId'])
@Index(['orgId', 'status'])
export class DrillFollowUp {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'drill_id', type: 'varchar', length: 36 }) drillId!: string;
  @Column({ name: 'org_id', type: 'varchar', length: 36 }) orgId!: string;
  @Column({ type: 'varchar', length: 1000 }) action!: string;
  @Column({ name: 'owner_id', type: 'varchar', length: 36 }) ownerId!: string;
  /** Calendar date (YYYY-MM-DD, Beijing) by which it is to be done. */
  @Column({ name: 'due_date', type: 'varchar', length: 10 }) dueDate!: string;
  @Column({ type: 'varchar', length: 8 }) status!: 'open' | 'done';
  @Column({ name: 'done_at', type: 'varchar', length: 32, nullable: true }) doneAt!: string | null;
  @Column({ name: 'done_by', type: 'varchar', length: 100, nullable: true }) doneBy!: string | null;
  @Column({ name: 'done_note', type: 'varchar', length: 1000, nullable: true }) doneNote!: string | null;
}
