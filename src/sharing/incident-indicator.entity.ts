import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { SharedIndicatorType } from './stix';

/** An indicator of compromise recorded on an incident, shared through the STIX export. */
@Entity('incident_indicator')
@Index(['incidentId', 'type', 'value'], { unique: true })
export class IncidentIndicator {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'incident_id', type: 'varchar', length: 36 })
  incidentId!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ type: 'varchar', length: 20 })
  type!: SharedIndicatorType;

  @Column({ type: 'varchar', length: 2048 })
  value!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 36 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;
}
