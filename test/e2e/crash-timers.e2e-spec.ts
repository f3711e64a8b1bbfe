import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { QUEUES } from '../../src/queues/queue-names';
import { freePort } from '../../src/redis/local-redis';
import { waitFor } from '../support/wait';
import { checkedFetch } from '../contract/contract-recorder';
import { openStorage } from '../support/storage';
import { resetPostgres } from '../support/harness';

/**
 * A deadline scheduled, then the service killed with SIGKILL before it falls due, then restarted:
 * the delayed job lives in Redis (AOF, embedded redis-server restarted on the same data) and fires
 * exactly once; so does a drill's reminder (a clock of its own kind, src/drills). The service runs as its
 * own process, exactly as `npm start` runs it.
 */
const ROOT = join(__dirname, '..', '..');

describe('timers survive a crash of the service', () => {
  jest.setTimeout(90_000);
  let dir: string;
  let child: ChildProcess | undefined;
  let port: number;
  const adminToken = 'crash-test-admin-token-0123456789';

  const start = () => {
    child = spawn(
      process.execPath,
      [join(ROOT, 'node_modules/ts-node/dist/bin.js'), '--transpile-only', join(ROOT, 'src/main.ts')],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          PORT: String(port),
          VAR_DIR: join(dir, 'var'),
          DATABASE_URL: process.env.TEST_DATABASE_URL ?? `sqlite:${join(dir, 'db.sqlite')}`,
          BOOTSTRAP_ADMIN_TOKEN: adminToken,
          LOG_LEVEL: 'warn',
          // No reminder or escalation in this window: the test counts the deadline itself.
          REMINDER_FRACTIONS: '0.0001',
          ESCALATION_STEP_DELAY: 'PT1H',
        },
        stdio: 'ignore',
      },
    );
    return waitFor('health', async () => (await checkedFetch(`http://127.0.0.1:${port}/health`)).ok, 30_000);
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test glue reading a few fields of JSON responses
  const api = async (token: string, method: string, path: string, body?: unknown): Promise<any> => {
    const res = await checkedFetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const db = async <T>(q: string, ...params: unknown[]): Promise<T[]> => {
    const d = await openStorage(join(dir, 'db.sqlite'), { readonly: true });
    try {
      return await d.all<T>(q, params);
    } finally {
      await d.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lianfang-crash-'));
    port = await freePort();
    if (process.env.TEST_DATABASE_URL) await resetPostgres(process.env.TEST_DATABASE_URL);
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("fires a deadline and a drill's reminder exactly once after SIGKILL and restart", async () => {
    await start();
    const org = await api(adminToken, 'POST', '/api/v1/admin/organisations', {
      name: 'Crash operator',
      kind: 'operator',
      sector: 'transport',
      operatorKind: 'cii',
    });
    const user = await api(adminToken, 'POST', `/api/v1/admin/organisations/${org.id}/users`, {
      name: 'commander',
      role: 'commander',
    });
    // A person's token: an enrolment code from the admin, redeemed by the person (public route).
    const { code } = await api(adminToken, 'POST', `/api/v1/admin/users/${user.id}/enrolment`);
    const { token } = await api('', 'POST', '/api/v1/enrolments/redeem', { code, tokenName: 't' });
    const leader = await api(adminToken, 'POST', `/api/v1/admin/organisations/${org.id}/users`, {
      name: 'leader',
      role: 'leader',
    });
    const leaderCode = (await api(adminToken, 'POST', `/api/v1/admin/users/${leader.id}/enrolment`)).code;
    const leaderToken = (await api('', 'POST', '/api/v1/enrolments/redeem', { code: leaderCode, tokenName: 't' }))
      .token;
    const plan = await api(leaderToken, 'POST', '/api/v1/plans', { fromDefault: 'ransomware' });
    // Its one reminder falls due about when the deadline does.
    const drill = await api(leaderToken, 'POST', '/api/v1/drills', {
      planId: plan.id,
      title: 'crash drill',
      scope: 'the reminder survives a crash',
      startsAt: new Date(Date.now() + 20_000).toISOString(),
      participants: [user.id],
      remindBefore: ['PT5S'],
    });
    // CII, grade II: one hour from discovery, so the deadline falls due 15 s from now.
    const detectedAt = new Date(Date.now() - 3600_000 + 15_000).toISOString();
    const incident = await api(token, 'POST', '/api/v1/incidents', {
      title: 'crash test',
      category: 'ddos',
      grade: 'II',
      detectedAt,
    });
    for (const step of incident.steps.filter(
      (s: { phase: string; mandatory: boolean }) => s.phase === 'triage' && s.mandatory,
    )) {
      await api(token, 'POST', `/api/v1/incidents/${incident.id}/steps/${step.id}/complete`, {});
    }
    const confirmed = await api(token, 'POST', `/api/v1/incidents/${incident.id}/events`, {
      type: 'CONFIRM',
      grade: 'II',
    });
    const dueAt = Date.parse(confirmed.deadlines[0].dueAt);

    // The deadline job has reached Redis (outbox row marked sent) and Redis has appended it to its AOF
    // (appendfsync everysec): the job id is in the append-only file, so a kill -9 cannot lose it.
    await waitFor(
      'deadline job sent to Redis',
      async () =>
        Number(
          (
            await db<{ n: number | string }>(
              "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'deadline-due' AND sent_at IS NOT NULL",
            )
          )[0]!.n,
        ) === 1,
    );
    await waitFor(
      'drill reminder job sent to Redis',
      async () =>
        Number(
          (
            await db<{ n: number | string }>(
              "SELECT COUNT(*) AS n FROM outbox WHERE kind = 'drill-reminder' AND sent_at IS NOT NULL",
            )
          )[0]!.n,
        ) === 1,
    );
    const aofDir = join(dir, 'var', 'redis', 'appendonlydir');
    const dueJobId = `dl.${incident.id}.initial-report.1.due`;
    const reminderJobId = `drill.${drill.id}.PT5S`;
    for (const id of [dueJobId, reminderJobId])
      await waitFor(
        `${id} in the AOF`,
        async () =>
          existsSync(aofDir) &&
          readdirSync(aofDir)
            .filter((f) => f.endsWith('.aof'))
            .some((f) => readFileSync(join(aofDir, f)).includes(id)),
        10_000,
        50,
      );
    expect(Date.now()).toBeLessThan(dueAt - 5000);

    const orphan = Number(readFileSync(join(dir, 'var', 'redis', 'owner.pid'), 'utf8'));
    const killed = new Promise((r) => child!.once('exit', r));
    child!.kill('SIGKILL');
    await killed;
    // The killed service's redis-server outlives it, still holding the AOF ...
    expect(existsSync(`/proc/${orphan}`)).toBe(true);
    await start();
    // ... and the restarted service stops it (flushing the AOF) before starting its own.
    expect(existsSync(`/proc/${orphan}`)).toBe(false);
    expect(Number(readFileSync(join(dir, 'var', 'redis', 'owner.pid'), 'utf8'))).not.toBe(orphan);

    const missed = () =>
      db<{ payload: string }>(
        "SELECT payload FROM audit_entry_named WHERE incident_id = ? AND action = 'incident.event.DEADLINE_MISSED'",
        incident.id,
      );
    await waitFor(
      'the deadline to fire after the restart',
      async () => (await missed()).length > 0,
      dueAt - Date.now() + 15_000,
    );
    // The due job is the only one that can record the miss: once it has finished (or is gone), count.
    const redisPid = Number(readFileSync(join(dir, 'var', 'redis', 'owner.pid'), 'utf8'));
    // redis-server names itself "redis-server 127.0.0.1:<port>" in its process title.
    const port = Number(/:(\d+)/.exec(readFileSync(`/proc/${redisPid}/cmdline`, 'utf8'))?.[1]);
    expect(port).toBeGreaterThan(0);
    const reminded = () =>
      db<{ payload: string }>(
        "SELECT payload FROM audit_entry_named WHERE action = 'drill.reminded' AND payload LIKE ?",
        `%${drill.id}%`,
      );
    await waitFor('the drill reminder to fire after the restart', async () => (await reminded()).length > 0, 20_000);
    const timers = new Queue(QUEUES.timers, { connection: { host: '127.0.0.1', port } });
    try {
      for (const id of [dueJobId, reminderJobId])
        await waitFor(`${id} to finish`, async () => {
          const job = await timers.getJob(id);
          return !job || (await job.getState()) === 'completed';
        });
    } finally {
      await timers.close();
    }
    expect(await missed()).toHaveLength(1);
    expect(await reminded()).toHaveLength(1);
    const drillView = await api(leaderToken, 'GET', `/api/v1/drills/${drill.id}`);
    expect(drillView.reminders).toEqual([expect.objectContaining({ before: 'PT5S', status: 'sent' })]);
    const view = await api(token, 'GET', `/api/v1/incidents/${incident.id}`);
    expect(view.deadlines[0]).toMatchObject({ timer: 'initial-report', status: 'missed' });
  });
});
