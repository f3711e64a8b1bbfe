import { getQueueToken } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { TimersProcessor } from '../../src/clocks/timers.processor';
import { QUEUES } from '../../src/queues/queue-names';
import { bearer, createOrg, startTestService, TestService } from '../support/harness';
import { confirmedGradeII, discoveredForDueIn, IncidentDriver, type Tokens } from '../support/incident-driver';
import { waitFor } from '../support/wait';

/**
 * Deadlines due together are decided together (DeadlineSweeper.dueTogether): when one incident
 * deadline's due job runs, the worker decides every other pending deadline whose due time has come,
 * without waiting for their own jobs. Here the other deadlines have no due job at all (removed from
 * Redis), and the periodic sweep is an hour away, so only that path can decide them in time; a deadline
 * not yet due must stay pending, and each deadline is decided once.
 *
 * The four share one discovery time, so one due time: deadlines due a few milliseconds apart are not
 * due together, and the first one's job may run before the others are due (CI saw that once). The timers
 * worker is paused while they are set up, so however long that takes on a busy machine, the remaining due
 * job cannot run before the others' jobs are gone.
 */
describe('deadlines due together', () => {
  jest.setTimeout(90_000);
  let svc: TestService;
  let op: Tokens;

  beforeAll(async () => {
    svc = await startTestService({ env: { DEADLINE_SWEEP_SECONDS: '3600' } });
    op = (
      await createOrg(svc, { name: 'Water operator', kind: 'operator', sector: 'water', operatorKind: 'cii' }, [
        'commander',
        'responder',
        'liaison',
        'leader',
      ])
    ).tokens;
  });
  afterAll(async () => svc?.close());

  const timers = () => svc.app.get<Queue>(getQueueToken(QUEUES.timers), { strict: false });
  const dueJob = (id: string) => `dl.${id}.initial-report.1.due`;

  const deadline = async (inc: IncidentDriver) =>
    (await inc.get()).deadlines.find((d: { timer: string }) => d.timer === 'initial-report') as {
      status: string;
      dueAt: string;
    };
  const timeline = async (inc: IncidentDriver) =>
    (await svc.http().get(`/api/v1/incidents/${inc.id}/timeline`).set(bearer(op.commander.token)).expect(200))
      .body as Array<{ action: string }>;

  it('one due job decides every deadline due by then, each once; one not yet due stays pending', async () => {
    const worker = svc.app.get(TimersProcessor).worker;
    await worker.pause();
    const setUp = async () => {
      const detectedAt = discoveredForDueIn(5);
      const due = await Promise.all(Array.from({ length: 4 }, () => confirmedGradeII(svc, op, detectedAt)));
      const later = await confirmedGradeII(svc, op, discoveredForDueIn(3600));
      const [kept, ...others] = due;
      // Queued by the outbox relay after each commit; every one but the first is taken away again.
      for (const inc of due) await waitFor('the due job to be queued', () => timers().getJob(dueJob(inc.id)));
      for (const inc of others) await (await timers().getJob(dueJob(inc.id)))!.remove();
      for (const inc of others) expect(await timers().getJob(dueJob(inc.id))).toBeUndefined();
      for (const inc of due) expect((await deadline(inc)).status).toBe('pending');
      return { due, kept: kept!, later };
    };
    const { due, kept, later } = await setUp().finally(() => worker.resume());

    const keptJob = await waitFor(
      'the remaining due job to complete',
      async () => {
        const j: Job | undefined = await timers().getJob(dueJob(kept.id));
        if (!j || !(await j.isCompleted())) return null;
        // Read again: a job read while still active has no return value, and may complete before isCompleted().
        return (await timers().getJob(dueJob(kept.id))) ?? null;
      },
      60_000,
    );
    // Its own deadline was decided by it or beside it (whichever came first): either answer is right.
    expect(['applied', 'stale']).toContain(keptJob.returnvalue);

    for (const inc of due) {
      await waitFor('the deadline to be decided', async () => (await deadline(inc)).status === 'missed', 20_000);
      const actions = (await timeline(inc)).map((e) => e.action);
      expect(actions.filter((a) => a === 'incident.event.DEADLINE_MISSED')).toHaveLength(1);
      expect(actions.filter((a) => a === 'deadline.escalated')).toHaveLength(1);
    }
    // The one due in an hour was not touched.
    expect((await deadline(later)).status).toBe('pending');
    expect((await timeline(later)).map((e) => e.action)).not.toContain('incident.event.DEADLINE_MISSED');
  });
});
