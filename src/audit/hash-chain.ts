import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainFields {
  seq: number;
  at: string;
  actorId: string;
  actorRole: string | null;
  orgId: string | null;
  incidentId: string | null;
  action: string;
  payloadDigest: string;
  prevHash: string;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** RFC 8785 canonical JSON: the same value always serialises to the same bytes, whatever key order. */
export function canonicalJson(value: unknown): string {
  const s = canonicalize(value);
  if (s === undefined) throw new Error('value cannot be canonicalised');
  return s;
}

export const payloadDigest = (payload: unknown): string => sha256(canonicalJson(payload ?? null));

/** A string or null as RFC 8785 writes it (strings serialise exactly as JSON.stringify does). */
const text = (s: string | null): string => (s === null ? 'null' : JSON.stringify(s));

/**
 * The RFC 8785 form of the chained fields, written out directly: the keys are fixed, so their
 * order (UTF-16 code units) is too, and every value is a string, null or the integer `seq`. This is
 * byte for byte what canonicalJson gives for the same object (a unit test holds the two together)
 * without the generic walk and sort, because it runs for every entry that is written or verified.
 */
export function entryCanonical(f: ChainFields): string {
  if (!Number.isSafeInteger(f.seq)) throw new Error(`audit seq ${f.seq} is not a safe integer`);
  return `{"action":${text(f.action)},"actorId":${text(f.actorId)},"actorRole":${text(f.actorRole)},"at":${text(f.at)},"incidentId":${text(f.incidentId)},"orgId":${text(f.orgId)},"payloadDigest":${text(f.payloadDigest)},"prevHash":${text(f.prevHash)},"seq":${f.seq}}`;
}

export function entryHash(f: ChainFields): string {
  return sha256(entryCanonical(f));
}

export function headMac(key: Buffer, seq: number, hash: string): string {
  return createHmac('sha256', key).update(`${seq}:${hash}`).digest('hex');
}

export function macMatches(key: Buffer, seq: number, hash: string, mac: string): boolean {
  const expected = Buffer.from(headMac(key, seq, hash), 'hex');
  const given = Buffer.from(mac, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export type BrokenReason = 'seq-gap' | 'prev-hash-mismatch' | 'payload-digest-mismatch' | 'hash-mismatch' | 'head-mismatch';

export interface StoredEntry extends ChainFields {
  payload: string;
  hash: string;
}

export interface ChainCheck {
  ok: boolean;
  reason?: BrokenReason;
}

/** Checks one stored entry against its predecessor; pure, so unit tests cover every way a link breaks. */
export function checkLink(entry: StoredEntry, prev: { seq: number; hash: string } | null): ChainCheck {
  const expectedSeq = prev ? prev.seq + 1 : 1;
  if (entry.seq !== expectedSeq) return { ok: false, reason: 'seq-gap' };
  if (entry.prevHash !== (prev ? prev.hash : GENESIS_HASH)) return { ok: false, reason: 'prev-hash-mismatch' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry.payload);
  } catch {
    return { ok: false, reason: 'payload-digest-mismatch' };
  }
  if (payloadDigest(parsed) !== entry.payloadDigest) return { ok: false, reason: 'payload-digest-mismatch' };
  if (entryHash(entry) !== entry.hash) return { ok: false, reason: 'hash-mismatch' };
  return { ok: true };
}
