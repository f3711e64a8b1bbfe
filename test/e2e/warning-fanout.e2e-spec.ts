import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/redis/local-redis';
import { checkedFetch } from '../contract/contract-recorder';
import { openStorage } from '../support/storage';
import { waitFor } from '../support/wait';
import { resetPostgres } from '../support/harness';

/**
 * A warning to a whole sector of 50 operators is fanned out after the request, in batches of 2 (25
 * `warning-fanout` jobs). The service runs as its own process, exactly as `npm start` runs it, and is
 * killed with SIGKILL while the fan-out is under way, then started again on the same database and
 * Redis data: every operator ends with exactly one workflow and one feedback clock, each batch's
 * operators are audited once, and the audit trail verifies.
 */
const ROOT = join(__dirname, '..', '..');
const OPERATORS = 50;
const BATCH = 2;

describe('warning fan-out in batches, across a crash of the service', () => {
  // Two start-ups of the service as its own process, on a machine that may be busy.
  jest.setTimeout(300_000);
  let dir: string;
  let child: ChildProcess | undefined;
  let port: number;
  const adminToken = 'fanout-test-admin-token-0123456789';

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
          WARNING_FANOUT_BATCH: String(BATCH),
        },
        stdio: 'ignore',
      },
    );
    return waitFor('health', async () => (await checkedFetch(`http://127.0.0.1:${port}/health`)).ok, 120_000);
  };
  const kill = async () => {
    const exited = new Promise((r) => child!.once('exit', r));
    child!.kill('SIGKILL');
    await exited;
  };
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const t0 = Date.now();
    const res = await checkedFetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test glue reading a few fields of JSON responses
    const json: any = await res.json();
    return { status: res.status, body: json, ms: Date.now() - t0 };
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  const api = async (token: string, method: string, path: string, body?: unknown): Promise<any> => {
    const res = await call(token, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const db = async <T>(q: string, ...params: unknown[]): Promise<T[]> => {
    const d = await openStorage(join(dir, 'db.sqlite'), { readonly: true });
    try {
      return await d.all<T>(q, params);
    } finally {
      await d.close();
    }
  };
  const tokenOf = async (orgId: string, role: string) => {
    const user = await api(adminToken, 'POST', `/api/v1/admin/organisations/${orgId}/users`, { name: role, role });
    const { code } = await api(adminToken, 'POST', `/api/v1/admin/users/${user.id}/enrolment`);
    return (await api('', 'POST', '/api/v1/enrolments/redeem', { code, tokenName: 't' })).token as string;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lianfang-fanout-'));
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

  it('answers with the fan-out pending; after SIGKILL and restart, one workflow and clock each', async () => {
    await start();
    const operators: string[] = [];
    for (let i = 0; i < OPERATORS; i++) {
      const org = await api(adminToken, 'POST', '/api/v1/admin/organisations', {
        name: `Grid operator ${String(i).padStart(2, '0')}`,
        kind: 'operator',
        sector: 'energy',
        operatorKind: 'cii',
      });
      operators.push(org.id);
    }
    const dept = await api(adminToken, 'POST', '/api/v1/admin/organisations', {
      name: 'Energy protection department',
      kind: 'department',
      sector: 'energy',
    });
    const officer = await tokenOf(dept.id, 'department-officer');
    const commander = await tokenOf(operators[OPERATORS - 1], 'commander');

    const issued = await call(officer, 'POST', '/api/v1/warnings', {
      title: '针对电力调度系统的勒索软件攻击活动预警',
      level: 'orange',
      threatDescription: 'A ransomware group exploits an unpatched VPN appliance.',
      sectors: ['energy'],
      feedbackWithin: 'P1D',
    });
    expect(issued.status).toBe(202);
    expect(issued.body.fanout).toEqual({ status: 'pending', total: OPERATORS, done: 0 });
    expect(issued.body.targets).toBeUndefined();
    const id: string = issued.body.id;

    // The department watches it progress; the service dies while it is under way.
    const partial = await waitFor(
      'a fan-out under way',
      async () => {
        const w = await api(officer, 'GET', `/api/v1/warnings/${id}`);
        return w.fanout.done > 0 && w.fanout.done < OPERATORS ? w : undefined;
      },
      30_000,
      5,
    );
    await kill();
    expect(partial.fanout).toMatchObject({ status: 'pending', total: OPERATORS });
    const before = await db<{ n: number }>('SELECT COUNT(*) AS n FROM warning_target WHERE warning_id = ?', id);
    expect(Number(before[0].n)).toBeLessThan(OPERATORS);

    await start();
    const done = await waitFor(
      'the fan-out to finish after the restart',
      async () => {
        const w = await api(officer, 'GET', `/api/v1/warnings/${id}`);
        return w.fanout.status === 'done' ? w : undefined;
      },
      60_000,
      100,
    );
    expect(done.fanout).toEqual({ status: 'done', total: OPERATORS, done: OPERATORS });
    // The operators it reached, in pages of 20 (the default), each operator once.
    const targets: Array<{ operatorOrgId: string }> = [];
    for (let page = 1; page <= Math.ceil(OPERATORS / 20); page++) {
      const res = await api(officer, 'GET', `/api/v1/warnings/${id}/targets?page=${page}`);
      expect(res.total).toBe(OPERATORS);
      targets.push(...res.items);
    }
    expect(targets.map((t) => t.operatorOrgId).sort()).toEqual([...operators].sort());
    for (const t of targets)
      expect(t).toMatchObject({ state: 'received', version: 1, deadline: { status: 'pending', generation: 1 } });

    // One workflow per operator (the key is the pair), each audited in exactly one batch.
    const rows = await db<{ operator_org_id: string }>(
      'SELECT operator_org_id FROM warning_target WHERE warning_id = ?',
      id,
    );
    expect(rows.map((r) => r.operator_org_id).sort()).toEqual([...operators].sort());
    const batches = await db<{ payload: string }>(
      "SELECT payload FROM audit_entry_named WHERE action = 'warning.fanned-out' ORDER BY seq",
    );
    const named = batches.flatMap((b) => (JSON.parse(b.payload) as { operators: string[] }).operators);
    expect(named.sort()).toEqual([...operators].sort());
    // One feedback clock per operator: its due job (and reminders) planned once, under its deterministic id.
    const due = await db<{ id: string }>(
      "SELECT id FROM outbox WHERE queue = 'timers' AND kind = 'warning-feedback-due' AND id LIKE ?",
      `wf.${id}.%`,
    );
    expect(due.map((d) => d.id).sort()).toEqual(operators.map((o) => `wf.${id}.${o}.warning-feedback.1.due`).sort());

    // The last operator sees the warning in its workflow, and the trail verifies.
    const mine = await api(commander, 'GET', `/api/v1/warnings/${id}`);
    expect(mine).toMatchObject({ state: 'received', allowedEvents: ['START_ASSESSMENT'] });
    expect(await api(adminToken, 'GET', '/api/v1/audit/verify')).toMatchObject({ ok: true });
    // No dead letters: every batch succeeded, the one cut short by the kill included.
    const dead = await api(adminToken, 'GET', '/api/v1/admin/dead-letters?queue=warnings');
    expect(dead.counts).toEqual([{ queue: 'warnings', failed: 0 }]);
  });
});
