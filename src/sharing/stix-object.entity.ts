import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The id and newest version of each STIX object lianfang has published, by what it describes
 * (see stix/versions.ts): an export in the same shape reuses the id, and a version's content
 * never changes under the same `modified`.
 */
@Entity('stix_object')
@Index(['stixId'], { unique: true })
export class StixObjectRecord {
  /** SHA-256 (hex) of the natural key, e.g. `indicator:<incident>:<tlp>:<shape>:<type>:<value>`. */
  @PrimaryColumn({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash!: string;

  /** The organisation whose record the object describes. */
  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ name: 'stix_id', type: 'varchar', length: 100 })
  stixId!: string;

  @Column({ type: 'varchar', length: 32 })
  created!: string;

  /** The newest version; null until the first content is recorded. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  modified!: string | null;

  /** SHA-256 (hex) of that version's content without `modified` (stix/versions.ts). */
  @Column({ name: 'content_hash', type: 'varchar', length: 64, nullable: true })
  contentHash!: string | null;
}
