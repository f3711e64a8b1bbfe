import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { HashVersion } from './hash-chain';

/**
 * One link of the append-only, hash-chained audit trail, as appended and as read back. Each
 * organisation has its own chain (and the entries without one, the `system` chain): `chain` names it
 * and `chainSeq` is the entry's place in it, assigned just before the transaction that writes the
 * entry commits, so a chain's order is its commit order. `seq` is an id unique across the deployment,
 * taken when the entry is appended (it makes job ids unique per event); it is no link. Entries written
 * before chains existed (hash version 1) form one global chain by `seq` and keep their hashes; they
 * were given their organisation's chain and place by migration 1764300000000. Entries of hash version 3
 * (from 2026-12-03) store `org_id` as NULL and `payload_digest` and `prev_hash` as empty text: all
 * three are derived (chainedHashV3), and the service reads entries through entryOfRow, which fills
 * them in.
 *
 * Not itself the stored row (AuditEntryRow): the row names the chain, actor, incident and action by
 * number (AuditName), the entry by text, which is what the hash covers.
 */
export class AuditEntry {
  seq!: number;
  chain!: string;
  chainSeq!: number;
  /**
   * 1: hashed into the old global chain (ChainFields); 2: into its organisation's chain (ChainedFields);
   * 3: the same without storing what is derived (chainedHashV3).
   */
  hashVersion!: HashVersion;
  at!: string;
  /** user id, or `system:<component>` for timers and workers, or `bootstrap`. */
  actorId!: string;
  actorRole!: string | null;
  orgId!: string | null;
  incidentId!: string | null;
  action!: string;
  /** What changed, as JSON; its RFC 8785 digest is what the hash covers. */
  payload!: string;
  /** The SHA-256 of `payload`'s RFC 8785 form. */
  payloadDigest!: string;
  /** The hash of the entry before it in its chain. */
  prevHash!: string;
  hash!: string;
}

/**
 * The names audit entries share, each stored once and numbered (migration 1765700000000): chain names,
 * actor ids, incident ids and actions. An entry repeated them as text, 36 characters each for the
 * chain, actor and incident, in the row and again in its indexes: about 1.6 kB of the 13.5 kB a
 * million-incident database took per incident (issue 19, storage). A name is never changed or
 * deleted: the entries that use it are hashed over the name, so a changed name breaks their hashes,
 * which verification reports.
 */
@Entity('audit_name')
@Index('audit_name_name', ['name'], { unique: true })
export class AuditName {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 80 })
  name!: string;
}

/**
 * An audit entry as stored: AuditEntry with the chain, actor, incident and action as AuditName ids
 * and the hash as bytes.
 * Read through the view `audit_entry_named` (ENTRY_VIEW), which gives them back as text under the
 * names the columns had before (`chain`, `actor_id`, `incident_id`, `action`), beside the ids.
 */
@Entity('audit_entry')
@Index('audit_entry_chain_seq', ['chainRef', 'chainSeq'], { unique: true })
@Index('audit_entry_incident_seq', ['incidentRef', 'seq'])
export class AuditEntryRow {
  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ name: 'chain_ref', type: 'integer', nullable: true })
  chainRef!: number | null;

  @Column({ name: 'chain_seq', type: 'integer', nullable: true })
  chainSeq!: number | null;

  @Column({ name: 'hash_version', type: 'integer', default: 2 })
  hashVersion!: HashVersion;

  @Column({ type: 'varchar', length: 32 })
  at!: string;

  @Column({ name: 'actor_ref', type: 'integer' })
  actorRef!: number;

  @Column({ name: 'actor_role', type: 'varchar', length: 30, nullable: true })
  actorRole!: string | null;

  // NULL from version 3 on (the chain names it).
  @Column({ name: 'org_id', type: 'varchar', length: 36, nullable: true })
  orgId!: string | null;

  @Column({ name: 'incident_ref', type: 'integer', nullable: true })
  incidentRef!: number | null;

  @Column({ name: 'action_ref', type: 'integer' })
  actionRef!: number;

  @Column({ type: 'text' })
  payload!: string;

  /** Empty in version 3: the SHA-256 of `payload`, which is stored in that very form. */
  @Column({ name: 'payload_digest', type: 'varchar', length: 64 })
  payloadDigest!: string;

  /** Empty in version 3: the hash of the entry before it in its chain. */
  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash!: string;

  // `hash`, the entry's SHA-256 as its 32 bytes: BLOB on SQLite, bytea on Postgres (ENTRY_VIEW gives it
  // in hexadecimal). Not declared to TypeORM, which has no binary column type both databases accept;
  // the table is read and written with SQL only (entry-rows.ts), and its schema is the migrations'.
}

/**
 * The keyed head of the old global chain (hash version 1), frozen since chains per organisation
 * (migration 1764300000000): a MAC over its newest entry, so cutting entries off its end shows.
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

/**
 * The head of one chain: its newest entry and a keyed MAC over it (chainHeadMac, key outside the
 * database), so cutting entries off the end of the chain shows. Locked (FOR UPDATE) by the
 * transaction that links entries to the chain, just before it commits: the one lock an
 * organisation's writes share, and no other organisation's. `mac` is empty for a chain whose newest
 * entry is still one of version 1 (that entry is covered by the old global head).
 */
@Entity('audit_chain')
export class AuditChain {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  chain!: string;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;

  @Column({ type: 'varchar', length: 64 })
  mac!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}

/**
 * A signed checkpoint over the chain heads (AuditCheckpoints): the heads that moved since the
 * previous checkpoint, the previous checkpoint's hash, and a MAC under the audit key. The chain of
 * checkpoints therefore commits to every chain's head as it stood at each checkpoint.
 */
@Entity('audit_checkpoint')
export class AuditCheckpoint {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 32 })
  at!: string;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash!: string;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;

  @Column({ type: 'varchar', length: 64 })
  mac!: string;
}

/** One head a checkpoint names. */
@Entity('audit_checkpoint_head')
@Index(['chain', 'seq'])
export class AuditCheckpointHead {
  @PrimaryColumn({ name: 'checkpoint_id', type: 'integer' })
  checkpointId!: number;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  chain!: string;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 64 })
  hash!: string;
}

/**
 * How far each chain is covered by checkpoints: only the checkpoint writer reads and writes it, to
 * find the heads that moved. Not evidence (verification recomputes from the checkpoints themselves).
 */
@Entity('audit_checkpointed')
export class AuditCheckpointed {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  chain!: string;

  @Column({ type: 'integer' })
  seq!: number;
}
