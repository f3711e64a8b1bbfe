import { createHash, createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';

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

/**
 * RFC 8785 canonical JSON: the same value always serialises to the same bytes, whatever key order.
 * Keys sorted by UTF-16 code units, strings and numbers as ECMAScript's JSON.stringify writes
 * them, no whitespace; undefined and symbol members left out (null in arrays), as JSON does.
 * Written out here rather than with the `canonicalize` package because it runs for every audit
 * entry; a unit test holds the two to the same output.
 */
export function canonicalJson(value: unknown): string {
  const s = canonical(value);
  if (s === undefined) throw new Error('value cannot be canonicalised');
  return s;
}

function canonical(v: unknown): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      if (!Number.isFinite(v)) throw new Error(`${v} cannot be canonicalised`);
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      break;
    case 'bigint':
      throw new Error('a bigint cannot be canonicalised');
    default:
      return undefined;
  }
  const withJson = v as { toJSON?: unknown };
  if (typeof withJson.toJSON === 'function') return canonical((withJson.toJSON as () => unknown).call(v));
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += `${i ? ',' : ''}${canonical(v[i]) ?? 'null'}`;
    return `${out}]`;
  }
  const o = v as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(o).sort()) {
    const member = canonical(o[key]);
    if (member === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${member}`;
  }
  return `${out}}`;
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
  return (
    `{"action":${text(f.action)},"actorId":${text(f.actorId)}` +
    `,"actorRole":${text(f.actorRole)},"at":${text(f.at)}` +
    `,"incidentId":${text(f.incidentId)},"orgId":${text(f.orgId)}` +
    `,"payloadDigest":${text(f.payloadDigest)},"prevHash":` +
    `${text(f.prevHash)},"seq":${f.seq}}`
  );
}

export function entryHash(f: ChainFields): string {
  return sha256(entryCanonical(f));
}

/** `key`: preferably a KeyObject made once (createSecretKey), which saves importing it per call. */
export function headMac(key: Buffer | KeyObject, seq: number, hash: string): string {
  return createHmac('sha256', key).update(`${seq}:${hash}`).digest('hex');
}

export function macMatches(key: Buffer | KeyObject, seq: number, hash: string, mac: string): boolean {
  const expected = Buffer.from(headMac(key, seq, hash), 'hex');
  const given = Buffer.from(mac, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export type BrokenReason =
  'seq-gap' | 'prev-hash-mismatch' | 'payload-digest-mismatch' | 'hash-mismatch' | 'head-mismatch';

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
