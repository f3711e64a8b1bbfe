import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretBox } from '../common';

/**
 * Returns a 32-byte key: the configured value when set, otherwise one generated once and kept in a
 * file under VAR_DIR (mode 0600). Keys must live outside the database: the audit head HMAC is only
 * worth something if whoever can edit the database cannot also recompute it.
 */
export function resolveKey(configured: string | undefined, varDir: string, fileName: string): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  const path = join(varDir, 'keys', fileName);
  if (existsSync(path)) {
    // A key file copied in or restored from a backup may have come back readable to others.
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  }
  mkdirSync(join(varDir, 'keys'), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return key;
}

/** The box that seals channel secrets and config secrets: SECRETS_KEY, or the key generated once under VAR_DIR/keys. */
export function secretsBox(config: { SECRETS_KEY?: string; VAR_DIR: string }): SecretBox {
  return config.SECRETS_KEY
    ? SecretBox.fromConfig(config.SECRETS_KEY)
    : new SecretBox(resolveKey(undefined, config.VAR_DIR, 'secrets.key'));
}
