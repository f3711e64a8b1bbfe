import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { type AppConfig, resolveKey } from '../config';
import { nowIso } from '../common';
import { SQLITE_BUSY_TIMEOUT_MS } from './data-source-options';
import { sql } from './sql';

/** Postgres: one process migrates at a time; the others wait, then find nothing left to run. */
const PG_MIGRATION_LOCK = 0x6c66_6d67; // 'lfmg'

/**
 * Runs the pending migrations. Several processes may start at once on one database (two API and two
 * worker processes, say): they take turns, the first runs the migrations, the others wait for it and
 * then find none pending. (Without a turn they ran the same migration at once and failed on duplicate
 * keys.) On Postgres the turn is a session advisory lock; on SQLite an IMMEDIATE transaction (the file's
 * write lock) around all of them, waited for up to two minutes.
 */
export async function migrate(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== 'postgres') {
    await dataSource.query('PRAGMA busy_timeout = 120000');
    // As TypeORM does before migrations (its own pragma would do nothing inside this transaction):
    // a migration that rebuilds a table must not trip the foreign keys of the rows it copies.
    await dataSource.query('PRAGMA foreign_keys = OFF');
    try {
      await dataSource.query('BEGIN IMMEDIATE');
      try {
        await dataSource.runMigrations({ transaction: 'none' });
        await dataSource.query('COMMIT');
      } catch (err) {
        await dataSource.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    } finally {
      await dataSource.query('PRAGMA foreign_keys = ON');
      await dataSource.query(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    }
    return;
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [PG_MIGRATION_LOCK]);
    try {
      await dataSource.runMigrations({ transaction: 'all' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [PG_MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}

/** A process whose keys are not the ones its database was written with. */
export class KeyMismatchError extends Error {
  override readonly name = 'KeyMismatchError';
}

/** The label whose HMAC under a key names the key (never the key itself, nor anything it protects). */
const FINGERPRINT_LABEL = 'lianfang key fingerprint v1';

export const keyFingerprint = (key: Buffer): string =>
  createHmac('sha256', key).update(FINGERPRINT_LABEL).digest('hex');

/** The keys a process holds (configured, or generated under VAR_DIR/keys at the first start). */
export function deploymentKeys(config: AppConfig): Array<{ name: 'AUDIT_KEY' | 'SECRETS_KEY'; key: Buffer }> {
  return [
    { name: 'AUDIT_KEY', key: resolveKey(config.AUDIT_KEY, config.VAR_DIR, 'audit.key') },
    { name: 'SECRETS_KEY', key: resolveKey(config.SECRETS_KEY, config.VAR_DIR, 'secrets.key') },
  ];
}

/**
 * Processes of one deployment must share its keys: with its own VAR_DIR and no explicit keys a process
 * generates keys of its own, and then its audit heads and sealed secrets do not match the others'
 * (verification fails through one API and passes through the other; deliveries fail "sealed value
 * failed authentication"). So the first start records a fingerprint of each key in the database
 * (`deployment_key`: an HMAC of a fixed label, never the key), and every start compares: a process
 * whose key is not the recorded one stops with one line naming the variable. Processes starting at once
 * on a new database agree on whichever fingerprint was written first.
 *
 * A deployment upgraded from a version without fingerprints records them at its first start with this
 * version: start that one with the keys it always had.
 */
export async function checkKeyFingerprints(dataSource: DataSource, config: AppConfig): Promise<void> {
  const em = dataSource.manager;
  for (const { name, key } of deploymentKeys(config)) {
    const fingerprint = keyFingerprint(key);
    await sql(
      em,
      'INSERT INTO deployment_key (name, fingerprint, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
      [name, fingerprint, nowIso()],
    );
    const [stored] = await sql<{ fingerprint: string }>(em, 'SELECT fingerprint FROM deployment_key WHERE name = ?', [
      name,
    ]);
    if (stored && stored.fingerprint !== fingerprint) {
      const file = name === 'AUDIT_KEY' ? 'audit.key' : 'secrets.key';
      const source = config[name] ? name : join(config.VAR_DIR, 'keys', file);
      throw new KeyMismatchError(
        `${name} does not match the key this database was written with (fingerprint ` +
          `${stored.fingerprint.slice(0, 12)}…, this process has ${fingerprint.slice(0, 12)}… from ${source}): ` +
          `start every process of the deployment with the same ${name} (or the same VAR_DIR/keys)`,
      );
    }
  }
}
