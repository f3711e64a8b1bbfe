import { createHash, createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../common';

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

export const payloadDigest = (payload: unknown): string => sha256(canonicalJson(payload ?? null));

/**
 * The RFC 8785 form of the chained fields: what an entry's hash covers. Every value is a string,
 * null or the integer `seq`, which must be a safe integer to have one JSON form.
 */
export function entryCanonical(f: ChainFields): string {
  if (!Number.isSafeInteger(f.seq)) throw new Error(`audit seq ${f.seq} is not a safe integer`);
  return canonicalJson({
    action: f.action,
    actorId: f.actorId,
    actorRole: f.actorRole,
    at: f.at,
    incidentId: f.incidentId,
    orgId: f.orgId,
    payloadDigest: f.payloadDigest,
    prevHash: f.prevHash,
    seq: f.seq,
  });
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
