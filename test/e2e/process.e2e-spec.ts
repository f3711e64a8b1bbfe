import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startService } from '../../src/bootstrap';
import { freePort } from '../../src/redis/local-redis';
import { waitFor } from '../support/wait';
import { checkedFetch } from '../contract/contract-recorder';

/**
 * The entrypoint as an operator runs it: a separate Node process (ts-node, so no build step is
 * needed in the test), its own embedded redis-server, real signals. On SQLite files whatever
 * TEST_DATABASE_URL says: configuration, ports, redis-server, signals and what the process prints are
 * what it is about; test/e2e/startup.e2e-spec.ts starts several instances on Postgres too.
 */
const ROOT = join(__dirname, '..', '..');

function startMain(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
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

describe('service process', () => {
  jest.setTimeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lianfang-proc-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stops at start-up with one line naming a bad variable', async () => {
    const p = startMain({ PORT: 'eighty', VAR_DIR: join(dir, 'var') });
    const code = await p.exited;
    expect(code).toBe(1);
    const lines = p
      .output()
      .split('\n')
      .filter((l) => l.trim() && !l.includes('npm warn'));
    expect(lines).toEqual(['Invalid configuration: PORT must be an integer between 0 and 65535 (got "eighty")']);
  });

  it('stops with one line naming PORT when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((ok) => taken.listen(0, '127.0.0.1', ok));
    const port = (taken.address() as AddressInfo).port;
    try {
      const p = startMain({
        PORT: String(port),
        VAR_DIR: join(dir, 'var'),
        DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
        LOG_LEVEL: 'silent',
      });
      expect(await p.exited).toBe(1);
      const lines = p
        .output()
        .split('\n')
        .filter((l) => l.trim() && !l.includes('npm warn'));
      expect(lines).toEqual([`Invalid configuration: PORT is in use on 127.0.0.1 (EADDRINUSE) (got "${port}")`]);
    } finally {
      await new Promise((ok) => taken.close(ok));
    }
  });

  it('says how to install redis-server when it is missing and REDIS_URL is unset', async () => {
    const p = startMain({
      PATH: '/nonexistent',
      VAR_DIR: join(dir, 'var'),
      DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
    });
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(/redis-server not found.*apt-get install -y redis-server.*REDIS_URL/);
  });

  it('serves /health, then shuts down gracefully on SIGTERM, stopping its redis-server', async () => {
    const port = await freePort();
    const varDir = join(dir, 'var');
    const p = startMain({ PORT: String(port), VAR_DIR: varDir, DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}` });
    try {
      await waitFor(
        'the service to answer /health',
        async () => (await checkedFetch(`http://127.0.0.1:${port}/health`)).ok,
        30_000,
      );
      const ready = await checkedFetch(`http://127.0.0.1:${port}/ready`);
      expect(ready.status).toBe(200);
      const redisPid = Number(readFileSync(join(varDir, 'redis', 'owner.pid'), 'utf8'));
      expect(existsSync(`/proc/${redisPid}`)).toBe(true);
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      expect(existsSync(`/proc/${redisPid}`)).toBe(false);
      expect(existsSync(join(varDir, 'redis', 'appendonlydir'))).toBe(true);
      const log = p
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg: string; signal?: string });
      expect(log.some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM')).toBe(true);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });
  it('refuses to start with one line when its keys are not the ones the database was written with', async () => {
    const dbUrl = `sqlite:${join(dir, 'db.sqlite')}`;
    // The database, written by a deployment with keys of its own.
    const first = await startService({
      env: {
        DATABASE_URL: dbUrl,
        VAR_DIR: join(dir, 'var-a'),
        LOG_LEVEL: 'silent',
        AUDIT_KEY: randomBytes(32).toString('base64'),
        SECRETS_KEY: randomBytes(32).toString('base64'),
      },
      api: true,
      workers: false,
      listen: false,
    });
    await first.close();
    // A process with its own VAR_DIR and no keys would generate keys of its own.
    const other = startMain({
      PORT: String(await freePort()),
      VAR_DIR: join(dir, 'var-b'),
      DATABASE_URL: dbUrl,
      LOG_LEVEL: 'silent',
    });
    expect(await other.exited).toBe(1);
    const lines = other
      .output()
      .split('\n')
      .filter((l) => l.trim() && !l.includes('npm warn'));
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          '^AUDIT_KEY does not match the key this database was written with \\(fingerprint [0-9a-f]{12}…, ' +
            'this process has [0-9a-f]{12}… from .*var-b/keys/audit\\.key\\): start every process of the ' +
            'deployment with the same AUDIT_KEY \\(or the same VAR_DIR/keys\\)$',
        ),
      ),
    ]);
  });

  it('SIGTERM while starting stops the embedded redis-server it had started, and exits 0', async () => {
    const varDir = join(dir, 'var');
    const p = startMain({
      PORT: String(await freePort()),
      VAR_DIR: varDir,
      DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
    });
    try {
      await waitFor(
        'the embedded redis-server to be up',
        async () => p.output().includes('started embedded redis-server'),
        60_000,
        5,
      );
      const redisPid = Number(readFileSync(join(varDir, 'redis', 'owner.pid'), 'utf8'));
      expect(existsSync(`/proc/${redisPid}`)).toBe(true);
      // Still starting (Nest, migrations): the process has not said it listens.
      expect(p.output()).not.toContain('"msg":"listening"');
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      await waitFor('the redis-server to be gone', async () => !existsSync(`/proc/${redisPid}`), 10_000, 50);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });
});
