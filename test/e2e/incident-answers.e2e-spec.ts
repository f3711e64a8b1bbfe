import { USER_EVENT_TYPES } from '../../src/incidents/incident-event.dto';
import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';
import { IncidentDriver, type StepJson, type Tokens } from '../support/incident-driver';

/** What a newcomer reads in the answers: allowed events, refusals that say what to do. */
describe('incident answers that tell the caller what to do', () => {
  let svc: TestService;
  let tokens: Tokens;

  beforeAll(async () => {
    svc = await startTestService({ workers: false });
    tokens = (
      await createOrg(svc, { name: '某证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
        'commander',
        'responder',
        'liaison',
        'leader',
      ])
    ).tokens;
  });
  afterAll(async () => svc?.close());

  async function declare() {
    const res = await svc
      .http()
      .post('/api/v1/incidents')
      .set(bearer(tokens.commander.token))
      .send(incidentInput({ category: 'ransomware' }))
      .expect(201);
    return {
      inc: new IncidentDriver(svc, tokens, res.body.id),
      body: res.body as { steps: Array<StepJson & { title: { zh: string; en: string } }> },
    };
  }

  it('allowedEvents lists only events POST /events accepts, for every role and phase', async () => {
    const { inc } = await declare();
    const check = async () => {
      for (const role of Object.keys(tokens)) {
        const body = await inc.get(role);
        for (const type of body.allowedEvents as string[])
          expect({ role, type, accepted: (USER_EVENT_TYPES as readonly string[]).includes(type) }).toEqual({
            role,
            type,
            accepted: true,
          });
      }
    };
    await check();
    await inc.completePhase('triage');
    await inc.send('commander', { type: 'CONFIRM', grade: 'II' });
    await check();
    const minimal = await svc
      .http()
      .post(`/api/v1/incidents/${inc.id}/events`)
      .set(bearer(tokens.commander.token))
      .set('Prefer', 'return=minimal')
      .send({ type: 'REGRADE', grade: 'II', reason: 'same' })
      .expect(200);
    expect(minimal.body.allowedEvents).not.toContain('COMPLETE_STEP');
    expect(minimal.body.allowedEvents).not.toContain('REOPEN_STEP');
  });

  it('a 409 on CONFIRM names the mandatory steps still open, with their titles', async () => {
    const { inc, body } = await declare();
    const open = body.steps.filter((s) => s.phase === 'triage' && s.mandatory);
    expect(open.length).toBeGreaterThan(1);
    const first = await inc.event('commander', { type: 'CONFIRM', grade: 'II' });
    expect(first.status).toBe(409);
    expect(first.body.openMandatorySteps.map((s: { id: string }) => s.id)).toEqual(open.map((s) => s.id));
    expect(first.body.openMandatorySteps[0]).toMatchObject({ id: open[0]!.id, phase: 'triage', title: open[0]!.title });
    for (const s of open) expect(first.body.message).toContain(`${s.id} (${s.title.en}`);

    // Finishing one leaves the others named.
    const done = await inc.completeStep(
      open[0]!.roles.find((r) => tokens[r])!,
      open[0]!.id,
    );
    expect(done.status).toBe(200);
    const second = await inc.event('commander', { type: 'CONFIRM', grade: 'II' });
    expect(second.status).toBe(409);
    expect(second.body.openMandatorySteps.map((s: { id: string }) => s.id)).toEqual(open.slice(1).map((s) => s.id));
  });

  it('a 409 on ADVANCE names the open steps of the current handling phase', async () => {
    const { inc, body } = await declare();
    await inc.completePhase('triage');
    await inc.send('commander', { type: 'CONFIRM', grade: 'II' });
    const res = await inc.event('commander', { type: 'ADVANCE' });
    expect(res.status).toBe(409);
    expect(res.body.openMandatorySteps.map((s: { id: string }) => s.id)).toEqual(
      body.steps.filter((s) => s.phase === 'containment' && s.mandatory).map((s) => s.id),
    );
  });

  it("a 404 for an unknown step lists the incident's steps", async () => {
    const { inc, body } = await declare();
    for (const stepId of ['isolate-hosts', 'Not_A_Step']) {
      const res = await svc
        .http()
        .post(`/api/v1/incidents/${inc.id}/steps/${stepId}/complete`)
        .set(bearer(tokens.commander.token))
        .send({});
      expect(res.status).toBe(404);
      expect(res.body.steps).toEqual(body.steps.map((s) => s.id));
      expect(res.body.message).toContain('isolate-infected-hosts');
    }
  });
});
