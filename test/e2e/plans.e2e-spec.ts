import { bearer, createOrg, incidentInput, startTestService, type TestService } from '../support/harness';
import { handWrittenPlaybook } from '../unit/plans/cacao-fixtures';

/**
 * Organisations' own emergency plans (issue 18) on the real app: created from a shipped default,
 * edited into new immutable versions, model-checked at save time, used (and pinned) by declarations,
 * compared, protected from deletion while in use, isolated between organisations, and published by a
 * department to its sector's operators.
 */
describe('plans: emergency plans as versioned, model-checked data', () => {
  jest.setTimeout(120_000);
  let svc: TestService;
  let op: Record<string, { token: string }>;
  let other: Record<string, { token: string }>;
  let dept: Record<string, { token: string }>;
  let energy: Record<string, { token: string }>;
  let planId: string;

  const as = (t: { token: string }) => bearer(t.token);

  beforeAll(async () => {
    svc = await startTestService({ workers: false });
    op = (
      await createOrg(svc, { name: '某证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
        'admin',
        'leader',
        'commander',
        'responder',
        'viewer',
      ])
    ).tokens;
    other = (
      await createOrg(svc, { name: '另一证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
        'admin',
        'commander',
      ])
    ).tokens;
    energy = (
      await createOrg(svc, { name: '某电力公司', kind: 'operator', sector: 'energy', operatorKind: 'cii' }, ['admin'])
    ).tokens;
    dept = (
      await createOrg(svc, { name: '金融行业保护工作部门', kind: 'department', sector: 'finance' }, [
        'department-officer',
      ])
    ).tokens;
  });
  afterAll(async () => svc?.close());

  const conditionalStep = {
    id: 'notify-regulator-hotline',
    phase: 'containment',
    title: { zh: '电话通报行业监管热线', en: 'Call the regulator hotline' },
    guidance: { zh: '二级以上勒索事件先电话通报。', en: 'Grade II and above: call first.' },
    roles: ['commander'],
    mandatory: true,
    evidence: [{ kind: 'record', description: { zh: '通话记录', en: 'Call record' } }],
    requirements: ['GBT39204-11.3-b'],
    condition: { all: [{ gradeAtLeast: 'II' }, { category: ['ransomware'] }] },
  };

  it('lists the shipped defaults, and an organisation copies one (admin or leader only)', async () => {
    const defaults = await svc.http().get('/api/v1/plans/defaults').set(as(op.viewer)).expect(200);
    expect(defaults.body.map((d: { id: string }) => d.id)).toContain('ransomware');
    await svc.http().post('/api/v1/plans').set(as(op.commander)).send({ fromDefault: 'ransomware' }).expect(403);
    const created = await svc
      .http()
      .post('/api/v1/plans')
      .set(as(op.leader))
      .send({ fromDefault: 'ransomware', note: 'from the shipped playbook' })
      .expect(201);
    planId = created.body.id;
    expect(created.body).toMatchObject({ latestVersion: 1, active: false, origin: 'default:ransomware@2' });
    expect(created.body.document.categories).toEqual(['ransomware']);
  });

  it('refuses a malformed plan naming each field (400)', async () => {
    const res = await svc
      .http()
      .post('/api/v1/plans')
      .set(as(op.admin))
      .send({
        document: {
          title: { zh: '坏', en: 'Bad' },
          categories: ['ransomware'],
          steps: [
            {
              id: 'x',
              phase: 'triage',
              title: { zh: 'x', en: 'x' },
              roles: ['commander'],
              mandatory: true,
              requirements: ['GBT39204-99.9-z'],
              condition: { gradeAtLeast: 'V' },
            },
          ],
        },
      })
      .expect(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual([
      'document.steps[0].requirements[0]',
      'document.steps[0].condition.gradeAtLeast',
    ]);
  });

  it('refuses a plan with a mandatory step nobody can complete, with the failing path (422)', async () => {
    const plan = await svc.http().get(`/api/v1/plans/${planId}`).set(as(op.leader)).expect(200);
    const document = plan.body.document;
    document.steps.find((s: { id: string }) => s.id === 'identify-strain').roles = ['viewer'];
    const res = await svc.http().put(`/api/v1/plans/${planId}`).set(as(op.leader)).send({ document }).expect(422);
    expect(res.body.code).toBe('plan-check-failed');
    const stuck = res.body.failures.find((f: { rule: string }) => f.rule === 'cannot-close');
    expect(stuck.steps).toEqual(['identify-strain']);
    expect(stuck.path).toContain('ADVANCE');
    expect(res.body.failures.map((f: { rule: string }) => f.rule)).toContain('step-unreachable');
  });

  it('a conditional step shows for a grade-II ransomware incident, not for grade IV; versions pin', async () => {
    const plan = await svc.http().get(`/api/v1/plans/${planId}`).set(as(op.leader)).expect(200);
    const document = plan.body.document;
    document.steps.push(conditionalStep);
    const saved = await svc
      .http()
      .put(`/api/v1/plans/${planId}`)
      .set(as(op.leader))
      .send({ document, expectedVersion: 1, note: 'hotline call for grade II and above' })
      .expect(200);
    expect(saved.body.latestVersion).toBe(2);
    // A stale edit is refused.
    await svc
      .http()
      .put(`/api/v1/plans/${planId}`)
      .set(as(op.leader))
      .send({ document, expectedVersion: 1 })
      .expect(409);
    await svc.http().post(`/api/v1/plans/${planId}/activation`).set(as(op.admin)).send({ active: true }).expect(200);

    const grade2 = await svc.http().post('/api/v1/incidents').set(as(op.commander)).send(incidentInput()).expect(201);
    const hotline = grade2.body.steps.find((s: { id: string }) => s.id === 'notify-regulator-hotline');
    expect(hotline).toMatchObject({ mandatory: true, roles: ['commander'], guidance: conditionalStep.guidance });
    const grade4 = await svc
      .http()
      .post('/api/v1/incidents')
      .set(as(op.commander))
      .send(incidentInput({ grade: 'IV' }))
      .expect(201);
    expect(grade4.body.steps.map((s: { id: string }) => s.id)).not.toContain('notify-regulator-hotline');
    // Another category still gets the shipped playbook.
    const ddos = await svc
      .http()
      .post('/api/v1/incidents')
      .set(as(op.commander))
      .send(incidentInput({ category: 'ddos' }))
      .expect(201);
    expect(ddos.body.steps.map((s: { id: string }) => s.id)).toContain('activate-traffic-scrubbing');

    // Editing the plan while grade2 runs: it keeps version 2, a new incident gets version 3.
    const v3doc = {
      ...document,
      steps: document.steps.filter((s: { id: string }) => s.id !== 'record-ransom-details'),
    };
    await svc.http().put(`/api/v1/plans/${planId}`).set(as(op.leader)).send({ document: v3doc }).expect(200);
    const still = await svc.http().get(`/api/v1/incidents/${grade2.body.id}`).set(as(op.commander)).expect(200);
    expect(still.body.steps.map((s: { id: string }) => s.id)).toContain('record-ransom-details');
    const later = await svc.http().post('/api/v1/incidents').set(as(op.commander)).send(incidentInput()).expect(201);
    expect(later.body.steps.map((s: { id: string }) => s.id)).not.toContain('record-ransom-details');

    const versions = await svc.http().get(`/api/v1/plans/${planId}/versions`).set(as(op.viewer)).expect(200);
    expect(versions.body.map((v: { version: number; incidents: number }) => [v.version, v.incidents])).toEqual([
      [1, 0],
      [2, 2],
      [3, 1],
    ]);
  });

  it('shows the difference between two versions', async () => {
    const diff = await svc.http().get(`/api/v1/plans/${planId}/versions/1/diff/3`).set(as(op.viewer)).expect(200);
    expect(diff.body.stepsAdded.map((s: { id: string }) => s.id)).toEqual(['notify-regulator-hotline']);
    expect(diff.body.stepsRemoved.map((s: { id: string }) => s.id)).toEqual(['record-ransom-details']);
    expect(diff.body.title).toBeNull();
    await svc.http().get(`/api/v1/plans/${planId}/versions/1/diff/9`).set(as(op.viewer)).expect(404);
  });

  it('a version in use cannot be deleted (409); an unused older one can', async () => {
    const inUse = await svc.http().delete(`/api/v1/plans/${planId}/versions/2`).set(as(op.leader)).expect(409);
    expect(inUse.body.code).toBe('version-in-use');
    const latest = await svc.http().delete(`/api/v1/plans/${planId}/versions/3`).set(as(op.leader)).expect(409);
    expect(latest.body.code).toBe('latest-version');
    await svc.http().delete(`/api/v1/plans/${planId}/versions/1`).set(as(op.leader)).expect(204);
    await svc.http().get(`/api/v1/plans/${planId}/versions/1`).set(as(op.leader)).expect(404);
  });

  it("a sub-plan step runs another plan's steps, under its condition; a version used as a sub-plan stays", async () => {
    const sub = await svc
      .http()
      .post('/api/v1/plans')
      .set(as(op.leader))
      .send({
        document: {
          title: { zh: '个人信息泄露附加步骤', en: 'Personal information additions' },
          categories: ['data-leak'],
          steps: [
            {
              id: 'notify-affected-persons',
              phase: 'recovery',
              title: { zh: '告知受影响个人', en: 'Tell the persons affected' },
              roles: ['liaison', 'commander'],
              mandatory: true,
              requirements: ['GBT39204-11.3-b'],
            },
          ],
        },
      })
      .expect(201);
    const plan = await svc.http().get(`/api/v1/plans/${planId}`).set(as(op.leader)).expect(200);
    const document = plan.body.document;
    document.steps.push({
      id: 'personal-information',
      phase: 'containment',
      title: { zh: '个人信息处置', en: 'Personal information' },
      roles: ['commander'],
      mandatory: true,
      condition: { personalInformation: true },
      subPlan: { planId: sub.body.id },
    });
    const saved = await svc.http().put(`/api/v1/plans/${planId}`).set(as(op.leader)).send({ document }).expect(200);
    expect(saved.body.document.steps.find((s: { id: string }) => s.id === 'personal-information').subPlan).toEqual({
      planId: sub.body.id,
      version: 1,
    });
    const leak = await svc
      .http()
      .post('/api/v1/incidents')
      .set(as(op.commander))
      .send(incidentInput({ impact: { personalInfoPersons: 1200 } }))
      .expect(201);
    expect(
      leak.body.steps.find((s: { id: string }) => s.id === 'personal-information--notify-affected-persons'),
    ).toMatchObject({
      phase: 'containment',
      roles: ['liaison', 'commander'],
    });
    const none = await svc.http().post('/api/v1/incidents').set(as(op.commander)).send(incidentInput()).expect(201);
    expect(none.body.steps.map((s: { id: string }) => s.id)).not.toContain(
      'personal-information--notify-affected-persons',
    );
    // The sub-plan's version 1 is used by the plan's latest version: saving a second one keeps it.
    await svc
      .http()
      .put(`/api/v1/plans/${sub.body.id}`)
      .set(as(op.leader))
      .send({
        document: {
          ...(await svc.http().get(`/api/v1/plans/${sub.body.id}`).set(as(op.leader))).body.document,
          title: { zh: '个人信息', en: 'PI' },
        },
      })
      .expect(200);
    const used = await svc.http().delete(`/api/v1/plans/${sub.body.id}/versions/1`).set(as(op.leader)).expect(409);
    expect(used.body.code).toBe('version-in-use');
    // A plan cannot be its own sub-plan.
    document.steps[document.steps.length - 1].subPlan = { planId };
    const self = await svc.http().put(`/api/v1/plans/${planId}`).set(as(op.leader)).send({ document }).expect(400);
    expect(self.body.details[0].field).toMatch(/^document\.steps\[\d+\]\.subPlan\.planId$/);
  });

  it("another organisation's plans are not found", async () => {
    await svc.http().get(`/api/v1/plans/${planId}`).set(as(other.admin)).expect(404);
    await svc.http().put(`/api/v1/plans/${planId}`).set(as(other.admin)).send({ document: {} }).expect(404);
    await svc.http().get(`/api/v1/plans/${planId}/versions`).set(as(other.admin)).expect(404);
    const list = await svc.http().get('/api/v1/plans').set(as(other.admin)).expect(200);
    expect(list.body).toEqual([]);
    // Its incidents still get the shipped playbook.
    const inc = await svc.http().post('/api/v1/incidents').set(as(other.commander)).send(incidentInput()).expect(201);
    expect(inc.body.steps.map((s: { id: string }) => s.id)).not.toContain('notify-regulator-hotline');
  });

  it("a department's published plan is visible only to its sector's operators, who adopt a copy", async () => {
    const created = await svc
      .http()
      .post('/api/v1/plans')
      .set(as(dept['department-officer']))
      .send({ fromDefault: 'ddos' })
      .expect(201);
    const id = created.body.id;
    // Not yet published: nobody else sees it.
    await svc.http().get(`/api/v1/recommended-plans/${id}`).set(as(op.admin)).expect(404);
    await svc
      .http()
      .post(`/api/v1/plans/${id}/publication`)
      .set(as(dept['department-officer']))
      .send({ published: true })
      .expect(200);
    const seen = await svc.http().get('/api/v1/recommended-plans').set(as(op.viewer)).expect(200);
    expect(seen.body.map((p: { id: string }) => p.id)).toEqual([id]);
    const none = await svc.http().get('/api/v1/recommended-plans').set(as(energy.admin)).expect(200);
    expect(none.body).toEqual([]);
    await svc.http().get(`/api/v1/recommended-plans/${id}`).set(as(energy.admin)).expect(404);
    await svc.http().get(`/api/v1/plans/${id}`).set(as(op.admin)).expect(404);

    const adopted = await svc
      .http()
      .post(`/api/v1/recommended-plans/${id}/adopt`)
      .set(as(op.admin))
      .send({ active: true })
      .expect(201);
    expect(adopted.body).toMatchObject({ orgId: expect.any(String), active: true, origin: `adopted:${id}@1` });
    expect(adopted.body.id).not.toBe(id);
    await svc.http().post(`/api/v1/recommended-plans/${id}/adopt`).set(as(energy.admin)).send({}).expect(404);
  });

  describe('CACAO 2.0', () => {
    it('exports a plan version as a valid CACAO playbook and imports it back as an equivalent plan', async () => {
      const exported = await svc.http().get(`/api/v1/plans/${planId}/versions/3/cacao`).set(as(op.viewer)).expect(200);
      expect(exported.body).toMatchObject({ type: 'playbook', spec_version: 'cacao-2.0' });
      const imported = await svc
        .http()
        .post('/api/v1/plans/cacao-imports')
        .set(as(op.admin))
        .send({ playbook: exported.body })
        .expect(201);
      expect(imported.body.skipped).toEqual([]);
      const original = await svc.http().get(`/api/v1/plans/${planId}/versions/3`).set(as(op.viewer)).expect(200);
      expect(imported.body.plan.document).toEqual(original.body.document);
      expect(imported.body.plan.origin).toBe(`cacao:${exported.body.id}`);
      await svc.http().get(`/api/v1/plans/${planId}/versions/3/cacao`).set(as(other.admin)).expect(404);
    });

    it('imports a hand-written playbook in the style of the specification, listing what it skipped', async () => {
      await svc
        .http()
        .post('/api/v1/plans/cacao-imports')
        .set(as(op.admin))
        .send({ playbook: handWrittenPlaybook() })
        .expect(400)
        .expect((r) => expect(r.body.details[0].field).toBe('categories'));
      const res = await svc
        .http()
        .post('/api/v1/plans/cacao-imports')
        .set(as(op.admin))
        .send({ playbook: handWrittenPlaybook(), categories: ['phishing'] })
        .expect(201);
      expect(res.body.plan.document.steps.map((s: { id: string }) => s.id)).toEqual([
        'collect-the-reported-emails',
        'block-the-sender',
        'run-the-credential-reset-playbook',
        'purge-the-email-from-mailboxes',
      ]);
      expect(res.body.skipped.map((s: { path: string }) => s.path)).toContain('/playbook_variables');
    });

    it('refuses hostile playbooks with a 4xx and a code, never a 5xx', async () => {
      const send = (playbook: unknown) =>
        svc
          .http()
          .post('/api/v1/plans/cacao-imports')
          .set(as(op.admin))
          .send({ playbook, categories: ['phishing'] });
      const manySteps = handWrittenPlaybook();
      for (let i = 0; i < 245; i++)
        (manySteps.workflow as Record<string, unknown>)[`end--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`] =
          {
            type: 'end',
          };
      let deep: Record<string, unknown> = {};
      const root = deep;
      for (let i = 0; i < 20; i++) deep = (deep.x = {}) as Record<string, unknown>;
      const cases: Array<[unknown, number, string]> = [
        [{ type: 'bundle', objects: [] }, 422, 'not-a-playbook'],
        [{ ...handWrittenPlaybook(), spec_version: 'cacao-1.0' }, 422, 'unsupported-spec-version'],
        [manySteps, 413, 'too-many-steps'],
        [{ ...handWrittenPlaybook(), labels: [root] }, 422, 'too-deep'],
        [{ ...handWrittenPlaybook(), description: 'x'.repeat(20_000) }, 422, 'string-too-long'],
        [{ ...handWrittenPlaybook(), created: 'yesterday' }, 422, 'schema'],
        [{ ...handWrittenPlaybook(), workflow_start: 'start--00000000-0000-4000-8000-000000000000' }, 422, 'workflow'],
      ];
      for (const [playbook, status, code] of cases) {
        const res = await send(playbook);
        expect([res.status, res.body.code]).toEqual([status, code]);
      }
      // Beyond the bounds of every request body: refused before anything is built.
      let deeper: Record<string, unknown> = {};
      const rootDeeper = deeper;
      for (let i = 0; i < 40; i++) deeper = (deeper.x = {}) as Record<string, unknown>;
      const res = await send({ ...handWrittenPlaybook(), labels: [rootDeeper] });
      expect([res.status, res.body.code]).toEqual([422, 'too-deep']);
      const wide = handWrittenPlaybook();
      for (let i = 0; i < 300; i++)
        (wide.workflow as Record<string, unknown>)[`end--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`] = {
          type: 'end',
        };
      const tooWide = await send(wide);
      expect([tooWide.status, tooWide.body.code]).toEqual([413, 'too-many-keys']);
    });
  });
});
