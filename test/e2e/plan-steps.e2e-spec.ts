import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QUEUES } from '../../src/queues/queue-names';
import { bearer, createOrg, incidentInput, startTestService, type TestService } from '../support/harness';
import { IncidentDriver, type StepJson, type Tokens } from '../support/incident-driver';
import { waitFor } from '../support/wait';
import { json, type Receiver, startReceiver } from '../unit/notifications/support/http-receiver';

interface PlanActionJson {
  stepId: string;
  kind: string;
  status: string;
  startedAt: string | null;
  doneAt: string | null;
  approval?: { role: string; dueAt: string | null; escalationLevel: number; decisions: Array<{ decision: string }> };
  provider?: { name: string | null; report: { reference: string; evidence: string[] } | null };
}

/**
 * An organisation's plan with the step kinds beyond a checklist item (issue 18), on the real app with real
 * SQLite, Redis, BullMQ timers and a webhook receiver on loopback: an approval blocks its phase until the
 * named role approves and escalates through the clocks module when undecided; a notification step is
 * delivered once to the chosen channel and role; a service provider's report is recorded with evidence;
 * the plan goes to CACAO and back.
 */
describe('plan step kinds: approval, notification, service provider', () => {
  jest.setTimeout(120_000);
  let svc: TestService;
  let rx: Receiver;
  let tokens: Tokens;
  let other: Tokens;
  let providerId: string;
  let planId: string;
  let inc: IncidentDriver;

  beforeAll(async () => {
    rx = await startReceiver((_req, res) => json(res, 200, { ok: true }));
    svc = await startTestService({
      env: { EGRESS_ALLOW: '127.0.0.1', NOTIFY_BACKOFF_MS: '100', ESCALATION_STEP_DELAY: 'PT1S' },
    });
    tokens = (
      await createOrg(svc, { name: '某证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
        'admin',
        'leader',
        'commander',
        'responder',
        'liaison',
      ])
    ).tokens;
    other = (
      await createOrg(svc, { name: '另一证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
        'admin',
        'leader',
      ])
    ).tokens;
  });
  afterAll(async () => {
    await svc?.close();
    await rx?.close();
  });

  const as = (role: string, t: Tokens = tokens) => bearer(t[role]!.token);
  const timers = () => svc.app.get<Queue>(getQueueToken(QUEUES.timers), { strict: false });
  const hits = (path: string) => rx.requests.filter((r) => new URL(r.url, 'http://x').pathname === path);
  const actionsOf = async (): Promise<PlanActionJson[]> => (await inc.get()).planActions;
  const action = async (stepId: string) => (await actionsOf()).find((a) => a.stepId === stepId)!;
  async function timeline(): Promise<Array<{ action: string; payload: string }>> {
    const res = await svc.http().get(`/api/v1/incidents/${inc.id}/timeline`).set(as('commander')).expect(200);
    return res.body;
  }
  /** Lets a queued timer job's time come now (as the clock tests do), instead of waiting hours. */
  async function fallDue(jobId: string) {
    const job = await waitFor(`job ${jobId}`, async () => timers().getJob(jobId));
    await job.promote();
  }

  it('the plan holds the three kinds, validated with field-named errors and model-checked', async () => {
    for (const [name, roles, path] of [
      ['leader on webhook', ['leader'], '/leader'],
      ['admin on webhook', ['admin'], '/admin'],
    ] as const) {
      const res = await svc
        .http()
        .post('/api/v1/notification-subscriptions')
        .set(as('admin'))
        .send({
          name,
          channel: 'webhook',
          config: { url: `${rx.baseUrl}${path}` },
          secret: 'whsec-plan-steps-e2e',
          events: ['escalation'],
          roles,
        });
      if (res.status !== 201) throw new Error(res.text);
    }
    const provider = await svc
      .http()
      .post('/api/v1/service-providers')
      .set(as('admin'))
      .send({ name: '某运维服务有限公司', services: ['operations'], contactName: '王工', reportingClause: true })
      .expect(201);
    providerId = provider.body.id;
    const created = await svc
      .http()
      .post('/api/v1/plans')
      .set(as('leader'))
      .send({ fromDefault: 'ransomware' })
      .expect(201);
    planId = created.body.id;
    const document = created.body.document;
    const base = { guidance: { zh: '', en: '' }, evidence: [], requirements: [] };
    document.steps.push(
      {
        ...base,
        id: 'approve-isolation',
        phase: 'containment',
        title: { zh: '批准隔离核心交易系统', en: 'Approve isolating the trading core' },
        roles: ['leader'],
        mandatory: true,
        approval: { role: 'leader', timeout: 'PT2H' },
      },
      {
        ...base,
        id: 'tell-leader',
        phase: 'containment',
        title: { zh: '通知分管领导', en: 'Tell the leader' },
        roles: ['commander'],
        mandatory: false,
        notify: { role: 'leader', channel: 'webhook' },
      },
      {
        ...base,
        id: 'provider-report',
        phase: 'containment',
        title: { zh: '运维服务商报告', en: "The operations provider's report" },
        roles: ['commander'],
        mandatory: true,
        provider: { providerId },
      },
    );
    // A malformed kind: 400 naming the field.
    const bad = structuredClone(document);
    bad.steps.at(-3).approval.timeout = 'two hours';
    bad.steps.at(-1).provider.providerId = '0b6f1c3e-8a8f-4c3b-9f57-1d2e3f4a5b6c';
    const refused = await svc.http().put(`/api/v1/plans/${planId}`).set(as('leader')).send({ document: bad });
    expect(refused.status).toBe(400);
    expect(refused.body.details.map((d: { field: string }) => d.field)).toEqual([
      `document.steps[${bad.steps.length - 3}].approval.timeout`,
    ]);
    // A provider of no register of ours.
    bad.steps.at(-3).approval.timeout = 'PT2H';
    const unknown = await svc.http().put(`/api/v1/plans/${planId}`).set(as('leader')).send({ document: bad });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details[0].field).toMatch(/^document\.steps\[\d+\]\.provider\.providerId$/);
    // An approval only a viewer decides fails the model check.
    const viewerOnly = structuredClone(document);
    Object.assign(viewerOnly.steps.at(-3), { roles: ['viewer'], approval: { role: 'viewer', timeout: 'PT2H' } });
    const unchecked = await svc.http().put(`/api/v1/plans/${planId}`).set(as('leader')).send({ document: viewerOnly });
    expect(unchecked.status).toBe(422);
    expect(unchecked.body.failures.flatMap((f: { steps: string[] }) => f.steps)).toContain('approve-isolation');

    const saved = await svc.http().put(`/api/v1/plans/${planId}`).set(as('leader')).send({ document }).expect(200);
    expect(saved.body.latestVersion).toBe(2);
    const diff = await svc.http().get(`/api/v1/plans/${planId}/versions/1/diff/2`).set(as('leader')).expect(200);
    expect(diff.body.stepsAdded.map((s: { id: string }) => s.id)).toEqual([
      'approve-isolation',
      'tell-leader',
      'provider-report',
    ]);
    await svc.http().post(`/api/v1/plans/${planId}/activation`).set(as('leader')).send({ active: true }).expect(200);
  });

  it('reaching containment asks for the approval, notifies the leader once, asks the provider', async () => {
    const res = await svc
      .http()
      .post('/api/v1/incidents')
      .set(as('commander'))
      .send(incidentInput({ grade: 'II' }));
    expect(res.status).toBe(201);
    inc = new IncidentDriver(svc, tokens, res.body.id);
    expect(res.body.planActions.map((a: PlanActionJson) => [a.stepId, a.status])).toEqual([
      ['approve-isolation', 'waiting'],
      ['tell-leader', 'waiting'],
      ['provider-report', 'waiting'],
    ]);
    // Not a checklist item: nobody completes a notification.
    expect(res.body.steps.map((s: StepJson) => s.id)).not.toContain('tell-leader');
    // Not decidable before its phase.
    await svc
      .http()
      .post(`/api/v1/incidents/${inc.id}/steps/approve-isolation/approval`)
      .set(as('leader'))
      .send({ decision: 'approve', reason: 'early' })
      .expect(409);
    await inc.completePhase('triage');
    await inc.send('commander', { type: 'CONFIRM', grade: 'II' });

    const started = await actionsOf();
    expect(started.map((a) => [a.stepId, a.status])).toEqual([
      ['approve-isolation', 'pending'],
      ['tell-leader', 'sent'],
      ['provider-report', 'requested'],
    ]);
    const approval = started[0]!.approval!;
    expect(Date.parse(approval.dueAt!) - Date.parse(started[0]!.startedAt!)).toBe(2 * 3600_000);
    expect(started[2]!.provider!.name).toBe('某运维服务有限公司');

    const delivered = await waitFor('the leader is told', async () =>
      hits('/leader').length ? hits('/leader') : undefined,
    );
    const body = JSON.parse(delivered[0]!.rawBody.toString('utf8'));
    expect(body.event).toBe('plan.notification');
    expect(body.data).toMatchObject({ stepId: 'tell-leader', incidentId: inc.id });
    const actions = (await timeline()).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'incident.approval-requested',
        'incident.step-notification-sent',
        'incident.provider-report-requested',
      ]),
    );
  });

  it('the approval blocks its phase until the named role approves; a rejection is recorded', async () => {
    // The other mandatory containment steps, done as checklist items.
    const incident = await inc.get();
    for (const s of (incident.steps as StepJson[]).filter(
      (x) => x.phase === 'containment' && x.mandatory && !['approve-isolation', 'provider-report'].includes(x.id),
    )) {
      const res = await inc.completeStep(s.roles.includes('commander') ? 'commander' : s.roles[0]!, s.id, {});
      if (res.status !== 200) throw new Error(`${s.id}: ${res.status} ${res.text}`);
    }

    const held = await inc.event('commander', { type: 'ADVANCE' });
    expect(held.status).toBe(409);
    expect(held.body.openMandatorySteps.map((s: { id: string }) => s.id)).toEqual([
      'approve-isolation',
      'provider-report',
    ]);
    // Not as a checklist item.
    const plain = await inc.completeStep('leader', 'approve-isolation', {});
    expect(plain.status).toBe(409);
    expect(plain.body.code).toBe('use-approval');

    const decide = (role: string, body: Record<string, unknown>) =>
      svc.http().post(`/api/v1/incidents/${inc.id}/steps/approve-isolation/approval`).set(as(role)).send(body);
    expect((await decide('commander', { decision: 'approve', reason: 'mine to say' })).status).toBe(403);
    const noReason = await decide('leader', { decision: 'approve' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.details.map((d: { field: string }) => d.field)).toContain('reason');
    const blank = await decide('leader', { decision: 'approve', reason: '   ' });
    expect(blank.status).toBe(400);
    // Another organisation's leader does not even see it.
    const foreign = await svc
      .http()
      .post(`/api/v1/incidents/${inc.id}/steps/approve-isolation/approval`)
      .set(as('leader', other))
      .send({ decision: 'approve', reason: 'not ours' });
    expect(foreign.status).toBe(404);

    const stale = await decide('leader', { decision: 'reject', reason: 'stale', expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBeGreaterThan(1);
    const rejected = await decide('leader', { decision: 'reject', reason: '先确认备用系统已切换' });
    expect(rejected.status).toBe(200);
    const r = rejected.body.planActions.find((a: PlanActionJson) => a.stepId === 'approve-isolation');
    expect(r.status).toBe('rejected');
    expect(r.approval.decisions).toMatchObject([
      { decision: 'reject', reason: '先确认备用系统已切换', role: 'leader' },
    ]);
    expect((await inc.event('commander', { type: 'ADVANCE' })).status).toBe(409);

    const approved = await decide('leader', { decision: 'approve', reason: '备用系统已切换，同意隔离' });
    expect(approved.status).toBe(200);
    const a = approved.body.planActions.find((x: PlanActionJson) => x.stepId === 'approve-isolation');
    expect(a.status).toBe('approved');
    expect(a.approval.decisions.map((d: { decision: string }) => d.decision)).toEqual(['reject', 'approve']);
    expect(approved.body.steps.find((s: StepJson) => s.id === 'approve-isolation').status).toBe('done');
    expect((await decide('leader', { decision: 'approve', reason: 'again' })).status).toBe(409);
    const audit = (await timeline()).map((e) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['incident.approval-rejected', 'incident.approval-approved']));
  });

  it("records the provider's report with evidence, which completes its step; then the phase advances", async () => {
    const report = (role: string, body: Record<string, unknown>) =>
      svc.http().post(`/api/v1/incidents/${inc.id}/steps/provider-report/provider-report`).set(as(role)).send(body);
    const noEvidence = await report('commander', { reference: 'SP-2026-031' });
    expect(noEvidence.status).toBe(400);
    expect(noEvidence.body.details.map((d: { field: string }) => d.field)).toContain('evidence');
    expect((await report('leader', { reference: 'SP-2026-031', evidence: ['sha256:abc'] })).status).toBe(403);
    const ok = await report('commander', {
      reference: 'SP-2026-031',
      note: '服务商确认运维通道未被利用',
      evidence: ['sha256:5e3f1a2b'],
    });
    expect(ok.status).toBe(200);
    const p = ok.body.planActions.find((x: PlanActionJson) => x.stepId === 'provider-report');
    expect(p.status).toBe('received');
    expect(p.provider.report).toMatchObject({ reference: 'SP-2026-031', evidence: ['sha256:5e3f1a2b'] });
    const step = ok.body.steps.find((s: StepJson) => s.id === 'provider-report');
    expect(step).toMatchObject({ status: 'done', evidence: ['sha256:5e3f1a2b'] });
    expect((await report('commander', { reference: 'again', evidence: ['x'] })).status).toBe(409);

    const advanced = await inc.send('commander', { type: 'ADVANCE' });
    expect(advanced.stateValue.response.handling).toBe('eradication');
    // The notification was sent once, whatever happened since.
    expect(
      hits('/leader').filter((h) => JSON.parse(h.rawBody.toString('utf8')).event === 'plan.notification'),
    ).toHaveLength(1);
    expect(hits('/admin')).toHaveLength(0);
  });

  it('an undecided approval escalates through the clocks (commander, leader, admin), visibly', async () => {
    const res = await svc
      .http()
      .post('/api/v1/incidents')
      .set(as('commander'))
      .send(incidentInput({ grade: 'II' }));
    inc = new IncidentDriver(svc, tokens, res.body.id);
    await inc.completePhase('triage');
    await inc.send('commander', { type: 'CONFIRM', grade: 'II' });
    expect((await action('approve-isolation')).status).toBe('pending');

    await fallDue(`apv.${inc.id}.approve-isolation.due`);
    const escalated = await waitFor(
      'three escalation steps',
      async () => {
        const t = (await timeline()).filter((e) => /approval-(overdue|escalated)/.test(e.action));
        return t.length === 3 ? t : undefined;
      },
      30_000,
    );
    expect(escalated.map((e) => e.action)).toEqual([
      'incident.approval-overdue',
      'incident.approval-escalated',
      'incident.approval-escalated',
    ]);
    expect(escalated.map((e) => JSON.parse(e.payload).role)).toEqual(['commander', 'leader', 'admin']);
    expect((await action('approve-isolation')).approval!.escalationLevel).toBe(3);
    // The escalation is told like any other: the subscriptions that serve each role.
    const escalations = async (path: string) =>
      hits(path).filter((h) => {
        const b = JSON.parse(h.rawBody.toString('utf8'));
        return b.event === 'escalation' && b.data.incidentId === inc.id;
      });
    await waitFor('the leader and the admin hear of it', async () =>
      (await escalations('/leader')).length === 1 && (await escalations('/admin')).length === 1 ? true : undefined,
    );
    // A decision ends it; still the phase's gate.
    const decided = await svc
      .http()
      .post(`/api/v1/incidents/${inc.id}/steps/approve-isolation/approval`)
      .set(as('leader'))
      .send({ decision: 'approve', reason: '同意' })
      .expect(200);
    expect(decided.body.planActions[0].status).toBe('approved');
  });

  it('exports to CACAO and imports back as the same plan; another organisation skips our provider', async () => {
    const pb = await svc.http().get(`/api/v1/plans/${planId}/versions/2/cacao`).set(as('leader')).expect(200);
    const plan = await svc.http().get(`/api/v1/plans/${planId}`).set(as('leader')).expect(200);
    const back = await svc
      .http()
      .post('/api/v1/plans/cacao-imports')
      .set(as('leader'))
      .send({ playbook: pb.body })
      .expect(201);
    expect(back.body.skipped).toEqual([]);
    expect(back.body.plan.document).toEqual(plan.body.document);

    const theirs = await svc
      .http()
      .post('/api/v1/plans/cacao-imports')
      .set(as('leader', other))
      .send({ playbook: pb.body })
      .expect(201);
    expect(theirs.body.skipped).toEqual([
      expect.objectContaining({ path: expect.stringMatching(/^\/workflow\/action--.+\/provider$/) }),
    ]);
    const step = theirs.body.plan.document.steps.find((s: { id: string }) => s.id === 'provider-report');
    expect(step.provider).toBeUndefined();
    const approval = theirs.body.plan.document.steps.find((s: { id: string }) => s.id === 'approve-isolation');
    expect(approval.approval).toEqual({ role: 'leader', timeout: 'PT2H' });
  });
});
