import { spawn } from 'node:child_process';
import { freePort } from '../../src/redis/local-redis';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * Timer handlers are checked when the service starts, not when a job fires: a service whose modules
 * register a second handler for a clock's job, or one for a name no clock queues, exits 1 with one
 * line naming them, before its timers worker takes a job. Run as its own process, as `npm start`
 * runs it (test/support/miswired-timers-service.ts adds the careless module). On a SQLite file
 * whatever TEST_DATABASE_URL says: the check is about the module wiring, whichever database is behind it.
 */
describe('miswired timer handlers stop the start-up', () => {
  jest.setTimeout(90_000);
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lianfang-miswired-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 1 with one line naming the duplicate and the unknown handler', async () => {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'node_modules/ts-node/dist/bin.js'),
        '--transpile-only',
        join(ROOT, 'test/support/miswired-timers-service.ts'),
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          PORT: String(await freePort()),
          VAR_DIR: join(dir, 'var'),
          BOOTSTRAP_ADMIN_TOKEN: 'miswired-admin-token-0123456789',
          DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(stderr).toBe(
      'Timer job handlers: deadline-due has 2 handlers (IncidentClocks, CarelessHandlers); ' +
        "deadline-overdue is no clock's job (registered by CarelessHandlers)\n",
    );
    // The embedded redis-server it started is stopped again.
    const pidFile = join(dir, 'var', 'redis', 'owner.pid');
    if (existsSync(pidFile)) expect(existsSync(`/proc/${Number(readFileSync(pidFile, 'utf8'))}`)).toBe(false);
  });
});
