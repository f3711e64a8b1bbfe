import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Authenticated encryption (AES-256-GCM) for small secrets kept in the database: channel
 * signing secrets, SMTP passwords, robot keys. The sealed form is text so it fits any column:
 *
 *   v1.<iv base64>.<tag base64>.<ciphertext base64>
 *
 * The version prefix leaves room for a later key rotation or algorithm change without guessing
 * the format of old rows. The version string is also fed in as associated data, so a "v1" body
 * cannot be replayed under a future version label. Callers may bind a sealed value to its
 * owner (e.g. a channel id) with `aad`, so a sealed secret copied into another row fails to open.
 */

const VERSION = 'v1';
const IV_BYTES = 12; // the GCM nonce size NIST recommends; other sizes are hashed into one
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

function decodeStrictBase64(value: string): Buffer | undefined {
  // Buffer.from(…, 'base64') silently skips junk; a typo in a key or a sealed value must fail
  // loudly instead of yielding different bytes.
  if (!STRICT_BASE64.test(value)) return undefined;
  return Buffer.from(value, 'base64');
}

export class SecretBox {
  // A private field keeps the key out of util.inspect, JSON.stringify and error dumps.
  readonly #key: Buffer;

  constructor(key: string | Uint8Array) {
    let bytes: Buffer | undefined;
    if (typeof key === 'string') {
      bytes = decodeStrictBase64(key.trim());
      if (!bytes) throw new SecretBoxError('SecretBox key must be base64 text encoding 32 bytes');
    } else {
      bytes = Buffer.from(key);
    }
    if (bytes.length !== KEY_BYTES) {
      throw new SecretBoxError(`SecretBox key must be ${KEY_BYTES} bytes (got ${bytes.length})`);
    }
    this.#key = bytes;
  }

  /**
   * Builds the box from the SECRETS_KEY configuration value. The error names SECRETS_KEY and what
   * is wrong with it, never the value itself.
   */
  static fromConfig(value?: string): SecretBox {
    if (value === undefined || value.trim() === '') {
      throw new SecretBoxError(
        'SECRETS_KEY is not set: it must be 32 random bytes encoded as base64 (e.g. `openssl rand -base64 32`)',
      );
    }
    const bytes = decodeStrictBase64(value.trim());
    if (!bytes) {
      throw new SecretBoxError(
        'SECRETS_KEY is malformed: it is not valid base64 (expected 32 bytes encoded as base64)',
      );
    }
    if (bytes.length !== KEY_BYTES) {
      throw new SecretBoxError(
        `SECRETS_KEY is malformed: it decodes to ${bytes.length} ` +
          `bytes, expected ${KEY_BYTES} (base64 of 32 random bytes)`,
      );
    }
    return new SecretBox(bytes);
  }

  /** A fresh random key, base64-encoded, suitable for SECRETS_KEY. */
  static generateKey(): string {
    return randomBytes(KEY_BYTES).toString('base64');
  }

  /** True when `value` looks like something `seal` produced (does not check authenticity). */
  static isSealed(value: string): boolean {
    return /^v1\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]*$/.test(value);
  }

  seal(plain: string, aad?: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.associatedData(aad));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64'), tag.toString('base64'), ct.toString('base64')].join('.');
  }

  /** Throws SecretBoxError when the value is malformed, was altered, or was sealed with another key or aad. */
  open(sealed: string, aad?: string): string {
    const parts = typeof sealed === 'string' ? sealed.split('.') : [];
    if (parts.length !== 4) throw new SecretBoxError('sealed value is malformed (expected v1.<iv>.<tag>.<ciphertext>)');
    const [version, ivB64, tagB64, ctB64] = parts as [string, string, string, string];
    if (version !== VERSION) throw new SecretBoxError(`sealed value has unsupported version "${version.slice(0, 8)}"`);
    const iv = decodeStrictBase64(ivB64);
    const tag = decodeStrictBase64(tagB64);
    const ct = decodeStrictBase64(ctB64);
    if (!iv || iv.length !== IV_BYTES || !tag || tag.length !== TAG_BYTES || !ct) {
      throw new SecretBoxError('sealed value is malformed (bad iv, tag or ciphertext encoding)');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(this.associatedData(aad));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
    } catch {
      // GCM says only "unable to authenticate"; it cannot tell tampering from a wrong key.
      throw new SecretBoxError('sealed value failed authentication (altered, or sealed with another key or context)');
    }
  }

  private associatedData(aad?: string): Buffer {
    return Buffer.from(aad === undefined ? VERSION : `${VERSION}\u0000${aad}`, 'utf8');
  }
}
