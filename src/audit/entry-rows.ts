import { AuditEntry } from './audit-entry.entity';
import { GENESIS_HASH, orgOfChain, storedPayloadDigest, type HashVersion, type StoredChainedEntry } from './hash-chain';

/**
 * Where entries are read: audit_entry with its numbers (AuditName) given back as names, under the
 * names the columns had before they were numbered (migration 1765700000000). It also has the numbers
 * (`chain_ref`, `incident_ref`, …), which the indexes hold: filter on those.
 */
export const ENTRY_VIEW = 'audit_entry_named';

/** The number of the name bound to `param` (a placeholder), as a scalar subquery: NULL when none. */
export const nameId = (param = '?'): string => `(SELECT id FROM audit_name WHERE name = ${param})`;

/**
 * What an entry's row stores, in the order the service writes them (the names as AuditName numbers,
 * the hash as bytes: storedHash).
 */
export const STORED_COLUMNS = [
  'seq',
  'chain_ref',
  'chain_seq',
  'hash_version',
  'at',
  'actor_ref',
  'actor_role',
  'org_id',
  'incident_ref',
  'action_ref',
  'payload',
  'payload_digest',
  'prev_hash',
  'hash',
].join(', ');

/** An entry's hash as its row stores it: the 32 bytes its hexadecimal form spells. */
export const storedHash = (hex: string): Buffer => Buffer.from(hex, 'hex');

/** Every column of an entry as read (ENTRY_VIEW), the names as text and the hash in hexadecimal. */
export const ENTRY_COLUMN_NAMES = [
  'seq',
  'chain',
  'chain_seq',
  'hash_version',
  'at',
  'actor_id',
  'actor_role',
  'org_id',
  'incident_id',
  'action',
  'payload',
  'payload_digest',
  'prev_hash',
  'hash',
] as const;

export const ENTRY_COLUMNS = ENTRY_COLUMN_NAMES.join(', ');

/** An entry's row exactly as stored (a version-3 row has no organisation, digest or previous hash). */
export function storedEntry(r: Record<string, unknown>): StoredChainedEntry {
  return {
    seq: Number(r.seq),
    chain: String(r.chain),
    chainSeq: Number(r.chain_seq),
    hashVersion: Number(r.hash_version) as HashVersion,
    at: String(r.at),
    actorId: String(r.actor_id),
    actorRole: (r.actor_role as string | null) ?? null,
    orgId: (r.org_id as string | null) ?? null,
    incidentId: (r.incident_id as string | null) ?? null,
    action: String(r.action),
    payload: String(r.payload),
    payloadDigest: String(r.payload_digest),
    prevHash: String(r.prev_hash),
    hash: String(r.hash),
  };
}

/**
 * A statement's select list (over ENTRY_VIEW as `alias`) that adds, to every column of `alias`'s
 * entries, the hash of the entry before each version-3 entry in its chain as `before_hash` (a look-up
 * of the unique (chain_ref, chain_seq) index per row; null when that entry is missing, which
 * verification reports).
 */
export const entryColumnsWithBefore = (alias: string): string =>
  `${ENTRY_COLUMN_NAMES.map((c) => `${alias}.${c}`).join(', ')}, ` +
  `CASE WHEN ${alias}.hash_version = 3 AND ${alias}.chain_seq > 1 THEN (SELECT b.hash FROM ${ENTRY_VIEW} b ` +
  `WHERE b.chain_ref = ${alias}.chain_ref AND b.chain_seq = ${alias}.chain_seq - 1) END AS before_hash`;

/** An entry's organisation: its stored `org_id` up to version 2, its chain's name from version 3 on. */
export const orgOfRow = (r: Record<string, unknown>): string | null =>
  Number(r.hash_version) === 3 ? orgOfChain(String(r.chain)) : ((r.org_id as string | null) ?? null);

/**
 * The entry as it was appended, whatever its version stored: a version-3 row gets its organisation
 * from its chain, its digest from its payload and its previous hash from the row before it
 * (`before_hash`, entryColumnsWithBefore; empty when that row is missing).
 */
export function entryOfRow(r: Record<string, unknown>): AuditEntry {
  const s = storedEntry(r);
  const e = Object.assign(new AuditEntry(), s);
  e.orgId = orgOfRow(r);
  if (s.hashVersion === 3) {
    e.payloadDigest = storedPayloadDigest(s.payload);
    e.prevHash = s.chainSeq === 1 ? GENESIS_HASH : ((r.before_hash as string | null) ?? '');
  }
  return e;
}
