import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { join } from 'node:path';
import { ServiceHandle, startService } from '../../src/bootstrap';
import { DataSource } from 'typeorm';
import { sql, TransactionRunner } from '../../src/database';
import { QUEUES } from '../../src/queues/queue-names';
import { bearer, createOrg, serviceHttp, startTestService, TestService } from '../support/harness';
import { confirmedGradeII, type StepJson, type Tokens } from '../support/incident-driver';
import { waitFor } from '../support/wait';

/**
 * The races of issue 19, run against the real service and (with TEST_DATABASE_URL) Postgres, where they
 * failed: a report submission racing step completions of its incident deadlocked ("deadlock detected",
 * 500) as the audit lock and the incident row were taken in opposite orders; submissions at their due
 * time failed with 500 and left deadlines `pending` for good. Requests go to two application instances
 * (each with its own connection pool) sharing the database and Redis, as two API processes would.
 * Every answer must be below 500, every deadline decided once, by the submission's time.
 */
describe('contention: submissions racing step completions and due timers (two app instances)', () => {
  jest.setTimeout(120_000);
  const N = 20;
  let svc: TestService;
  let second: ServiceHandle;
  let op: Tokens;

  beforeAll(async () => {
    svc = await startTestService();
    // A second API process's worth: same database, Redis and keys, no workers.
    second = await startService({
      env: {
        DATABASE_URL: svc.handle.config.DATABASE_URL,
        REDIS_URL: svc.handle.redisUrl,
        VAR_DIR: join(svc.dir, 'var'),
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        TZ: 'UTC',
      },
      api: true,
      workers: false,
      listen: false,
      processName: 'test-second',
    });
    op = (
      await createOrg(svc, { name: '某证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
        'commander',
        'responder',
        'liaison',
        'leader',
      ])
    ).tokens;
    await createOrg(svc, { name: '金融行业保护工作部门', kind: 'department', sector: 'finance' }, [
      'department-officer',
    ]);
  });
  afterAll(async () => {
    await second?.close();
    await svc?.close();
  });

  const apps = () => [() => svc.http(), () => serviceHttp(second)];
  const submitBody = {
    outOfBand: [{ recipientKind: 'public-security', recipientName: '市公安局网安支队', means: 'phone' }],
  };

  /** A confirmed grade-II incident discovered `detectedAt`, its initial report approved (one hour to report). */
  async function approvedReport(detectedAt: string) {
    const inc = await confirmedGradeII(svc, op, detectedAt);
    const d = await svc
      .http()
      .post(`/api/v1/incidents/${inc.id}/reports`)
      .set(bearer(op.liaison.token))
      .send({ kind: 'initial' })
      .expect(201);
    const fields: Record<string, string> = {};
    for (const code of d.body.missingFields as string[]) fields[code] = `${code} 的内容`;
    await svc.http().patch(`/api/v1/reports/${d.body.id}`).set(bearer(op.liaison.token)).send({ fields }).expect(200);
    await svc.http().post(`/api/v1/reports/${d.body.id}/approve`).set(bearer(op.commander.token)).expect(200);
    return { inc, reportId: d.body.id as string };
  }

  /** The incident's events in its timeline carry versions 2, 3, … without a gap or a repeat. */
  async function contiguousVersions(id: string): Promise<boolean> {
    const timeline = (
      await svc.http().get(`/api/v1/incidents/${id}/timeline`).set(bearer(op.commander.token)).expect(200)
    ).body as Array<{ action: string; payload: string }>;
    const versions = timeline
      .filter((e) => e.action.startsWith('incident.event.'))
      .map((e) => JSON.parse(e.payload).version as number);
    return versions.every((v, i) => v === i + 2);
  }

  it("a transaction that deadlocks is run again whole, out of its caller's sight, and counted", async () => {
    const tx = svc.app.get(TransactionRunner);
    const postgres = svc.handle.config.databaseKind === 'postgres';
    await tx.run((em) => sql(em, 'CREATE TABLE deadlock_probe (id integer PRIMARY KEY, n integer NOT NULL)'));
    await tx.run((em) => sql(em, 'INSERT INTO deadlock_probe (id, n) VALUES (1, 0), (2, 0)'));
    const before = tx.stats();
    // Each transaction takes one row, waits until the other has taken the other row, then asks for it:
    // the opposite order, a deadlock Postgres breaks by failing one of them. On SQLite the runner runs
    // one transaction after the other, so there is nothing to wait for (the other has not started).
    const signal: Array<() => void> = [];
    const took = [new Promise<void>((r) => signal.push(r)), new Promise<void>((r) => signal.push(r))];
    const otherTook = (i: number) => (postgres ? took[1 - i]! : Promise.resolve());
    const crossing = (first: number, second: number, i: number) =>
      tx.run(async (em) => {
        await sql(em, 'UPDATE deadlock_probe SET n = n + 1 WHERE id = ?', [first]);
        signal[i]!();
        await otherTook(i);
        await sql(em, 'UPDATE deadlock_probe SET n = n + 1 WHERE id = ?', [second]);
        return i;
      });
    expect(await Promise.all([crossing(1, 2, 0), crossing(2, 1, 1)])).toEqual([0, 1]);
    // Each committed once: the attempt that failed left nothing behind.
    const rows = await sql<{ id: number; n: number }>(
      svc.app.get(DataSource).manager,
      'SELECT id, n FROM deadlock_probe ORDER BY id',
    );
    expect(rows.map((r) => [Number(r.id), Number(r.n)])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    const after = tx.stats();
    expect(after.exhausted).toBe(before.exhausted);
    if (postgres) {
      expect(after.deadlocks - before.deadlocks).toBe(1);
      expect(after.retried - before.retried).toBe(1);
    } else expect(after.deadlocks).toBe(0);
  });

  it(`${N} incidents each get a submission and two step completions at once: no 5xx, nothing lost`, async () => {
    const detectedAt = new Date(Date.now() - 10 * 60_000).toISOString();
    const prepared = await Promise.all(
      Array.from({ length: N }, async () => {
        const r = await approvedReport(detectedAt);
        const steps = ((await r.inc.get()).steps as StepJson[])
          .filter((s) => s.phase === 'containment' && s.status === 'open' && s.roles.includes('responder'))
          .slice(0, 2)
          .map((s) => s.id);
        expect(steps).toHaveLength(2);
        return { ...r, steps };
      }),
    );
    const answers = await Promise.all(
      prepared.flatMap((p, i) => {
        const [a, b] = i % 2 ? apps() : apps().reverse();
        return [
          a!().post(`/api/v1/reports/${p.reportId}/submit`).set(bearer(op.liaison.token)).send(submitBody),
          ...p.steps.map((s, j) =>
            (j ? a! : b!)()
              .post(`/api/v1/incidents/${p.inc.id}/steps/${s}/complete`)
              .set(bearer(op.responder.token))
              .send({ note: 'racing the report' }),
          ),
        ];
      }),
    );
    expect(answers.filter((r) => r.status >= 500).map((r) => r.body)).toEqual([]);
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    for (const p of prepared) {
      const body = await p.inc.get();
      expect(body.steps.filter((s: StepJson) => p.steps.includes(s.id)).map((s: StepJson) => s.status)).toEqual([
        'done',
        'done',
      ]);
      expect(body.deadlines.find((d: { timer: string }) => d.timer === 'initial-report').status).toBe('met');
      expect(await contiguousVersions(p.inc.id)).toBe(true);
    }
    // Whatever was retried on either instance was retried out of the callers' sight (on Postgres).
    expect(svc.app.get(TransactionRunner).stats().exhausted).toBe(0);
    expect(second.app.get(TransactionRunner).stats().exhausted).toBe(0);
    const verify = await svc.http().get('/api/v1/audit/verify').set(bearer(svc.adminToken)).expect(200);
    expect(verify.body.ok).toBe(true);
  });

  it(`${N} submissions 30 ms before due as the due timers fire: no 5xx, each decided by its time`, async () => {
    // Due together, once every report is ready: discovered an hour before that moment.
    const due = Date.now() + 4_000 + N * 400;
    const prepared = await Promise.all(
      Array.from({ length: N }, () => approvedReport(new Date(due - 3600_000).toISOString())),
    );
    const dueAt = Date.parse(
      (await prepared[0]!.inc.get()).deadlines.find((d: { timer: string }) => d.timer === 'initial-report').dueAt,
    );
    expect(Date.now()).toBeLessThan(dueAt - 30);
    await waitFor('30 ms before the due time', async () => Date.now() >= dueAt - 30, 60_000, 5);
    const answers = await Promise.all(
      prepared.map((p, i) =>
        apps()[i % 2]!().post(`/api/v1/reports/${p.reportId}/submit`).set(bearer(op.liaison.token)).send(submitBody),
      ),
    );
    expect(answers.filter((r) => r.status >= 500).map((r) => r.body)).toEqual([]);
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    const timers = svc.app.get<Queue>(getQueueToken(QUEUES.timers), { strict: false });
    for (const [i, p] of prepared.entries()) {
      // Decided by the submission's time (when the request arrived): met before the due time, missed
      // after it, whatever the due job did or will do; no job failed.
      await waitFor('the due job to be gone or done', async () => {
        const job = await timers.getJob(`dl.${p.inc.id}.initial-report.1.due`);
        return !job || (await job.isCompleted());
      });
      const submittedAt = Date.parse(answers[i]!.body.submittedAt);
      const body = await p.inc.get();
      expect({
        submittedAt,
        status: body.deadlines.find((d: { timer: string }) => d.timer === 'initial-report').status,
      }).toEqual({ submittedAt, status: submittedAt <= dueAt ? 'met' : 'missed' });
      expect(await contiguousVersions(p.inc.id)).toBe(true);
    }
    expect(await timers.getFailedCount()).toBe(0);
  });
});
