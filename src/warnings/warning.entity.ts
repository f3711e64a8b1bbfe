import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { WarningLevel } from '../../workflows/types';
import type { SharedIndicatorType, TlpLevel } from '../sharing';

/** An indicator carried by a warning: typed in by the department, taken from an attached STIX bundle, or
 *  chosen among those a TAXII subscription delivered (`feed`). */
export interface WarningIndicator {
  type: SharedIndicatorType;
  value: string;
  description?: string;
  source: 'manual' | 'stix' | 'feed';
  /** The STIX indicator it came from (sources stix and feed). */
  stixId?: string;
  /** The TLP the source marked it with (sources stix and feed), which its sharing must honour. */
  tlp?: TlpLevel;
}

/**
 * An early warning (预警) issued by a protection department to operators of its sector. The
 * per-operator workflow lives on WarningTarget rows; this row holds what the department said.
 */
@Entity('warning')
@Index(['orgId', 'createdAt'])
@Index(['orgId', 'reference'], { unique: true })
export class Warning {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** The issuing department. */
  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  /** Human reference, unique per department: WRN-<year>-<6 digits>. */
  @Column({ type: 'varchar', length: 32 })
  reference!: string;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'varchar', length: 8 })
  level!: WarningLevel;

  /** The sector the department targeted as a whole, if any (always the department's own). */
  @Column({ type: 'simple-json' })
  sectors!: string[];

  @Column({ name: 'threat_description', type: 'text' })
  threatDescription!: string;

  @Column({ name: 'recommended_actions', type: 'simple-json' })
  recommendedActions!: string[];

  @Column({ type: 'simple-json' })
  indicators!: WarningIndicator[];

  /** ISO 8601 duration the feedback window was computed from (null when an absolute due time was given). */
  @Column({ name: 'feedback_within', type: 'varchar', length: 40, nullable: true })
  feedbackWithin!: string | null;

  @Column({ name: 'feedback_due_at', type: 'varchar', length: 32 })
  feedbackDueAt!: string;

  /** An exercise (演练): everything about it is marked drill. */
  @Column({ type: 'boolean', default: false })
  drill!: boolean;

  /**
   * Operators the warning was issued to. Fan-out jobs create their workflows after the issuing request
   * (WarningFanout); the warning_target rows written so far are the progress towards this.
   */
  @Column({ name: 'fanout_total', type: 'integer', default: 0 })
  fanoutTotal!: number;

  @Column({ name: 'created_by', type: 'varchar', length: 36 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}
