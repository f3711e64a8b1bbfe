import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService } from '../../src/bootstrap';
import { KeyMismatchError } from '../../src/database';
import { resetPostgres, serviceHttp } from '../support/harness';
import { openStorage } from '../support/storage';

/**
 * Several instances of the service starting at once on one database (issue 19: concurrent migrations
 * hit duplicate keys, masked by a retry; two APIs with the same BOOTSTRAP_ADMIN_TOKEN made one exit 1;
 * processes with their own VAR_DIR generated keys of their own and wrote with them). Each instance has
 * its own connection pool and embedded Redis, as separate processes would; on SQLite, or Postgres with
 * TEST_DATABASE_URL (reset here first). What the process prints and does with signals while starting is
 * in test/e2e/process.e2e-spec.ts.
 */
describe('start-up of several instances on one database, and their keys', () => {
  jest.setTimeout(120_000);
  let dir: string;
  const databaseUrl = () => process.env.TEST_DATABASE_URL ?? `sqlite:${join(dir, 'db.sqlite')}`;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lianfang-startup-'));
    const url = process.env.TEST_DATABASE_URL;
    if (url) await resetPostgres(url);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const env = (varDir: string, more: Record<string, string> = {}) => ({
    DATABASE_URL: databaseUrl(),
    VAR_DIR: join(dir, varDir),
    LOG_LEVEL: 'silent',
    ...more,
  });
  const newKeys = () => ({
    AUDIT_KEY: randomBytes(32).toString('base64'),
    SECRETS_KEY: randomBytes(32).toString('base64'),
  });

  it('three instances starting at once on a new database with one bootstrap token: all serve, one admin', async () => {
    const token = `bootstrap-${randomBytes(16).toString('hex')}`;
    const keys = newKeys();
    // All at once, from the first migration.
    const started = await Promise.allSettled(
      [0, 1, 2].map((i) =>
        startService({
          env: env(`var${i}`, { BOOTSTRAP_ADMIN_TOKEN: token, ...keys }),
          api: true,
          workers: i === 0,
          listen: false,
          processName: `test-${i}`,
        }),
      ),
    );
    const handles = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    try {
      expect(started.filter((r) => r.status === 'rejected')).toEqual([]);
      for (const h of handles)
        await serviceHttp(h).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
      const db = await openStorage(join(dir, 'db.sqlite'), { readonly: true });
      try {
        expect(await db.all("SELECT id FROM app_user WHERE role = 'admin'")).toHaveLength(1);
        // Every migration ran once.
        const runs = await db.all<{ name: string }>('SELECT name FROM migrations');
        expect(new Set(runs.map((r) => r.name)).size).toBe(runs.length);
      } finally {
        await db.close();
      }
    } finally {
      for (const h of handles) await h.close();
    }
  });

  it('an instance whose keys are not the ones the database was written with refuses to start', async () => {
    const keys = newKeys();
    const first = await startService({ env: env('var-a', keys), api: true, workers: false, listen: false });
    try {
      // Its own VAR_DIR and no keys: it would generate keys of its own.
      const own = startService({ env: env('var-b'), api: true, workers: false, listen: false });
      await expect(own).rejects.toThrow(KeyMismatchError);
      await expect(own).rejects.toThrow(
        new RegExp(
          '^AUDIT_KEY does not match the key this database was written with \\(fingerprint [0-9a-f]{12}…, ' +
            'this process has [0-9a-f]{12}… from .*var-b/keys/audit\\.key\\)',
        ),
      );
      // The right audit key but another secrets key: refused too, naming SECRETS_KEY.
      const half = startService({
        env: env('var-c', { AUDIT_KEY: keys.AUDIT_KEY, SECRETS_KEY: newKeys().SECRETS_KEY }),
        api: true,
        workers: false,
        listen: false,
      });
      await expect(half).rejects.toThrow(/^SECRETS_KEY does not match the key this database was written with/);
      // The keys it was written with start as always; so do several at once on a new database (above).
      const again = await startService({ env: env('var-d', keys), api: true, workers: false, listen: false });
      await again.close();
    } finally {
      await first.close();
    }
  });
});
