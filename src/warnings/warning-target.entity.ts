import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type TargetDeadlineStatus = 'pending' | 'met' | 'missed' | 'cancelled';

/**
 * One warned operator: its early-warning workflow actor (snapshot + optimistic version), the
 * runtime's side of its feedback deadline, and the feedback it sent. The snapshot owns state and
 * deadline status; the copies here let the department's dashboard query without parsing snapshots.
 */
@Entity('warning_target')
@Index(['operatorOrgId', 'createdAt'])
export class WarningTarget {
  @PrimaryColumn({ name: 'warning_id', type: 'varchar', length: 36 })
  warningId!: string;

  @PrimaryColumn({ name: 'operator_org_id', type: 'varchar', length: 36 })
  operatorOrgId!: string;

  /** The issuing department (denormalised for scoping). */
  @Column({ name: 'department_org_id', type: 'varchar', length: 36 })
  departmentOrgId!: string;

  @Column({ type: 'varchar', length: 40 })
  state!: string;

  @Column({ name: 'workflow_id', type: 'varchar', length: 60 })
  workflowId!: string;

  @Column({ name: 'workflow_version', type: 'integer' })
  workflowVersion!: number;

  @Column({ type: 'text' })
  snapshot!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'deadline_generation', type: 'integer', default: 0 })
  deadlineGeneration!: number;

  @Column({ name: 'deadline_status', type: 'varchar', length: 12 })
  deadlineStatus!: TargetDeadlineStatus;

  @Column({ name: 'clock_started_at', type: 'varchar', length: 32 })
  clockStartedAt!: string;

  @Column({ name: 'due_at', type: 'varchar', length: 32 })
  dueAt!: string;

  @Column({ name: 'missed_at', type: 'varchar', length: 32, nullable: true })
  missedAt!: string | null;

  /** Escalation steps taken inside the operator after the deadline passed (0 = none yet). */
  @Column({ name: 'escalation_level', type: 'integer', default: 0 })
  escalationLevel!: number;

  @Column({ name: 'feedback_id', type: 'varchar', length: 36, nullable: true })
  feedbackId!: string | null;

  @Column({ type: 'text', nullable: true })
  feedback!: string | null;

  @Column({ name: 'feedback_measures', type: 'simple-json', nullable: true })
  feedbackMeasures!: string[] | null;

  @Column({ name: 'feedback_at', type: 'varchar', length: 32, nullable: true })
  feedbackAt!: string | null;

  @Column({ name: 'feedback_by', type: 'varchar', length: 36, nullable: true })
  feedbackBy!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}
