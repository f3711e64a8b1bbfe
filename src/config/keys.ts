import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Returns a 32-byte key: the configured value when set, otherwise one generated once and kept in a
 * file under VAR_DIR (mode 0600). Keys must live outside the database: the audit head HMAC is only
 * worth something if whoever can edit the database cannot also recompute it.
 */
export function resolveKey(configured: string | undefined, varDir: string, fileName: string): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  const path = join(varDir, 'keys', fileName);
  if (existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  mkdirSync(join(varDir, 'keys'), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return key;
}
