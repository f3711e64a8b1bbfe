import { getQueueToken } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { sql } from '../../src/database/sql';
import { OutboxRelay } from '../../src/outbox/outbox.relay';
import { QUEUES } from '../../src/queues/queue-names';
import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';
import { IncidentDriver, type Tokens } from '../support/incident-driver';
import { waitFor } from '../support/wait';
import { fannedOut } from '../support/warnings';

/**
 * A deployment upgraded while clocks run: Redis holds timer jobs queued by the code before the clocks
 * module (src/timers, src/deadlines, report-timers.ts, warning-jobs.ts). Here Redis is emptied of the
 * jobs the running code queued and given instead jobs spelled exactly as the old code queued them
 * (its outbox relay's name, id, payload plus `outboxId`, and delay; written out literally, not built
 * with the new code's helpers): the new processor handles each, and the new code's cancellations
 * remove the old delayed ones by id.
 */
describe('timer jobs queued by the code before the clocks module', () => {
  jest.setTimeout(120_000);
  let svc: TestService;
  let op: Tokens;
  let dept: Tokens;
  let opOrgId: string;
  let timers: Queue;
  let db: DataSource;

  beforeAll(async () => {
    svc = await startTestService({
      env: { REMINDER_FRACTIONS: '0.5,0.8', ESCALATION_STEP_DELAY: 'PT15M', REPORT_ACK_WITHIN: 'PT20M' },
    });
    timers = svc.app.get<Queue>(getQueueToken(QUEUES.timers), { strict: false });
    db = svc.app.get(DataSource);
    const roles = ['commander', 'responder', 'liaison', 'leader', 'admin'];
    const a = await createOrg(
      svc,
      { name: '某证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' },
      roles,
    );
    op = a.tokens;
    opOrgId = a.orgId;
    dept = (
      await createOrg(svc, { name: '金融行业保护工作部门', kind: 'department', sector: 'finance' }, [
        'department-officer',
        'admin',
      ])
    ).tokens;
  });
  afterAll(async () => svc?.close());

  /** Redis as the old code left it: the running code's jobs are sent, then every job still to run is removed. */
  async function forgetNewJobs(): Promise<void> {
    await svc.app.get(OutboxRelay).flush();
    await timers.drain(true);
  }

  /** A job as the old outbox relay added it: name = row kind, id = row id, data = payload + outboxId. */
  async function oldJob(name: string, id: string, payload: Record<string, unknown>, delayMs = 0): Promise<void> {
    await timers.add(name, { ...payload, outboxId: id }, { jobId: id, delay: delayMs });
  }

  /** Waits until the job has run and answers what its handler returned. */
  async function ran(id: string): Promise<unknown> {
    const job = await waitFor(`job ${id} done`, async () => {
      const state = await timers.getJobState(id);
      if (state === 'failed') throw new Error(`job ${id} failed: ${(await timers.getJob(id))?.failedReason}`);
      // Read once completed: a copy read while it ran would not hold its return value yet.
      return state === 'completed' ? ((await timers.getJob(id)) as Job) : undefined;
    });
    return job.returnvalue;
  }

  /** Whether the job is gone from Redis once the outbox (and so every cancellation) has been sent. */
  async function removed(id: string): Promise<boolean> {
    await svc.app.get(OutboxRelay).flush();
    return (await timers.getJob(id)) === undefined;
  }

  const HOUR = 3600_000;

  it('incident deadline: old reminder, due and escalation jobs run; old delayed ones are cancelled', async () => {
    const res = await svc
      .http()
      .post('/api/v1/incidents')
      .set(bearer(op.commander.token))
      .send(incidentInput({ grade: 'II', detectedAt: new Date(Date.now() - 10 * 60_000).toISOString() }));
    expect(res.status).toBe(201);
    const inc = new IncidentDriver(svc, op, res.body.id);
    const id: string = res.body.id;
    await inc.completePhase('triage');
    await inc.send('commander', { type: 'CONFIRM', grade: 'II', crimeSuspected: false });
    await forgetNewJobs();
    const base = { incidentId: id, timer: 'initial-report', generation: 1 };

    await oldJob('deadline-reminder', `dl.${id}.initial-report.1.r50`, { ...base, fraction: 0.5 });
    expect(await ran(`dl.${id}.initial-report.1.r50`)).toBe('applied');
    await oldJob('deadline-reminder', `dl.${id}.initial-report.1.r80`, { ...base, fraction: 0.8 }, HOUR);
    await oldJob('deadline-due', `dl.${id}.initial-report.1.due`, base);
    expect(await ran(`dl.${id}.initial-report.1.due`)).toBe('applied');
    expect((await inc.get()).deadlines[0]).toMatchObject({ status: 'missed', escalationLevel: 1 });

    await forgetNewJobs();
    await oldJob('deadline-escalate', `dl.${id}.initial-report.1.esc2`, { ...base, level: 2 });
    expect(await ran(`dl.${id}.initial-report.1.esc2`)).toBe('escalated');
    expect((await inc.get()).deadlines[0]).toMatchObject({ escalationLevel: 2 });
    const timeline = await svc
      .http()
      .get(`/api/v1/incidents/${id}/timeline`)
      .set(bearer(op.commander.token))
      .expect(200);
    const actions = (timeline.body as Array<{ action: string; payload: string }>).map((e) => e.action);
    expect(actions.filter((a) => /DEADLINE_|deadline\.escalated/.test(a))).toEqual([
      'incident.event.DEADLINE_REMINDER',
      'incident.event.DEADLINE_MISSED',
      'deadline.escalated',
      'deadline.escalated',
    ]);

    await forgetNewJobs();
    await oldJob('deadline-escalate', `dl.${id}.initial-report.1.esc3`, { ...base, level: 3 }, HOUR);
    await oldJob('deadline-reminder', `dl.${id}.initial-report.1.r80`, { ...base, fraction: 0.8 }, HOUR);
    await svc
      .http()
      .post(`/api/v1/incidents/${id}/deadlines/initial-report/acknowledge`)
      .set(bearer(op.leader.token))
      .expect(200);
    expect(await removed(`dl.${id}.initial-report.1.esc3`)).toBe(true);
    // Acknowledging stops the escalation only; the late report stops the whole clock.
    expect(await removed(`dl.${id}.initial-report.1.r80`)).toBe(false);
    await inc.send('liaison', { type: 'INITIAL_REPORT_SUBMITTED', partial: false, reportReference: 'late-1' });
    expect(await removed(`dl.${id}.initial-report.1.r80`)).toBe(true);
  });

  it('report acknowledgement and onward clocks: old jobs run; old delayed ones are cancelled', async () => {
    const res = await svc
      .http()
      .post('/api/v1/incidents')
      .set(bearer(op.commander.token))
      .send(incidentInput({ grade: 'II' }));
    const inc = new IncidentDriver(svc, op, res.body.id);
    await inc.completePhase('triage');
    await inc.send('commander', { type: 'CONFIRM', grade: 'II', crimeSuspected: false });
    const draft = await svc
      .http()
      .post(`/api/v1/incidents/${inc.id}/reports`)
      .set(bearer(op.liaison.token))
      .send({ kind: 'initial' });
    const reportId: string = draft.body.id;
    const fields = Object.fromEntries((draft.body.missingFields as string[]).map((c) => [c, `${c} 的内容`]));
    await svc.http().patch(`/api/v1/reports/${reportId}`).set(bearer(op.liaison.token)).send({ fields }).expect(200);
    await svc.http().post(`/api/v1/reports/${reportId}/approve`).set(bearer(op.commander.token)).expect(200);
    const sub = await svc
      .http()
      .post(`/api/v1/reports/${reportId}/submit`)
      .set(bearer(op.liaison.token))
      .send({ outOfBand: [{ recipientKind: 'public-security', recipientName: '市公安局网安支队', means: 'fax' }] })
      .expect(200);
    const d: string = (sub.body.deliveries as Array<{ id: string; channel: string }>).find(
      (x) => x.channel === 'inbox',
    )!.id;
    const delivery = async () =>
      (
        await sql<{ ack_escalation_level: number; onward_status: string; onward_escalation_level: number }>(
          db.manager,
          'SELECT ack_escalation_level, onward_status, onward_escalation_level, onward_reminded ' +
            'FROM report_delivery WHERE id = ?',
          [d],
        )
      )[0];
    await forgetNewJobs();

    await oldJob('report-ack-due', `rpt.${d}.ack`, { deliveryId: d });
    expect(await ran(`rpt.${d}.ack`)).toBe('escalated');
    await forgetNewJobs();
    await oldJob('report-ack-escalate', `rpt.${d}.ack.esc.2`, { deliveryId: d, level: 2 });
    expect(await ran(`rpt.${d}.ack.esc.2`)).toBe('escalated');
    expect(Number((await delivery()).ack_escalation_level)).toBe(2);
    await forgetNewJobs();
    await oldJob('report-ack-escalate', `rpt.${d}.ack.esc.3`, { deliveryId: d, level: 3 }, HOUR);
    await svc
      .http()
      .post(`/api/v1/inbox/reports/${reportId}/acknowledge`)
      .set(bearer(dept['department-officer'].token))
      .send({})
      .expect(200);
    expect(await removed(`rpt.${d}.ack.esc.3`)).toBe(true);

    await oldJob('report-onward-reminder', `rpt.${d}.onw.r50`, { deliveryId: d, fraction: 0.5 });
    expect(await ran(`rpt.${d}.onw.r50`)).toBe('reminded');
    await oldJob('report-onward-reminder', `rpt.${d}.onw.r80`, { deliveryId: d, fraction: 0.8 }, HOUR);
    await oldJob('report-onward-due', `rpt.${d}.onw.due`, { deliveryId: d });
    expect(await ran(`rpt.${d}.onw.due`)).toBe('missed');
    expect(await ran(`rpt.${d}.onw.esc.1`)).toBe('escalated');
    await forgetNewJobs();
    await oldJob('report-onward-escalate', `rpt.${d}.onw.esc.2`, { deliveryId: d, level: 2 });
    expect(await ran(`rpt.${d}.onw.esc.2`)).toBe('escalated');
    expect(await delivery()).toMatchObject({ onward_status: 'missed', onward_reminded: '[50]' });
    expect(Number((await delivery()).onward_escalation_level)).toBe(2);
    await oldJob('report-onward-reminder', `rpt.${d}.onw.r80`, { deliveryId: d, fraction: 0.8 }, HOUR);
    await svc
      .http()
      .post(`/api/v1/inbox/reports/${reportId}/forward`)
      .set(bearer(dept['department-officer'].token))
      .send({ reference: 'CAC-1' })
      .expect(200);
    expect(await removed(`rpt.${d}.onw.r80`)).toBe(true);
  });

  it('warning feedback clock: old jobs run; old delayed ones are cancelled', async () => {
    const res = await svc
      .http()
      .post('/api/v1/warnings')
      .set(bearer(dept['department-officer'].token))
      .send({
        title: '针对证券交易系统的勒索软件攻击活动预警',
        level: 'orange',
        threatDescription: 'A ransomware group exploits an unpatched VPN appliance.',
        recommendedActions: ['Patch the VPN appliance'],
        indicators: [{ type: 'ipv4-addr', value: '203.0.113.7' }],
        operatorIds: [opOrgId],
        feedbackWithin: 'PT2H',
      })
      .expect(202);
    const w: string = res.body.id;
    await fannedOut(svc.http, w, dept['department-officer'].token);
    const base = { warningId: w, operatorOrgId: opOrgId, timer: 'warning-feedback', generation: 1 };
    const id = (what: string) => `wf.${w}.${opOrgId}.warning-feedback.1.${what}`;
    const target = async () =>
      (await svc.http().get(`/api/v1/warnings/${w}`).set(bearer(op.commander.token)).expect(200)).body;
    await forgetNewJobs();

    await oldJob('warning-feedback-reminder', id('r50'), { ...base, fraction: 0.5 });
    expect(await ran(id('r50'))).toBe('applied');
    await oldJob('warning-feedback-due', id('due'), base);
    expect(await ran(id('due'))).toBe('applied');
    expect(await ran(id('esc1'))).toBe('escalated');
    await forgetNewJobs();
    await oldJob('warning-feedback-escalate', id('esc2'), { ...base, level: 2 });
    expect(await ran(id('esc2'))).toBe('escalated');
    expect((await target()).deadline).toMatchObject({ status: 'missed', escalationLevel: 2 });

    await forgetNewJobs();
    await oldJob('warning-feedback-escalate', id('esc3'), { ...base, level: 3 }, HOUR);
    await oldJob('warning-feedback-reminder', id('r80'), { ...base, fraction: 0.8 }, HOUR);
    const send = (role: string, body: Record<string, unknown>) =>
      svc.http().post(`/api/v1/warnings/${w}/events`).set(bearer(op[role].token)).send(body).expect(200);
    await send('responder', { type: 'START_ASSESSMENT' });
    await send('commander', { type: 'ASSESSED', applicable: false, note: 'not our appliance' });
    await send('liaison', { type: 'FEEDBACK_SENT', feedback: 'not applicable' });
    expect(await removed(id('esc3'))).toBe(true);
    expect(await removed(id('r80'))).toBe(true);
  });
});
