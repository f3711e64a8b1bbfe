import { createHash } from 'node:crypto';
import { createMachine } from 'xstate';
import { describeWorkflow, earlyWarningMachineV1, incidentMachineV1, incidentMachineV2 } from '../../workflows';
import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';
import { IncidentDriver, type StepJson, type Tokens } from '../support/incident-driver';

describe('incident workflow through HTTP (real SQLite, real Redis, real workflow engine)', () => {
  let svc: TestService;
  let tokens: Tokens;
  let otherTokens: Tokens;
  let orgId: string;

  beforeAll(async () => {
    svc = await startTestService();
    const op = await createOrg(svc, { name: '某证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
      'commander',
      'responder',
      'liaison',
      'leader',
      'viewer',
      'admin',
    ]);
    tokens = op.tokens;
    orgId = op.orgId;
    const other = await createOrg(
      svc,
      { name: 'Other operator', kind: 'operator', sector: 'finance', operatorKind: 'other' },
      ['commander'],
    );
    otherTokens = other.tokens;
  });
  afterAll(async () => svc?.close());

  async function declare(overrides: Record<string, unknown> = {}) {
    const res = await svc
      .http()
      .post('/api/v1/incidents')
      .set(bearer(tokens.commander.token))
      .send(incidentInput(overrides));
    expect(res.status).toBe(201);
    return new IncidentDriver(svc, tokens, res.body.id);
  }

  it('runs a grade-II ransomware incident from declaration to closed, every step by an allowed role', async () => {
    const detectedAt = new Date(Date.now() - 5 * 60_000).toISOString();
    const inc = await declare({ grade: 'II', category: 'ransomware', detectedAt });
    let body = await inc.get();
    expect(body).toMatchObject({ state: 'triage', version: 1, workflow: { id: 'incident', version: 3 } });
    expect(body.steps.length).toBeGreaterThan(8);
    expect(body.steps.every((s: StepJson & { requirements: string[] }) => s.requirements.length > 0)).toBe(true);
    expect(body.allowedEvents).toEqual(expect.arrayContaining(['DISMISS']));
    // Steps have their own endpoints; allowedEvents lists what POST /events accepts.
    expect(body.allowedEvents).not.toContain('COMPLETE_STEP');
    expect(body.allowedEvents).not.toContain('CONFIRM'); // triage steps still open

    await inc.completePhase('triage');
    // The commander suspects a crime (NCIRM-2025 Art. 4): a report to public security is owed as well.
    body = await inc.send('commander', { type: 'CONFIRM', grade: 'II', crimeSuspected: true });
    expect(body.state).toBe('response');
    expect(body.stateValue).toEqual({
      response: { handling: 'containment', reporting: 'initialDue', police: 'reportDue' },
    });
    const police = body.deadlines.find((d: { timer: string }) => d.timer === 'police-report');
    expect(police).toMatchObject({ status: 'pending', ruleId: 'RR-police' });
    expect(new Date(police.dueAt).getTime() - new Date(police.clockStartedAt).getTime()).toBe(24 * 3600_000);
    const initial = body.deadlines.find((d: { timer: string }) => d.timer === 'initial-report');
    // CII operator, grade II: the rules give one hour from discovery (not from data entry).
    expect(initial).toMatchObject({
      status: 'pending',
      ruleId: expect.any(String),
      clockStartedAt: new Date(detectedAt).toISOString(),
    });
    expect(new Date(initial.dueAt).getTime() - new Date(detectedAt).getTime()).toBe(3600_000);

    body = await inc.send('liaison', {
      type: 'INITIAL_REPORT_SUBMITTED',
      partial: true,
      reportReference: 'PD-2026-0001',
    });
    expect(body.stateValue.response.reporting).toBe('initialPartial');
    expect(body.deadlines.find((d: { timer: string }) => d.timer === 'initial-report').status).toBe('met');
    await inc.send('liaison', { type: 'INITIAL_REPORT_SUBMITTED', partial: false, reportReference: 'PD-2026-0002' });

    for (const [phase, next] of [
      ['containment', 'eradication'],
      ['eradication', 'recovery'],
      ['recovery', 'done'],
    ] as const) {
      await inc.completePhase(phase);
      body = await inc.send('commander', { type: 'ADVANCE' });
      expect(body.stateValue.response.handling).toBe(next);
    }
    expect(body.stateValue.response.reporting).toBe('finalDue');
    expect(body.deadlines.find((d: { timer: string }) => d.timer === 'final-report')).toMatchObject({
      status: 'pending',
      dueAt: expect.any(String),
    });
    // The review cannot start before the final report is in.
    expect(body.state).toBe('response');

    body = await inc.send('liaison', { type: 'FINAL_REPORT_SUBMITTED', reportReference: 'PD-2026-0003' });
    // Still open: the police report has not been made.
    expect(body.stateValue.response).toEqual({ handling: 'done', reporting: 'finalSubmitted', police: 'reportDue' });
    expect((await inc.event('commander', { type: 'POLICE_REPORT_FILED', reference: '' })).status).toBe(400);
    body = await inc.send('liaison', { type: 'POLICE_REPORT_FILED', reference: '沪公网安受字〔2026〕101号' });
    expect(body.state).toBe('review');
    expect(body.deadlines.find((d: { timer: string }) => d.timer === 'police-report').status).toBe('met');
    await inc.completePhase('review');
    body = await inc.send('leader', { type: 'REVIEW_COMPLETED' });
    expect(body.state).toBe('reidentification');
    await inc.completePhase('reidentification');
    body = await inc.send('commander', { type: 'REIDENTIFICATION_COMPLETED' });
    expect(body.state).toBe('closed');
    expect(body.allowedEvents).toEqual([]);

    const late = await inc.event('commander', { type: 'ADVANCE' });
    expect(late.status).toBe(409);
    expect(late.body.allowedEvents).toEqual([]);

    const timeline = await svc
      .http()
      .get(`/api/v1/incidents/${inc.id}/timeline`)
      .set(bearer(tokens.viewer.token))
      .expect(200);
    const actions = timeline.body.map((e: { action: string }) => e.action);
    expect(actions[0]).toBe('incident.declared');
    expect(actions).toContain('incident.event.CONFIRM');
    expect(actions[actions.length - 1]).toBe('incident.event.REIDENTIFICATION_COMPLETED');
    expect(timeline.body.length).toBe(body.version);
    // Each entry as appended, although hash version 3 stores neither its organisation, its payload's digest
    // nor its previous hash: the digest is the payload's, and each previous hash is the hash of the entry
    // before it in the chain (the incident's entries follow one another there: one user, one at a time).
    type Entry = { hashVersion: number; chain: string; chainSeq: number; orgId: string; payload: string };
    const entries = timeline.body as Array<Entry & { payloadDigest: string; prevHash: string; hash: string }>;
    expect(entries.every((e) => e.hashVersion === 3 && e.orgId === e.chain && e.chain === orgId)).toBe(true);
    expect(entries.map((e) => e.payloadDigest)).toEqual(
      entries.map((e) => createHash('sha256').update(e.payload).digest('hex')),
    );
    const followers = entries.slice(1).filter((e, i) => e.chainSeq === entries[i]!.chainSeq + 1);
    expect(followers.length).toBeGreaterThan(5);
    for (const e of followers) expect(e.prevHash).toBe(entries.find((x) => x.chainSeq === e.chainSeq - 1)!.hash);
    expect(entries.every((e) => /^[0-9a-f]{64}$/.test(e.prevHash))).toBe(true);

    const compliance = await svc
      .http()
      .get(`/api/v1/incidents/${inc.id}/compliance`)
      .set(bearer(tokens.viewer.token))
      .expect(200);
    const evidenced = compliance.body.evidenced.map((r: { requirementId: string }) => r.requirementId);
    expect(evidenced).toEqual(expect.arrayContaining(['GBT39204-11.3-c', 'GBT39204-11.3-d', 'GBT39204-11.4-a']));

    const verify = await svc.http().get('/api/v1/audit/verify').set(bearer(svc.adminToken)).expect(200);
    expect(verify.body.ok).toBe(true);
  });

  it('dismisses a false positive from triage', async () => {
    const inc = await declare({ grade: 'IV', category: 'ddos' });
    const body = await inc.send('commander', { type: 'DISMISS', reason: 'Load test by the network team' });
    expect(body).toMatchObject({
      state: 'dismissed',
      dismissReason: 'Load test by the network team',
      allowedEvents: [],
    });
  });

  it('409 with the allowed events for an event not accepted now', async () => {
    const inc = await declare();
    const res = await inc.event('commander', { type: 'ADVANCE' });
    expect(res.status).toBe(409);
    expect(res.body.allowedEvents).toEqual(expect.arrayContaining(['DISMISS']));
    expect(res.body.allowedEvents).not.toContain('COMPLETE_STEP');
    expect(res.body.allowedEvents).not.toContain('ADVANCE');
  });

  it('403 when the role may not send the event; 400 for a malformed payload; 404 across organisations', async () => {
    const inc = await declare();
    expect((await inc.event('responder', { type: 'DISMISS', reason: 'x' })).status).toBe(403);
    expect((await inc.event('viewer', { type: 'CONFIRM', grade: 'II' })).status).toBe(403);
    const timer = await inc.event('commander', { type: 'DEADLINE_MISSED', timer: 'initial-report', generation: 1 });
    expect(timer.status).toBe(400);
    expect(timer.body.details[0].field).toBe('type');
    for (const [body, field] of [
      [{ type: 'CONFIRM', grade: 'V' }, 'grade'],
      [{ type: 'CONFIRM' }, 'grade'],
      [{ type: 'DISMISS' }, 'reason'],
      [{ type: 'DISMISS', reason: 'x', extra: 1 }, 'extra'],
      [{ type: 'NO_SUCH_EVENT' }, 'type'],
      [{ grade: 'II' }, 'type'],
      [{ type: 'CONFIRM', grade: 'II', expectedVersion: 'one' }, 'expectedVersion'],
    ] as const) {
      const res = await inc.event('commander', body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const other = await svc
      .http()
      .post(`/api/v1/incidents/${inc.id}/events`)
      .set(bearer(otherTokens.commander.token))
      .send({ type: 'DISMISS', reason: 'x' });
    expect(other.status).toBe(404);
    const steps = (await inc.get()).steps as StepJson[];
    const commanderOnly = steps.find((s) => !s.roles.includes('responder'))!;
    expect((await inc.completeStep('responder', commanderOnly.id)).status).toBe(403);
    expect((await inc.completeStep('commander', 'no-such-step')).status).toBe(404);
    const future = steps.find((s) => s.phase === 'recovery')!;
    const role = future.roles.find((r) => tokens[r])!;
    const early = await inc.completeStep(role, future.id);
    expect(early.status).toBe(409);
  });

  it('409 on a stale expectedVersion', async () => {
    const inc = await declare();
    const v = (await inc.get()).version;
    const step = ((await inc.get()).steps as StepJson[]).find(
      (s) => s.phase === 'triage' && s.roles.includes('commander'),
    )!;
    const ok = await inc.completeStep('commander', step.id, { expectedVersion: v });
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(v + 1);
    const stale = await inc.event('commander', { type: 'DISMISS', reason: 'dup', expectedVersion: v });
    expect(stale.status).toBe(409);
    expect(stale.body.currentVersion).toBe(v + 1);
    expect((await inc.get()).state).toBe('triage');
  });

  it('answers a change with only its outcome under Prefer: return=minimal, and says so', async () => {
    const inc = await declare({ grade: 'III', category: 'ddos' });
    const before = await inc.get();
    const step = (before.steps as StepJson[]).find((s) => s.phase === 'triage' && s.roles.includes('commander'))!;
    const done = await svc
      .http()
      .post(`/api/v1/incidents/${inc.id}/steps/${step.id}/complete`)
      .set(bearer(tokens.commander.token))
      .set('Prefer', 'respond-async, return=minimal')
      .send({ note: 'checked' });
    expect(done.status).toBe(200);
    expect(done.headers['preference-applied']).toBe('return=minimal');
    expect(done.body).toEqual({
      id: inc.id,
      reference: before.reference,
      drill: false,
      grade: 'III',
      state: 'triage',
      stateValue: 'triage',
      version: before.version + 1,
      allowedEvents: expect.arrayContaining(['DISMISS', 'REGRADE']),
      updatedAt: expect.any(String),
    });
    const regraded = await svc
      .http()
      .post(`/api/v1/incidents/${inc.id}/events`)
      .set(bearer(tokens.commander.token))
      .set('Prefer', 'RETURN="minimal"')
      .send({ type: 'REGRADE', grade: 'IV', reason: 'smaller than feared', expectedVersion: done.body.version });
    expect(regraded.status).toBe(200);
    expect(regraded.body).toMatchObject({ grade: 'IV', version: done.body.version + 1 });
    expect(regraded.body.steps).toBeUndefined();
    // The change is the same either way: the full view shows it.
    const after = await inc.get();
    expect(after).toMatchObject({ grade: 'IV', version: regraded.body.version });
    expect(after.steps.find((s: StepJson) => s.id === step.id).status).toBe('done');
    // Without the preference, or with another one, the whole incident comes back and no preference is claimed.
    const full = await svc
      .http()
      .post(`/api/v1/incidents/${inc.id}/events`)
      .set(bearer(tokens.commander.token))
      .set('Prefer', 'return=representation')
      .send({ type: 'REGRADE', grade: 'III', reason: 'back' });
    expect(full.status).toBe(200);
    // The whole incident goes out through Nest's response handling: JSON, in UTF-8, with its length.
    expect(full.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(full.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(full.body)));
    expect(full.headers['preference-applied']).toBeUndefined();
    expect(full.body.steps.length).toBe(after.steps.length);
    // An error answer never claims the preference.
    const refused = await svc
      .http()
      .post(`/api/v1/incidents/${inc.id}/events`)
      .set(bearer(tokens.commander.token))
      .set('Prefer', 'return=minimal')
      .send({ type: 'ADVANCE' });
    expect(refused.status).toBe(409);
    expect(refused.headers['preference-applied']).toBeUndefined();
    expect(refused.body.allowedEvents).toEqual(expect.arrayContaining(['DISMISS']));
  });

  it(
    'two concurrent events on one incident: exactly one wins, the audit ' + 'chain has exactly one entry for it',
    async () => {
      const inc = await declare();
      const v = (await inc.get()).version;
      const [a, b] = await Promise.all([
        inc.event('commander', { type: 'DISMISS', reason: 'first', expectedVersion: v }),
        inc.event('commander', { type: 'DISMISS', reason: 'second', expectedVersion: v }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const winner = a.status === 200 ? 'first' : 'second';
      const body = await inc.get();
      expect(body).toMatchObject({ state: 'dismissed', dismissReason: winner, version: v + 1 });
      const timeline = await svc
        .http()
        .get(`/api/v1/incidents/${inc.id}/timeline`)
        .set(bearer(tokens.commander.token))
        .expect(200);
      const dismissals = (timeline.body as Array<{ action: string; payload: string }>).filter(
        (e) => e.action === 'incident.event.DISMISS',
      );
      expect(dismissals).toHaveLength(1);
      expect(JSON.parse(dismissals[0].payload).event.reason).toBe(winner);
      expect((await svc.http().get('/api/v1/audit/verify').set(bearer(svc.adminToken))).body.ok).toBe(true);
    },
  );

  it('concurrent step completions without expectedVersion are all kept (serialised, none lost)', async () => {
    const inc = await declare();
    const steps = ((await inc.get()).steps as StepJson[]).filter((s) => s.phase === 'triage');
    const results = await Promise.all(
      steps.map((s) =>
        inc.completeStep(
          s.roles.find((r) => tokens[r])!,
          s.id,
        ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(steps.map(() => 200));
    const after = await inc.get();
    expect(after.version).toBe(1 + steps.length);
    expect((after.steps as StepJson[]).filter((s) => s.phase === 'triage').every((s) => s.status === 'done')).toBe(
      true,
    );
  });

  it('a regrade recomputes the reporting deadline; grade IV needs no report', async () => {
    const inc = await declare({ grade: 'IV' });
    await inc.completePhase('triage');
    let body = await inc.send('commander', { type: 'CONFIRM', grade: 'IV' });
    expect(body.stateValue.response.reporting).toBe('notRequired');
    expect(body.deadlines).toEqual([]);
    body = await inc.send('commander', { type: 'REGRADE', grade: 'I', reason: 'Core trading halted for 3 hours' });
    expect(body.grade).toBe('I');
    expect(body.stateValue.response.reporting).toBe('initialDue');
    expect(body.deadlines).toEqual([
      expect.objectContaining({ timer: 'initial-report', status: 'pending', generation: expect.any(Number) }),
    ]);
  });

  it('drills run the same workflow, marked as drills, with the drill-only evaluation step', async () => {
    const inc = await declare({ drill: true, grade: 'III' });
    const body = await inc.get();
    expect(body.drill).toBe(true);
    expect((body.steps as StepJson[]).map((s) => s.id)).toContain('evaluate-drill');
    const real = await declare({ grade: 'III' });
    expect(((await real.get()).steps as StepJson[]).map((s) => s.id)).not.toContain('evaluate-drill');
    const list = await svc
      .http()
      .get('/api/v1/incidents?drill=false&pageSize=100')
      .set(bearer(tokens.viewer.token))
      .expect(200);
    expect(list.body.items.every((i: { drill: boolean }) => !i.drill)).toBe(true);
  });

  it('rejects a category outside the taxonomy', async () => {
    const res = await svc
      .http()
      .post('/api/v1/incidents')
      .set(bearer(tokens.commander.token))
      .send(incidentInput({ category: 'alien-invasion' }));
    expect(res.status).toBe(400);
    expect(res.body.details[0].field).toBe('category');
  });

  it('serves workflow definitions as JSON with requirement IDs', async () => {
    const list = await svc.http().get('/api/v1/workflows').set(bearer(tokens.viewer.token)).expect(200);
    expect(list.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'incident', version: 1 }),
        expect.objectContaining({ id: 'early-warning', version: 1 }),
      ]),
    );
    const wf = await svc.http().get('/api/v1/workflows/incident').set(bearer(tokens.viewer.token)).expect(200);
    const keys = (wf.body.states.states as Array<{ key: string }>).map((s) => s.key);
    expect(keys).toEqual(
      expect.arrayContaining(['triage', 'response', 'review', 'reidentification', 'closed', 'dismissed']),
    );
    expect(wf.body.transitions.length).toBeGreaterThan(10);
    await svc.http().get('/api/v1/workflows/nope').set(bearer(tokens.viewer.token)).expect(404);
  });

  it("serves each workflow in XState's own machine-config format, which createMachine loads", async () => {
    for (const [path, want] of [
      ['/api/v1/workflows/incident/machine', incidentMachineV2],
      ['/api/v1/workflows/incident/machine?version=1', incidentMachineV1],
      ['/api/v1/workflows/early-warning/machine', earlyWarningMachineV1],
    ] as const) {
      const res = await svc.http().get(path).set(bearer(tokens.viewer.token)).expect(200);
      // The body as received, straight into createMachine: the same states and transitions as ours.
      const loaded = createMachine(res.body);
      const { version: _a, ...expected } = describeWorkflow(want);
      const { version: _b, ...got } = describeWorkflow(loaded);
      expect(got).toEqual(expected);
      // Targets are absolute state references, as the Stately editor reads them.
      const targets = JSON.stringify(res.body).match(/"target":\[[^\]]*\]/g) ?? [];
      expect(targets.length).toBeGreaterThan(5);
      for (const t of targets) expect(t).toMatch(/^"target":\["#[^"]+"(,"#[^"]+")*\]$/);
    }
    await svc.http().get('/api/v1/workflows/nope/machine').set(bearer(tokens.viewer.token)).expect(404);
    await svc.http().get('/api/v1/workflows/incident/machine?version=9').set(bearer(tokens.viewer.token)).expect(404);
    await svc.http().get('/api/v1/workflows/incident/machine').expect(401);
  });
});
