import { getQueueToken } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { request as httpRequest } from 'node:http';
import { TimersProcessor } from '../../src/clocks/timers.processor';
import { QUEUES } from '../../src/queues/queue-names';
import { bearer, createOrg, startTestService, TestService } from '../support/harness';
import { confirmedGradeII, discoveredForDueIn, IncidentDriver, type Tokens } from '../support/incident-driver';
import { waitFor } from '../support/wait';

/**
 * Whether a report was on time is decided by when its submission arrived against the due time (issue
 * 19: reports requested just before the due time were stamped seconds after it while waiting on a lock,
 * and recorded as met only because the due timer had not run yet), and decided once: a due job waits
 * for a submission that arrived in time and is still in flight (src/clocks/arrival-holds.ts). Real HTTP,
 * real BullMQ timers, on SQLite and (TEST_DATABASE_URL) Postgres. A CII operator reports a grade-II
 * incident within an hour of discovery, so incidents here are discovered a few seconds less than an hour ago.
 */
describe('a report is on time by its submission time, not by which job ran first', () => {
  jest.setTimeout(90_000);
  let svc: TestService;
  let op: Tokens;

  beforeAll(async () => {
    svc = await startTestService({ listen: true });
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
  afterAll(async () => svc?.close());

  const timers = () => svc.app.get<Queue>(getQueueToken(QUEUES.timers), { strict: false });
  const submitBody = JSON.stringify({
    outOfBand: [{ recipientKind: 'public-security', recipientName: '市公安局网安支队', means: 'phone' }],
  });

  /** A confirmed grade-II incident due `secondsToDue` from now, with its initial report approved. */
  async function approvedReport(secondsToDue: number) {
    const inc = await confirmedGradeII(svc, op, discoveredForDueIn(secondsToDue));
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
    const dueAt: string = (await inc.get()).deadlines.find(
      (x: { timer: string }) => x.timer === 'initial-report',
    ).dueAt;
    return { inc, reportId: d.body.id as string, dueAt };
  }

  const deadline = async (inc: IncidentDriver) =>
    (await inc.get()).deadlines.find((x: { timer: string }) => x.timer === 'initial-report');
  const misses = async (inc: IncidentDriver) =>
    (
      await svc.http().get(`/api/v1/incidents/${inc.id}/timeline`).set(bearer(op.commander.token)).expect(200)
    ).body.filter((e: { action: string }) => e.action === 'incident.event.DEADLINE_MISSED').length;
  const dueJob = (incidentId: string) => `dl.${incidentId}.initial-report.1.due`;

  /**
   * What the timers worker answers for job `id`'s first attempt, or a sentence saying it failed or gave no
   * answer in 20 s (a sentence, not a rejection, so nothing is left unhandled while the test awaits other things).
   */
  function jobOutcome(id: string): Promise<unknown> {
    const worker = svc.app.get(TimersProcessor).worker;
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(`no outcome of ${id} in 20 s`), 20_000);
      const onCompleted = (job: Job, result: unknown) => job.id === id && settle(result);
      const onFailed = (job: Job | undefined, err: Error) => job?.id === id && settle(`${id} failed: ${err.message}`);
      const settle = (outcome: unknown) => {
        clearTimeout(timer);
        worker.off('completed', onCompleted);
        worker.off('failed', onFailed);
        resolve(outcome);
      };
      worker.on('completed', onCompleted);
      worker.on('failed', onFailed);
    });
  }

  it('a submission that arrived before the due time decides its deadline alone: the due job waits for it', async () => {
    const { inc, reportId, dueAt } = await approvedReport(4);
    // The request arrives before the due time and then waits (here: for the rest of its body, as it
    // could wait for a lock or the write queue) while the due timer fires.
    const body = Buffer.from(submitBody);
    let answer: { status: number; body: string } | undefined;
    const req = httpRequest(`${svc.handle.url}/api/v1/reports/${reportId}/submit`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${op.liaison.token}`,
        'Content-Type': 'application/json',
        'Content-Length': String(body.length),
      },
    });
    const answered = new Promise<void>((ok, fail) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          answer = { status: res.statusCode ?? 0, body: text };
          ok();
        });
      });
      req.on('error', fail);
    });
    req.write(body.subarray(0, 10));
    expect(Date.now()).toBeLessThan(Date.parse(dueAt));
    // Past the due time the due job runs, and waits for the submission in flight (ArrivalHolds)
    // instead of recording a miss the submission would then overturn.
    await waitFor(
      'the due job to be running past the due time',
      async () => Date.now() > Date.parse(dueAt) && (await timers().getJob(dueJob(inc.id)))?.isActive(),
      30_000,
    );
    expect(await deadline(inc)).toMatchObject({ status: 'pending' });
    // Its outcome, as the worker reports it: the met deadline's cancellation may remove the completed job
    // from Redis before it could be read there.
    const outcome = jobOutcome(dueJob(inc.id));
    req.end(body.subarray(10));
    await answered;
    expect(answer!.status).toBe(200);
    const report = JSON.parse(answer!.body);
    // Stamped with the moment it arrived, and that moment decided.
    expect(Date.parse(report.submittedAt)).toBeLessThan(Date.parse(dueAt));
    // Decided once: met by the report, and the due job found nothing left to do.
    expect(await outcome).toBe('stale');
    expect(await deadline(inc)).toMatchObject({ status: 'met' });
    expect(await misses(inc)).toBe(0);
  });

  it('a submission past due is missed though the due timer has not run; the timer then does nothing', async () => {
    const worker = svc.app.get(TimersProcessor).worker;
    const { inc, reportId, dueAt } = await approvedReport(3);
    // The timers worker is held back, as a busy or restarting worker would be.
    await worker.pause();
    try {
      await waitFor('the due time to pass', async () => Date.now() > Date.parse(dueAt) + 50, 20_000, 50);
      expect(await deadline(inc)).toMatchObject({ status: 'pending' });
      const res = await svc
        .http()
        .post(`/api/v1/reports/${reportId}/submit`)
        .set(bearer(op.liaison.token))
        .set('Content-Type', 'application/json')
        .send(submitBody)
        .expect(200);
      expect(Date.parse(res.body.submittedAt)).toBeGreaterThan(Date.parse(dueAt));
      expect(await deadline(inc)).toMatchObject({ status: 'missed' });
      expect(await misses(inc)).toBe(0);
      const timeline = (
        await svc.http().get(`/api/v1/incidents/${inc.id}/timeline`).set(bearer(op.commander.token)).expect(200)
      ).body as Array<{ action: string; payload: string }>;
      const submitted = timeline.find((e) => e.action === 'incident.event.INITIAL_REPORT_SUBMITTED')!;
      expect(JSON.parse(submitted.payload).event).toMatchObject({ submittedAt: res.body.submittedAt });
    } finally {
      worker.resume();
    }
    // The due job was cancelled with the deadline (or, had it been taken, finds nothing to do).
    await waitFor(
      'the due job to be gone or done',
      async () => {
        const job = await timers().getJob(dueJob(inc.id));
        return !job || (await job.isCompleted());
      },
      20_000,
    );
    expect(await deadline(inc)).toMatchObject({ status: 'missed' });
  });
});
