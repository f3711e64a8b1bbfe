import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type DeadlineRowStatus = 'pending' | 'met' | 'missed' | 'cancelled';

/**
 * The runtime's side of an incident deadline: when its clock started and when it is due. The
 * workflow snapshot owns status and generation (a timer event with an old generation is ignored);
 * they are copied here after every transition so dashboards can query across incidents.
 */
@Entity('incident_deadline')
@Index('incident_deadline_status_due', ['status', 'dueAt'])
@Index('incident_deadline_org_open', ['orgId', 'resolvedAt', 'dueAt'])
export class IncidentDeadline {
  @PrimaryColumn({ name: 'incident_id', type: 'varchar', length: 36 })
  incidentId!: string;

  @PrimaryColumn({ type: 'varchar', length: 40 })
  timer!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ type: 'integer' })
  generation!: number;

  @Column({ type: 'varchar', length: 12 })
  status!: DeadlineRowStatus;

  /** The reporting rule (requirements/reporting-rules.yaml) this clock comes from. */
  @Column({ name: 'rule_id', type: 'varchar', length: 60 })
  ruleId!: string;

  @Column({ name: 'clock_started_at', type: 'varchar', length: 32 })
  clockStartedAt!: string;

  @Column({ name: 'due_at', type: 'varchar', length: 32 })
  dueAt!: string;

  /** Escalation steps taken after the deadline passed (0 = none yet). */
  @Column({ name: 'escalation_level', type: 'integer', default: 0 })
  escalationLevel!: number;

  @Column({ name: 'acknowledged_at', type: 'varchar', length: 32, nullable: true })
  acknowledgedAt!: string | null;

  @Column({ name: 'acknowledged_by', type: 'varchar', length: 36, nullable: true })
  acknowledgedBy!: string | null;

  /**
   * Set when the obligation behind the clock is settled (the report went in, even late, or the
   * state that owned the clock was left): escalation stops here.
   */
  @Column({ name: 'resolved_at', type: 'varchar', length: 32, nullable: true })
  resolvedAt!: string | null;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}
