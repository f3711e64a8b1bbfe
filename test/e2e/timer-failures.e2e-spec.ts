import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QUEUES } from '../../src/queues/queue-names';
import { bearer, createOrg, startTestService, TestService } from '../support/harness';
import { confirmedGradeII, discoveredForDueIn, IncidentDriver, type Tokens } from '../support/incident-driver';
import { openStorage, type Storage } from '../support/storage';
import { waitFor } from '../support/wait';

/**
 * Timer jobs whose transaction fails (issue 19: one `deadline-due` job failed once, for good and
 * unlogged, and left its deadline `pending` forever). The failure here is real: the test holds a lock
 * on the deadline rows from its own database connection (SQLite: the write lock, which the service's
 * write gives up on after its busy timeout; Postgres: an EXCLUSIVE table lock, and the service's waiting
 * statements cancelled), so the due job's attempts fail until the lock goes. Then: a retry decides the
 * deadline; a job that fails on every attempt is a dead letter, the dashboard marks its deadline
 * `undecided`, and the sweeper decides it once.
 */
describe('timer jobs that fail: retries, dead letters, the deadline sweeper', () => {
  jest.setTimeout(120_000);
  let svc: TestService;
  let op: Tokens;

  beforeAll(async () => {
    svc = await startTestService({
      env: { TIMER_MAX_ATTEMPTS: '2', TIMER_BACKOFF_MS: '300', DEADLINE_SWEEP_SECONDS: '3' },
    });
    op = (
      await createOrg(svc, { name: 'Grid operator', kind: 'operator', sector: 'energy', operatorKind: 'cii' }, [
        'commander',
        'responder',
        'liaison',
        'leader',
        'admin',
      ])
    ).tokens;
  });
  afterAll(async () => svc?.close());

  const timers = () => svc.app.get<Queue>(getQueueToken(QUEUES.timers), { strict: false });
  const dueJob = (id: string) => `dl.${id}.initial-report.1.due`;

  const confirmedIncident = (secondsToDue: number) => confirmedGradeII(svc, op, discoveredForDueIn(secondsToDue));

  /** Holds the deadline rows against writes (reads go on) until `release` is called. */
  async function holdDeadlines(): Promise<{ release: () => Promise<void> }> {
    const db: Storage = await openStorage(svc.sqlitePath);
    let cancelling: NodeJS.Timeout | undefined;
    if (db.kind === 'sqlite') await db.run('BEGIN IMMEDIATE');
    else {
      await db.run('BEGIN');
      await db.run('LOCK TABLE incident_deadline IN EXCLUSIVE MODE');
      // Postgres would let the service wait as long as the lock is held: its waiting statements are
      // cancelled, as a statement or lock timeout would end them.
      const cancel = await openStorage(svc.sqlitePath);
      cancelling = setInterval(() => {
        void cancel
          .run(
            'SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = current_database() ' +
              "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'",
          )
          .catch(() => undefined);
      }, 100);
      const stop = cancelling;
      return {
        release: async () => {
          clearInterval(stop);
          await cancel.close();
          await db.run('ROLLBACK');
          await db.close();
        },
      };
    }
    return {
      release: async () => {
        if (cancelling) clearInterval(cancelling);
        await db.run('ROLLBACK');
        await db.close();
      },
    };
  }

  const status = async (inc: IncidentDriver) =>
    (await inc.get()).deadlines.find((d: { timer: string }) => d.timer === 'initial-report').status as string;
  const misses = async (inc: IncidentDriver) =>
    (
      await svc.http().get(`/api/v1/incidents/${inc.id}/timeline`).set(bearer(op.commander.token)).expect(200)
    ).body.filter((e: { action: string }) => e.action === 'incident.event.DEADLINE_MISSED');

  it('a due job whose transaction fails is retried with backoff, and decides its deadline once', async () => {
    const inc = await confirmedIncident(3);
    // Queued by the outbox relay after the commit, with the timers queue's retry options.
    const job = await waitFor('the due job to be queued', () => timers().getJob(dueJob(inc.id)));
    expect(job.opts).toMatchObject({ attempts: 2, backoff: { delay: 300 } });
    const lock = await holdDeadlines();
    try {
      await waitFor(
        'the first attempt to fail',
        async () => ((await timers().getJob(dueJob(inc.id)))?.attemptsMade ?? 0) >= 1,
        30_000,
      );
    } finally {
      await lock.release();
    }
    await waitFor('the deadline to be decided', async () => (await status(inc)) === 'missed', 30_000);
    const done = await waitFor('the due job to complete', async () => {
      const j = await timers().getJob(dueJob(inc.id));
      return j && (await j.isCompleted()) ? j : null;
    });
    expect(done.attemptsMade).toBeGreaterThanOrEqual(1);
    expect(await misses(inc)).toHaveLength(1);
  });

  it('a due job failing for good is a dead letter, marked on the dashboard, then decided by the sweeper', async () => {
    const inc = await confirmedIncident(2);
    const lock = await holdDeadlines();
    try {
      const failed = await waitFor(
        'the due job to fail on both attempts',
        async () => {
          const j = await timers().getJob(dueJob(inc.id));
          if (!j || !(await j.isFailed())) return null;
          // Read again: the job read above can predate the last attempt's failure that isFailed() now
          // sees (two reads; BullMQ records the attempt and the failed state together, atomically).
          return timers().getJob(dueJob(inc.id));
        },
        60_000,
      );
      // The reason too, so a failure for another cause (a stalled job, say) says which.
      expect({ attempts: failed.attemptsMade, reason: failed.failedReason }).toEqual({
        attempts: 2,
        reason: expect.stringMatching(/cancel|lock|busy/i),
      });
      // Nothing decided it: the dashboard says so while it stays that way.
      const dashboard = await svc.http().get('/api/v1/deadlines').set(bearer(op.commander.token)).expect(200);
      expect(dashboard.body.overdue.find((d: { incidentId: string }) => d.incidentId === inc.id)).toMatchObject({
        status: 'pending',
        undecided: true,
      });
      const dead = await svc
        .http()
        .get('/api/v1/admin/dead-letters?queue=timers')
        .set(bearer(svc.adminToken))
        .expect(200);
      expect({ counts: dead.body.counts, ids: dead.body.items.map((i: { id: string }) => i.id) }).toEqual({
        counts: [{ queue: 'timers', failed: 1 }],
        ids: [dueJob(inc.id)],
      });
      expect(dead.body.items).toEqual([
        {
          queue: 'timers',
          id: dueJob(inc.id),
          name: 'deadline-due',
          attemptsMade: 2,
          attempts: 2,
          failedReason: expect.any(String),
          failedAt: expect.any(String),
          refs: { incidentId: inc.id, timer: 'initial-report', generation: 1, outboxId: dueJob(inc.id) },
        },
      ]);
      await svc.http().get('/api/v1/admin/dead-letters').set(bearer(op.admin.token)).expect(403);
    } finally {
      await lock.release();
    }
    // The sweeper finds the deadline pending past its due time and decides it, once.
    await waitFor('the sweeper to decide the deadline', async () => (await status(inc)) === 'missed', 30_000);
    const entries = await misses(inc);
    expect(entries).toHaveLength(1);
    const dashboard = await svc.http().get('/api/v1/deadlines').set(bearer(op.commander.token)).expect(200);
    expect(dashboard.body.overdue.find((d: { incidentId: string }) => d.incidentId === inc.id)).toMatchObject({
      status: 'missed',
      undecided: false,
      escalationLevel: 1,
    });
  });
});
