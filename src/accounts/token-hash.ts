import { createHash, createHmac, createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig, resolveKey } from '../config';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** 40 random bits as 8 characters of lower-case RFC 4648 base32 (a handle, not a secret). */
function randomHandle(): string {
  // Eight 5-bit groups of five random bytes: too small to be worth a dependency.
  let bits = 0n;
  for (const b of randomBytes(5)) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 7; i >= 0; i--) out += BASE32[Number((bits >> BigInt(i * 5)) & 31n)];
  return out;
}

/** What the service issues: `lf_` tokens and `lfe_` enrolment codes. */
export type SecretKind = 'lf' | 'lfe';

/**
 * `<kind>_<handle>_<secret>`: a random non-secret handle (listed as the token's `prefix`, used to
 * throttle guesses at one credential) and 32 random bytes. The handle is not part of the secret,
 * so listing it gives nothing away; the `lf_` start lets secret scanners recognise a leaked token.
 */
const ISSUED = /^(lfe?_[a-z2-7]{8})_[A-Za-z0-9_-]{43}$/;

export interface IssuedSecret {
  secret: string;
  /** The non-secret handle at its start, e.g. `lf_k3x9q2ab`. */
  prefix: string;
}

export function generateSecret(kind: SecretKind = 'lf'): IssuedSecret {
  const prefix = `${kind}_${randomHandle()}`;
  return { secret: `${prefix}_${randomBytes(32).toString('base64url')}`, prefix };
}

/** A handle for a token the service did not generate (the bootstrap token): not taken from it. */
export function newPrefix(kind: SecretKind = 'lf'): string {
  return `${kind}_${randomHandle()}`;
}

/**
 * The part of a presented credential that names it without being secret: the handle of a token
 * or code in the issued form; for any other string (tokens issued before the handle existed, or a
 * guess) its first 10 characters, which is what the token list showed for those tokens.
 */
export function credentialHandle(presented: string): string {
  return ISSUED.exec(presented)?.[1] ?? presented.slice(0, 10);
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * Stored form of tokens and enrolment codes: HMAC-SHA-256 under a key derived (HKDF) from
 * SECRETS_KEY, which lives outside the database. A token the service generates has 256 random bits
 * and would be safe as a plain digest, but the bootstrap token is chosen by a person; keyed, a copy
 * of the database alone does not let anyone test guesses at it. It stays one indexed lookup, which
 * a per-row salt would not allow.
 *
 * Tokens issued before this (stored as plain SHA-256) keep working: a presented string not in the
 * issued form is also looked up by its plain digest.
 */
@Injectable()
export class TokenHasher {
  private readonly key: KeyObject;

  constructor(secretsKey: Buffer) {
    this.key = createSecretKey(
      Buffer.from(hkdfSync('sha256', secretsKey, Buffer.alloc(0), 'lianfang api-token hash v1', 32)),
    );
  }

  static fromConfig(config: AppConfig): TokenHasher {
    return new TokenHasher(resolveKey(config.SECRETS_KEY, config.VAR_DIR, 'secrets.key'));
  }

  hash(secret: string): string {
    return createHmac('sha256', this.key).update(secret, 'utf8').digest('hex');
  }

  /** The stored forms a presented secret may have: keyed, and for pre-handle tokens the plain digest too. */
  candidates(presented: string): string[] {
    return ISSUED.test(presented) ? [this.hash(presented)] : [this.hash(presented), sha256(presented)];
  }
}
