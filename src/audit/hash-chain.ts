import { createHmac, hash as digestOf, timingSafeEqual, type KeyObject } from 'node:crypto';
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

// One-shot crypto.hash: no Hash object per call (verification hashes twice per entry, millions of times).
const sha256 = (s: string) => digestOf('sha256', s, 'hex');

export const payloadDigest = (payload: unknown): string => sha256(canonicalJson(payload ?? null));

/** The digest of a payload stored in its RFC 8785 form: SHA-256 of that very text (hash version 3). */
export const storedPayloadDigest = (text: string): string => sha256(text);

/**
 * Whether a stored payload matches its digest. The digest covers the RFC 8785 form of the payload, and
 * the service stores exactly that form (AuditService.append), so hashing the stored text settles it for
 * almost every entry without parsing: SHA-256 of the text equal to the digest means the text is the
 * very canonical text that was digested (anything else would be a second preimage). Only when that
 * fails (a payload stored in another form, or tampered) is it parsed and canonicalised, as before.
 */
export function payloadMatches(payload: string, digest: string): boolean {
  if (sha256(payload) === digest) return true;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return false;
  }
  return payloadDigest(parsed) === digest;
}

/**
 * For the chained fields (strings, null, one safe integer) RFC 8785 is what JSON.stringify writes for an
 * object whose members are in code-point order of their names (each value's JSON.stringify, no
 * whitespace): one call on an object literal in that order, which saves the generic walk
 * (Object.keys, sort, recursion) per entry. One call, not a concatenation of each value's text:
 * verification builds this string for every entry, and with the concatenation (a string of some twenty
 * pieces) the service grew by 67 MB over a walk of 9 million entries, against 29 MB with one flat
 * string (issue 19, /proc RSS). A field of another type (the types say none has one) takes the
 * generic path. The unit tests hold both to canonicalize. Every hash version's fields go through here.
 */
function flatCanonical(members: Record<string, unknown>): string {
  for (const name in members) {
    const v = members[name];
    if (v !== null && typeof v !== 'string' && !Number.isSafeInteger(v)) return canonicalJson(members);
  }
  return JSON.stringify(members);
}

export function entryCanonical(f: ChainFields): string {
  if (!Number.isSafeInteger(f.seq)) throw new Error(`audit seq ${f.seq} is not a safe integer`);
  const members = {
    action: f.action,
    actorId: f.actorId,
    actorRole: f.actorRole,
    at: f.at,
    incidentId: f.incidentId,
    orgId: f.orgId,
    payloadDigest: f.payloadDigest,
    prevHash: f.prevHash,
    seq: f.seq,
  };
  return flatCanonical(members);
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
  if (!payloadMatches(entry.payload, entry.payloadDigest)) return { ok: false, reason: 'payload-digest-mismatch' };
  if (entryHash(entry) !== entry.hash) return { ok: false, reason: 'hash-mismatch' };
  return { ok: true };
}

/**
 * Which hash an entry carries: 1, the single global chain of earlier versions; 2, its organisation's
 * chain; 3, its organisation's chain, stored without what can be derived (chainedHashV3).
 */
export type HashVersion = 1 | 2 | 3;

/** The hash version `AuditService.append` writes. */
export const CURRENT_HASH_VERSION = 3;

/** Every chained field of an entry of an organisation's chain (hash version 2). */
export interface ChainedFields {
  chain: string;
  chainSeq: number;
  at: string;
  actorId: string;
  actorRole: string | null;
  orgId: string | null;
  incidentId: string | null;
  action: string;
  payloadDigest: string;
  prevHash: string;
}

/** The chain of entries without an organisation (the bootstrap, the platform's own system actions). */
export const SYSTEM_CHAIN = 'system';

export const chainOf = (orgId: string | null): string => orgId ?? SYSTEM_CHAIN;

/**
 * The RFC 8785 form an entry of an organisation's chain is hashed over. Unlike version 1 it names
 * its chain and its place in it, not the deployment-wide `seq` (an id, not a link).
 */
export function chainedCanonical(f: ChainedFields): string {
  if (!Number.isSafeInteger(f.chainSeq)) throw new Error(`audit chain seq ${f.chainSeq} is not a safe integer`);
  const members = {
    action: f.action,
    actorId: f.actorId,
    actorRole: f.actorRole,
    at: f.at,
    chain: f.chain,
    chainSeq: f.chainSeq,
    incidentId: f.incidentId,
    orgId: f.orgId,
    payloadDigest: f.payloadDigest,
    prevHash: f.prevHash,
    v: 2,
  };
  return flatCanonical(members);
}

export function chainedHash(f: ChainedFields): string {
  return sha256(chainedCanonical(f));
}

/** What an entry of hash version 3 stores of its chained fields: the rest is derived (chainedHashV3). */
export type StoredV3Fields = Omit<ChainedFields, 'orgId' | 'payloadDigest' | 'prevHash'> & { payload: string };

/**
 * Version 3: the same links as version 2 without storing what can be derived, which was about a fifth
 * of every entry (issue 19, storage per incident). The organisation is the chain's name (`chainOf`),
 * so it is not hashed apart from the chain; the payload's digest is the SHA-256 of the stored text
 * (AuditService.append stores the RFC 8785 form, and that very text is what is digested: a payload
 * rewritten in any other form is a changed payload); the previous hash is the hash of the entry
 * before it in its chain, which every reader of a link has at hand. The hash still covers all three,
 * so what it proves is what version 2 proves: a changed payload, a changed field, an entry removed,
 * inserted or moved all change a hash that the next entry and the keyed head commit to. What is lost
 * is only the finer diagnosis: a broken link, a changed payload and a changed field all read
 * `hash-mismatch`.
 */
export function chainedCanonicalV3(f: StoredV3Fields, prevHash: string): string {
  if (!Number.isSafeInteger(f.chainSeq)) throw new Error(`audit chain seq ${f.chainSeq} is not a safe integer`);
  const members = {
    action: f.action,
    actorId: f.actorId,
    actorRole: f.actorRole,
    at: f.at,
    chain: f.chain,
    chainSeq: f.chainSeq,
    incidentId: f.incidentId,
    payloadDigest: storedPayloadDigest(f.payload),
    prevHash,
    v: 3,
  };
  return flatCanonical(members);
}

export function chainedHashV3(f: StoredV3Fields, prevHash: string): string {
  return sha256(chainedCanonicalV3(f, prevHash));
}

/** The organisation a chain is named after: null for the system chain (chainOf the other way). */
export const orgOfChain = (chain: string): string | null => (chain === SYSTEM_CHAIN ? null : chain);

/**
 * The keyed MAC of a chain's head row. Its message names the chain, so one chain's head cannot stand
 * in for another's, and cannot be mistaken for the MAC of the version-1 head (`seq:hash`).
 */
export function chainHeadMac(key: Buffer | KeyObject, chain: string, seq: number, hash: string): string {
  return createHmac('sha256', key).update(`chain:${chain}:${seq}:${hash}`).digest('hex');
}

export function chainHeadMacMatches(
  key: Buffer | KeyObject,
  chain: string,
  seq: number,
  hash: string,
  mac: string,
): boolean {
  return sameHex(chainHeadMac(key, chain, seq, hash), mac);
}

/** A checkpoint's content: the heads that moved since the previous checkpoint, whose hash it names. */
export interface CheckpointFields {
  id: number;
  at: string;
  prevHash: string;
  /** [chain, seq, hash], ordered by chain. */
  heads: Array<[string, number, string]>;
}

export function checkpointHash(c: CheckpointFields): string {
  return sha256(canonicalJson({ at: c.at, heads: c.heads, id: c.id, prevHash: c.prevHash, v: 1 }));
}

export function checkpointMac(key: Buffer | KeyObject, id: number, hash: string): string {
  return createHmac('sha256', key).update(`checkpoint:${id}:${hash}`).digest('hex');
}

export function checkpointMacMatches(key: Buffer | KeyObject, id: number, hash: string, mac: string): boolean {
  return sameHex(checkpointMac(key, id, hash), mac);
}

function sameHex(expectedHex: string, givenHex: string): boolean {
  const expected = Buffer.from(expectedHex, 'hex');
  const given = Buffer.from(givenHex, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** An entry as stored, with both its places: the deployment-wide id and its place in its chain. */
export interface StoredChainedEntry extends StoredEntry {
  chain: string;
  chainSeq: number;
  hashVersion: HashVersion;
}

/**
 * The checks an entry of version 1 or 2 passes on its own: its payload matches its digest and its hash
 * recomputes from its fields (by the rules of its hash version). A version-3 entry has no check on its
 * own: its hash covers its link (checkChainLink).
 */
function checkOwn(e: StoredChainedEntry): ChainCheck {
  if (!payloadMatches(e.payload, e.payloadDigest)) return { ok: false, reason: 'payload-digest-mismatch' };
  const hash = e.hashVersion === 1 ? entryHash(e) : chainedHash(e);
  if (hash !== e.hash) return { ok: false, reason: 'hash-mismatch' };
  // Version 1 did not hash the chain, but it did hash the organisation the chain is named by.
  if (e.chain !== chainOf(e.orgId)) return { ok: false, reason: 'hash-mismatch' };
  return { ok: true };
}

/**
 * Checks an entry of a chain against the entry before it in the same chain (null for the first).
 * A version-1 entry links to its predecessor in the old global chain, which only the whole walk
 * sees; here it must just come before every version-2 entry of its chain.
 */
export function checkChainLink(
  e: StoredChainedEntry,
  prev: { chainSeq: number; hash: string; hashVersion: HashVersion } | null,
): ChainCheck {
  if (e.chainSeq !== (prev ? prev.chainSeq + 1 : 1)) return { ok: false, reason: 'seq-gap' };
  if (e.hashVersion === 3) {
    // Nothing derivable is stored: a value in those columns was put there by something else.
    if (e.orgId !== null || e.payloadDigest !== '' || e.prevHash !== '') return { ok: false, reason: 'hash-mismatch' };
    return chainedHashV3(e, prev ? prev.hash : GENESIS_HASH) === e.hash
      ? { ok: true }
      : { ok: false, reason: 'hash-mismatch' };
  }
  if (e.hashVersion === 2 && e.prevHash !== (prev ? prev.hash : GENESIS_HASH))
    return { ok: false, reason: 'prev-hash-mismatch' };
  // A version-1 entry links into the old global chain, which ended before the first entry of a later version.
  if (e.hashVersion === 1 && prev && prev.hashVersion !== 1) return { ok: false, reason: 'prev-hash-mismatch' };
  // Versions 2 and 3 may alternate: during a rolling upgrade a process of the older version still writes 2.
  return checkOwn(e);
}

/**
 * Whether `next`, the entry after `e` in its chain, links to it: names its hash as `prevHash`
 * (version 2), or hashes with it (version 3, where the link is part of the hash).
 */
export function linksTo(next: StoredChainedEntry, e: StoredChainedEntry): boolean {
  if (next.hashVersion === 3) return checkChainLink(next, e).ok;
  return next.prevHash === e.hash;
}
