import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (node:crypto), stored self-describing so the cost can be raised
 * later without guessing how older rows were made:
 *
 *   scrypt$N=32768,r=8,p=1$<salt base64url>$<hash base64url>
 *
 * N=2^15, r=8, p=1 (the OWASP minimum for scrypt) takes 32 MiB and roughly 50-100 ms of one
 * libuv thread; the async scrypt runs off the event loop.
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const FORMAT = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/** Minimum password length (the contract's policy: at least 12 characters). */
export const PASSWORD_MIN_LENGTH = 12;
/** Longer input is refused before hashing: nobody types more, and it bounds the work per attempt. */
export const PASSWORD_MAX_LENGTH = 1024;

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is just short of N=2^15, r=8.
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, PARAMS);
  return `scrypt$N=${PARAMS.N},r=${PARAMS.r},p=${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** A hash of a password nobody knows, checked for unknown users so they take as long as known ones. */
let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashPassword(randomBytes(16).toString('hex')));

/**
 * True when `password` matches `stored`. With `stored` null (unknown user, service account, no
 * password) it still does the same work against a dummy hash and answers false, so the answer
 * takes the same time whichever it is.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const m = FORMAT.exec(stored ?? (await dummyHash()));
  if (!m) return false;
  const [, n, r, p, salt, hash] = m as unknown as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return stored !== null && key.length === expected.length && timingSafeEqual(key, expected);
}

/** Why `password` may not be a password for `username` (the contract's policy), or undefined. */
export function passwordProblem(field: string, password: string, username: string | null): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `${field} must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `${field} must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (username !== null && password.trim().toLowerCase() === username.toLowerCase())
    return `${field} must not be the username`;
  return undefined;
}

/** A generated initial password: 18 random bytes, 24 base64url characters. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
