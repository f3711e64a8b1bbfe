import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One link of the append-only, hash-chained audit trail. `seq` is assigned by the writer (last + 1)
 * inside the same transaction as the change it records, so the chain order is the commit order.
 */
@Entity('audit_entry')
export class AuditEntry {
  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 32 })
  at!: string;

  /** user id, or `system:<component>` for timers and workers, or `bootstrap`. */
  @Column({ name: 'actor_id', type: 'varchar', length: 80 })
  actorId!: string;

  @Column({ name: 'actor_role', type: 'varchar', length: 30, nullable: true })
  actorRole!: string | null;

  // Not indexed: nothing looks the trail up by organisation (migration 1764000000005).
  @Column({ name: 'org_id', type: 'varchar', length: 36, nullable: true })
  orgId!: string | null;

  @Index()
  @Column({ name: 'incident_id', type: 'varchar', length: 36, nullable: true })
  incidentId!: string | null;

  @Column({ type: 'varchar', length: 80 })
  action!: string;

  /** What changed, as JSON; its RFC 8785 digest is what the hash covers. */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ name: 'payload_digest', type: 'varchar', length: 64 })
  payloadDigest!: string;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash!: string;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;
}

/**
 * A keyed MAC over the newest entry, kept in its own row. Cutting entries off the end of the
 * chain leaves a valid-looking shorter chain; this head (MAC key outside the database) exposes it.
 */
@Entity('audit_head')
export class AuditHead {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;

  @Column({ type: 'varchar', length: 64 })
  mac!: string;
}
