import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One version of one STIX object in one TAXII collection. `date_added` is unique and grows with
 * every row added (microseconds, see TaxiiStore), so `added_after` and `next` page without gaps
 * or repeats; `latest`/`first` mark the newest and oldest version of each object in the collection.
 */
@Entity('taxii_object')
@Index(['collectionId', 'dateAdded'], { unique: true })
@Index(['collectionId', 'stixId'])
export class TaxiiObject {
  @PrimaryColumn({ name: 'collection_id', type: 'varchar', length: 36 })
  collectionId!: string;

  @PrimaryColumn({ name: 'stix_id', type: 'varchar', length: 300 })
  stixId!: string;

  /** The object's `modified`, or its `created`, or (objects without either) the time it was added. */
  @PrimaryColumn({ type: 'varchar', length: 40 })
  version!: string;

  @Column({ type: 'varchar', length: 250 })
  type!: string;

  @Column({ name: 'spec_version', type: 'varchar', length: 8 })
  specVersion!: string;

  /** `YYYY-MM-DDTHH:MM:SS.ffffffZ`: sorts as text. */
  @Column({ name: 'date_added', type: 'varchar', length: 40 })
  dateAdded!: string;

  @Column({ type: 'boolean' })
  latest!: boolean;

  @Column({ type: 'boolean' })
  first!: boolean;

  /** The organisation that added it (a department publishing, an operator sharing). */
  @Column({ name: 'added_by_org', type: 'varchar', length: 36 })
  addedByOrg!: string;

  /** The object as JSON text. */
  @Column({ type: 'text' })
  content!: string;
}

/** The status of a POSTed envelope (TAXII 2.1 section 4.3); processing is synchronous, so always complete. */
@Entity('taxii_status')
export class TaxiiStatus {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ name: 'collection_id', type: 'varchar', length: 36 })
  collectionId!: string;

  @Column({ name: 'request_timestamp', type: 'varchar', length: 40 })
  requestTimestamp!: string;

  @Column({ name: 'total_count', type: 'integer' })
  totalCount!: number;

  @Column({ name: 'success_count', type: 'integer' })
  successCount!: number;

  @Column({ name: 'failure_count', type: 'integer' })
  failureCount!: number;

  /** `[{ id, version, message? }]` */
  @Column({ type: 'simple-json' })
  successes!: Array<{ id: string; version: string; message?: string }>;

  @Column({ type: 'simple-json' })
  failures!: Array<{ id: string; version: string; message?: string }>;
}
