import { AuditEntry } from './audit-entry.entity';
import { GENESIS_HASH, orgOfChain, storedPayloadDigest, type HashVersion, type StoredChainedEntry } from './hash-chain';

/** Every column of an entry, in the order the service writes them. */
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
 * A statement's select list that adds, to every column of `alias`'s entries, the hash of the entry
 * before each version-3 entry in its chain as `before_hash` (a look-up of the unique (chain,
 * chain_seq) index per row; null when that entry is missing, which verification reports).
 */
export const entryColumnsWithBefore = (alias: string): string =>
  `${ENTRY_COLUMN_NAMES.map((c) => `${alias}.${c}`).join(', ')}, ` +
  `CASE WHEN ${alias}.hash_version = 3 AND ${alias}.chain_seq > 1 THEN (SELECT b.hash FROM audit_entry b ` +
  `WHERE b.chain = ${alias}.chain AND b.chain_seq = ${alias}.chain_seq - 1) END AS before_hash`;

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
