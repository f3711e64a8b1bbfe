import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Grade } from '../common';

@Entity('incident')
// Each list filter's index leads with the organisation, then the list's order (migration 1764500000000), then
// the other filters, so two filters together are answered from one index (migration 1765400000000).
@Index('incident_org_created', ['orgId', 'createdAt', 'reference'])
@Index('incident_org_state_created', ['orgId', 'state', 'createdAt', 'reference', 'grade', 'category', 'drill'])
@Index('incident_org_grade_created', ['orgId', 'grade', 'createdAt', 'reference', 'state', 'category', 'drill'])
@Index('incident_org_category_created', ['orgId', 'category', 'createdAt', 'reference', 'state', 'grade', 'drill'])
@Index('incident_org_drill_created', ['orgId', 'createdAt', 'reference'], { where: 'drill' })
// A list filtered by detection time is in detection-time order (migration 1765600000000).
@Index('incident_org_detected', ['orgId', 'detectedAt', 'reference'])
@Index(['orgId', 'reference'], { unique: true })
export class Incident {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  /** Human reference, unique per organisation: INC-<year>-<6 digits>. */
  @Column({ type: 'varchar', length: 32 })
  reference!: string;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'varchar', length: 60 })
  category!: string;

  @Column({ type: 'varchar', length: 4 })
  grade!: Grade;

  /** Top-level workflow state (triage, response, …), denormalised from the snapshot for filtering. */
  @Column({ type: 'varchar', length: 40 })
  state!: string;

  @Column({ type: 'boolean', default: false })
  drill!: boolean;

  @Column({ name: 'detected_at', type: 'varchar', length: 32 })
  detectedAt!: string;

  @Column({ name: 'occurred_at', type: 'varchar', length: 32, nullable: true })
  occurredAt!: string | null;

  @Column({ name: 'affected_systems', type: 'simple-json' })
  affectedSystems!: string[];

  @Column({ name: 'affected_business', type: 'simple-json' })
  affectedBusiness!: string[];

  /** Impact facts entered at declaration (feed the grade suggestion). */
  @Column({ type: 'simple-json', nullable: true })
  impact!: Record<string, string | number | boolean> | null;

  @Column({ name: 'workflow_id', type: 'varchar', length: 60 })
  workflowId!: string;

  @Column({ name: 'workflow_version', type: 'integer' })
  workflowVersion!: number;

  /** Persisted XState snapshot (JSON). */
  @Column({ type: 'text', nullable: true })
  snapshot!: string | null;

  /** Optimistic-concurrency version: bumped by every applied event. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_by', type: 'varchar', length: 36 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}
