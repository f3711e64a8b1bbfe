import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QUEUES } from '../../src/queues/queue-names';
import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';
import { IncidentDriver, type Tokens } from '../support/incident-driver';
import { queueSettled, waitFor } from '../support/wait';

/**
 * Real BullMQ delayed jobs on a real redis-server: the rules give a CII operator one hour for the
 * initial report, so the incident is declared as discovered 59m54s ago and its deadline falls due
 * six seconds into the test. REMINDER_FRACTIONS and ESCALATION_STEP_DELAY shrink the product
 * defaults so the whole chain runs in seconds.
 */
describe('deadlines, reminders and escalation (real BullMQ timers)', () => {
  jest.setTimeout(60_000);
  let svc: TestService;
  let tokens: Tokens;

  beforeAll(async () => {
    svc = await startTestService({ env: { REMINDER_FRACTIONS: '0.999', ESCALATION_STEP_DELAY: 'PT1S' } });
    tokens = (
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

  async function confirmedIncident(secondsToDue: number) {
    const detectedAt = new Date(Date.now() - 3600_000 + secondsToDue * 1000).toISOString();
    const occurredAt = new Date(Date.parse(detectedAt) - 60_000).toISOString();
    const res = await svc
      .http()
      .post('/api/v1/incidents')
      .set(bearer(tokens.commander.token))
      .send(incidentInput({ grade: 'II', detectedAt, occurredAt }));
    expect(res.status).toBe(201);
    const inc = new IncidentDriver(svc, tokens, res.body.id);
    await inc.completePhase('triage');
    await inc.send('commander', { type: 'CONFIRM', grade: 'II' });
    return inc;
  }

  const timers = () => svc.app.get<Queue>(getQueueToken(QUEUES.timers), { strict: false });

  async function actions(id: string): Promise<Array<{ seq: number; action: string; payload: string; at: string }>> {
    const res = await svc
      .http()
      .get(`/api/v1/incidents/${id}/timeline`)
      .set(bearer(tokens.commander.token))
      .expect(200);
    return res.body;
  }

  it('fires the reminder, then the missed deadline, then escalates commander → leader → admin, once each', async () => {
    const inc = await confirmedIncident(6);
    const before = await inc.get();
    expect(before.deadlines[0]).toMatchObject({ timer: 'initial-report', status: 'pending', escalationLevel: 0 });

    const timeline = await waitFor(
      'three escalation steps',
      async () => {
        const t = await actions(inc.id);
        return t.filter((e) => e.action === 'deadline.escalated').length === 3 ? t : undefined;
      },
      30_000,
    );
    const relevant = timeline.map((e) => e.action).filter((a) => /DEADLINE|escalated/.test(a));
    expect(relevant).toEqual([
      'incident.event.DEADLINE_REMINDER',
      'incident.event.DEADLINE_MISSED',
      'deadline.escalated',
      'deadline.escalated',
      'deadline.escalated',
    ]);
    const roles = timeline.filter((e) => e.action === 'deadline.escalated').map((e) => JSON.parse(e.payload).role);
    expect(roles).toEqual(['commander', 'leader', 'admin']);
    // The first step is taken in the transaction that records the miss: the next audit entry, same instant.
    const missed = timeline.find((e) => e.action === 'incident.event.DEADLINE_MISSED')!;
    const first = timeline.find((e) => e.action === 'deadline.escalated')!;
    expect(first.seq).toBe(missed.seq + 1);
    const missedAt = new Date(timeline.find((e) => e.action === 'incident.event.DEADLINE_MISSED')!.at).getTime();
    expect(missedAt).toBeGreaterThanOrEqual(new Date(before.deadlines[0].dueAt).getTime());

    const after = await inc.get();
    expect(after.deadlines[0]).toMatchObject({ status: 'missed', escalationLevel: 3 });
    const dash = await svc.http().get('/api/v1/deadlines').set(bearer(tokens.leader.token)).expect(200);
    expect(dash.body.overdue.map((d: { incidentId: string }) => d.incidentId)).toContain(inc.id);

    // Nothing fires twice: once none of this incident's timer jobs can still run, count again.
    await queueSettled(timers(), `dl.${inc.id}.`);
    const again = (await actions(inc.id)).filter((e) => /DEADLINE|escalated/.test(e.action));
    expect(again).toHaveLength(5);

    // A late report still counts as a missed deadline, and takes it off the overdue list.
    await inc.send('liaison', { type: 'INITIAL_REPORT_SUBMITTED', partial: false, reportReference: 'late-1' });
    expect((await inc.get()).deadlines[0].status).toBe('missed');
    const dash2 = await svc.http().get('/api/v1/deadlines').set(bearer(tokens.leader.token)).expect(200);
    expect(dash2.body.overdue.map((d: { incidentId: string }) => d.incidentId)).not.toContain(inc.id);
  });

  it('acknowledging stops the escalation; a report in time cancels the timers', async () => {
    const late = await confirmedIncident(1);
    await waitFor(
      'first escalation',
      async () => ((await late.get()).deadlines[0].escalationLevel >= 1 ? true : undefined),
      20_000,
    );
    const ack = await svc
      .http()
      .post(`/api/v1/incidents/${late.id}/deadlines/initial-report/acknowledge`)
      .set(bearer(tokens.leader.token));
    expect(ack.status).toBe(200);
    const levelAtAck = (await late.get()).deadlines[0].escalationLevel;
    // The escalation jobs are gone (cancelled) or have run and done nothing.
    await queueSettled(timers(), `dl.${late.id}.`);
    expect((await late.get()).deadlines[0].escalationLevel).toBe(levelAtAck);
    expect(levelAtAck).toBeLessThan(3);

    const ontime = await confirmedIncident(4);
    await ontime.send('liaison', { type: 'INITIAL_REPORT_SUBMITTED', partial: true, reportReference: 'on-time' });
    // Every job of its deadline (reminder, due, escalations) is cancelled or has run.
    await queueSettled(timers(), `dl.${ontime.id}.`);
    const t = await actions(ontime.id);
    expect(t.map((e) => e.action)).not.toContain('incident.event.DEADLINE_MISSED');
    expect((await ontime.get()).deadlines[0]).toMatchObject({ status: 'met', escalationLevel: 0 });
  });

  it("a regrade starts a new generation; the old generation's timer changes nothing", async () => {
    const inc = await confirmedIncident(3);
    // Regrade to I: same one-hour rule for CII, new generation, old jobs cancelled.
    const body = await inc.send('commander', { type: 'REGRADE', grade: 'I', reason: 'wider impact' });
    expect(body.deadlines[0].generation).toBe(2);
    await waitFor(
      'missed on generation 2',
      async () => ((await inc.get()).deadlines[0].status === 'missed' ? true : undefined),
      15_000,
    );
    // Generation 1's jobs were cancelled; once no job of either generation can run, count the misses.
    await queueSettled(timers(), `dl.${inc.id}.`);
    const missed = (await actions(inc.id)).filter((e) => e.action === 'incident.event.DEADLINE_MISSED');
    expect(missed).toHaveLength(1);
    expect(JSON.parse(missed[0].payload).event.generation).toBe(2);
  });

  it('the dashboard answers `limit` deadlines by cursor; the timeline `limit` entries after `after`', async () => {
    // Three deadlines due in half an hour: all "due soon" within the default 60 minutes.
    const incidents = [await confirmedIncident(1800), await confirmedIncident(1800), await confirmedIncident(1800)];
    const mine = new Set(incidents.map((i) => i.id));
    const leader = bearer(tokens.leader.token);
    type Dash = {
      dueSoon: Array<{ incidentId: string; dueAt: string }>;
      overdue: unknown[];
      nextCursor: string | null;
    };
    const all: Dash = (await svc.http().get('/api/v1/deadlines?limit=1000').set(leader).expect(200)).body;
    expect(all.nextCursor).toBeNull();
    const whole = [...all.overdue, ...all.dueSoon].map((d) => JSON.stringify(d));
    expect(all.dueSoon.filter((d) => mine.has(d.incidentId))).toHaveLength(3);
    const paged: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: Dash } = await svc
        .http()
        .get(`/api/v1/deadlines?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .set(leader)
        .expect(200);
      expect(res.body.overdue.length + res.body.dueSoon.length).toBeLessThanOrEqual(2);
      paged.push(...[...res.body.overdue, ...res.body.dueSoon].map((d) => JSON.stringify(d)));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(paged).toEqual(whole);
    expect(pages).toBe(Math.ceil(whole.length / 2));
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['cursor=bogus', 'cursor'],
    ]) {
      const bad = await svc.http().get(`/api/v1/deadlines?${query}`).set(leader);
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].field).toBe(field);
    }

    const full = await actions(incidents[0]!.id);
    expect(full.length).toBeGreaterThan(3);
    const entries: Array<{ seq: number }> = [];
    for (let n = 0; n < 50; n++) {
      const after = entries.length ? `&after=${entries[entries.length - 1]!.seq}` : '';
      const page = await svc
        .http()
        .get(`/api/v1/incidents/${incidents[0]!.id}/timeline?limit=3${after}`)
        .set(bearer(tokens.commander.token))
        .expect(200);
      expect(page.body.length).toBeLessThanOrEqual(3);
      entries.push(...page.body);
      if (page.body.length < 3) break;
    }
    expect(entries).toEqual(full);
    const tooMany = await svc
      .http()
      .get(`/api/v1/incidents/${incidents[0]!.id}/timeline?limit=1001`)
      .set(bearer(tokens.commander.token));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.details[0].field).toBe('limit');
  });
});
