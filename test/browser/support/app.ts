import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../support/wait';

export const ROOT = join(__dirname, '..', '..', '..');
export const TEST_OUTPUT = join(ROOT, 'test-output');

/** What the specs need to reach the service the global set-up started (passed to workers by env). */
export interface AppInfo {
  baseURL: string;
  adminToken: string;
  varDir: string;
}

export const APP_ENV = 'LIANFANG_BROWSER_APP';

export function appInfo(): AppInfo {
  const raw = process.env[APP_ENV];
  if (!raw) throw new Error(`${APP_ENV} is not set: run the browser tests with npm run test:browser`);
  return JSON.parse(raw) as AppInfo;
}

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => ok(port));
    });
  });
}

export interface RunningApp extends AppInfo {
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The real application as `npm start` runs it: the built server (dist/src/main.js) serving the built
 * console (web/dist), on a fresh SQLite file in a temp VAR_DIR with its own embedded redis-server, on a
 * free loopback port. Its log goes to test-output/browser-app.log.
 */
export async function startApp(env: Record<string, string> = {}): Promise<RunningApp> {
  for (const built of ['dist/src/main.js', 'web/dist/index.html']) {
    if (!existsSync(join(ROOT, built))) throw new Error(`${built} is missing: run npm run build first`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'lianfang-browser-'));
  const port = await freePort();
  const adminToken = `browser-admin-${randomBytes(16).toString('hex')}`;
  const varDir = join(dir, 'var');
  mkdirSync(TEST_OUTPUT, { recursive: true });
  const log = createWriteStream(join(TEST_OUTPUT, 'browser-app.log'));
  // Its own embedded redis-server, whatever the caller's environment names.
  const { REDIS_URL: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
    cwd: ROOT,
    env: {
      ...inherited,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
      VAR_DIR: varDir,
      BOOTSTRAP_ADMIN_TOKEN: adminToken,
      LOG_LEVEL: process.env.BROWSER_APP_LOG_LEVEL ?? 'warn',
      // Every spec signs in from 127.0.0.1; a run makes a few dozen sign-ins and some deliberate failures.
      AUTH_FAILURES_PER_SOURCE: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const baseURL = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));

  let up = false;
  await Promise.race([
    waitFor(
      'the service to answer /ready (see test-output/browser-app.log)',
      async () => (await fetch(`${baseURL}/ready`)).ok,
      60_000,
      200,
    ).then(() => {
      up = true;
    }),
    exited.then((code) => {
      if (!up) throw new Error(`the service exited (${code}); see test-output/browser-app.log`);
    }),
  ]);

  return {
    baseURL,
    adminToken,
    varDir,
    child,
    async stop() {
      if (child.exitCode === null) {
        // SIGTERM: the service stops its embedded redis-server on the way out.
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
