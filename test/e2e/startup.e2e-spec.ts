import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService } from '../../src/bootstrap';
import { KeyMismatchError } from '../../src/database';
import { freePort } from '../../src/redis/local-redis';
import { serviceHttp } from '../support/harness';
import { openStorage } from '../support/storage';
import { waitFor } from '../support/wait';

/**
 * Starting the service as operators do (src/main.ts in a process of its own, real signals), several at
 * once on one database (issue 19): migrations and the bootstrap admin are safe from N processes, a
 * process whose keys are not the database's refuses to start with one line, and a SIGTERM during the
 * start-up does not leave the embedded redis-server behind. On SQLite, or Postgres with
 * TEST_DATABASE_URL (reset here first).
 */
const ROOT = join(__dirname, '..', '..');

interface Main {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startMain(env: Record<string, string>): Main {
  let out = '';
  const child = spawn(
    process.execPath,
    [join(ROOT, 'node_modules/ts-node/dist/bin.js'), '--transpile-only', join(ROOT, 'src/main.ts')],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return { child, output: () => out, exited };
}

async function stop(p: Main): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  await p.exited;
}

async function resetPostgres(url: string): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  } finally {
    await client.end();
  }
}

const onlyLines = (p: Main) =>
  p
    .output()
    .split('\n')
    .filter((l) => l.trim() && !l.includes('npm warn'));

describe('start-up of several processes, keys and signals (real processes)', () => {
  jest.setTimeout(120_000);
  let dir: string;
  const running: Main[] = [];
  const databaseUrl = () => process.env.TEST_DATABASE_URL ?? `sqlite:${join(dir, 'db.sqlite')}`;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lianfang-startup-'));
    if (process.env.TEST_DATABASE_URL) await resetPostgres(process.env.TEST_DATABASE_URL);
  });
  afterEach(async () => {
    for (const p of running.splice(0)) await stop(p);
    rmSync(dir, { recursive: true, force: true });
  });

  const main = (env: Record<string, string>) => {
    const p = startMain({ DATABASE_URL: databaseUrl(), ...env });
    running.push(p);
    return p;
  };

  it('three instances starting at once on a new database with one bootstrap token: all serve, one admin', async () => {
    const token = `bootstrap-${randomBytes(16).toString('hex')}`;
    const keys = { AUDIT_KEY: randomBytes(32).toString('base64'), SECRETS_KEY: randomBytes(32).toString('base64') };
    // Three application instances in this process, each with its own connection pool (its own session
    // for the migration lock) and its own embedded Redis: the database is what they share, as three
    // API processes would. All at once, from the first migration.
    const started = await Promise.allSettled(
      [0, 1, 2].map((i) =>
        startService({
          env: {
            DATABASE_URL: databaseUrl(),
            VAR_DIR: join(dir, `var${i}`),
            BOOTSTRAP_ADMIN_TOKEN: token,
            LOG_LEVEL: 'silent',
            ...keys,
          },
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

  it('a process whose keys are not the database’s refuses to start with one line', async () => {
    const keys = { AUDIT_KEY: randomBytes(32).toString('base64'), SECRETS_KEY: randomBytes(32).toString('base64') };
    const env = (varDir: string, more: Record<string, string> = {}) => ({
      DATABASE_URL: databaseUrl(),
      VAR_DIR: join(dir, varDir),
      LOG_LEVEL: 'silent',
      ...more,
    });
    const first = await startService({ env: env('var-a', keys), api: true, workers: false, listen: false });
    try {
      // Its own VAR_DIR and no keys: it would generate keys of its own.
      const other = main({ PORT: String(await freePort()), VAR_DIR: join(dir, 'var-b'), LOG_LEVEL: 'silent' });
      expect(await other.exited).toBe(1);
      expect(onlyLines(other)).toEqual([
        expect.stringMatching(
          new RegExp(
            '^AUDIT_KEY does not match the key this database was written with \\(fingerprint [0-9a-f]{12}…, ' +
              'this process has [0-9a-f]{12}… from .*var-b/keys/audit\\.key\\): start every process of the ' +
              'deployment with the same AUDIT_KEY',
          ),
        ),
      ]);
      // The right audit key but another secrets key: refused too, naming SECRETS_KEY.
      const half = startService({
        env: env('var-c', { AUDIT_KEY: keys.AUDIT_KEY, SECRETS_KEY: randomBytes(32).toString('base64') }),
        api: true,
        workers: false,
        listen: false,
      });
      await expect(half).rejects.toThrow(KeyMismatchError);
      await expect(half).rejects.toThrow(/^SECRETS_KEY does not match the key this database was written with/);
      // The keys it was written with start as always.
      const again = await startService({ env: env('var-d', keys), api: true, workers: false, listen: false });
      await again.close();
    } finally {
      await first.close();
    }
  });

  it('SIGTERM while starting stops the embedded redis-server it had started', async () => {
    const varDir = join(dir, 'var');
    const p = main({ PORT: String(await freePort()), VAR_DIR: varDir });
    const line = await waitFor(
      'the embedded redis-server to be up',
      async () => p.output().includes('started embedded redis-server'),
      60_000,
      5,
    );
    expect(line).toBe(true);
    const redisPid = Number(readFileSync(join(varDir, 'redis', 'owner.pid'), 'utf8'));
    expect(existsSync(`/proc/${redisPid}`)).toBe(true);
    // Still starting (Nest, migrations): the process has not said it listens.
    expect(p.output()).not.toContain('"msg":"listening"');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    await waitFor('the redis-server to be gone', async () => !existsSync(`/proc/${redisPid}`), 10_000, 50);
  });
});
