import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, URL-safe; the `lf_` prefix lets secret scanners recognise a leaked token. */
export function generateToken(): string {
  return `lf_${randomBytes(32).toString('base64url')}`;
}

/**
 * Tokens carry 256 bits of entropy, so a plain SHA-256 is enough to store them (no slow KDF needed:
 * there is nothing to brute-force), and it keeps the per-request lookup to one indexed read.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
