import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { NotificationDelivery } from '../../src/notifications/notification-delivery.entity';
import { bearer, createOrg, startTestService, TestService } from '../support/harness';
import { waitFor } from '../support/wait';
import { allTargets, fannedOut } from '../support/warnings';

type Tok = Record<string, { token: string; userId: string; orgId: string }>;

/**
 * Early warnings end to end on the real app: a department of the energy sector warns two energy
 * operators; one assesses, acts and feeds back in time, the other misses a seconds-scale feedback
 * deadline run by real BullMQ delayed jobs (REMINDER_FRACTIONS and ESCALATION_STEP_DELAY shrink the
 * product defaults), and the department sees who answered and who is overdue.
 */
describe('early warnings (department → operators, feedback deadline on real timers)', () => {
  jest.setTimeout(90_000);
  let svc: TestService;
  let dept: Tok;
  let opA: Tok;
  let opB: Tok;
  let opFin: Tok;
  let deptFin: Tok;
  let A: string;
  let B: string;
  let FIN: string;
  let hook: Server;

  /**
   * Notifications exist only for subscribers (a fan-out nobody wants writes no delivery), so each
   * organisation here subscribes one loopback webhook to every warning event the test inspects.
   */
  const WARNING_EVENTS = [
    'warning.received',
    'warning.feedback-overdue',
    'warning.feedback-reminder',
    'warning.feedback-received',
    'escalation',
    'deadline.reminder',
    'deadline.missed',
  ];
  async function subscribe(adminToken: string) {
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    await svc
      .http()
      .post('/api/v1/notification-subscriptions')
      .set(bearer(adminToken))
      .send({
        name: 'all warning events',
        channel: 'webhook',
        config: { url },
        secret: 'test-secret-0123456789',
        events: WARNING_EVENTS,
        drill: 'include',
      })
      .expect(201);
  }

  beforeAll(async () => {
    hook = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end('{}')));
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    svc = await startTestService({
      env: { EGRESS_ALLOW: '127.0.0.1', REMINDER_FRACTIONS: '0.5', ESCALATION_STEP_DELAY: 'PT1S' },
    });
    dept = (
      await createOrg(svc, { name: 'Energy protection department', kind: 'department', sector: 'energy' }, [
        'department-officer',
        'viewer',
        'admin',
      ])
    ).tokens;
    const a = await createOrg(
      svc,
      { name: 'Grid operator A', kind: 'operator', sector: 'energy', operatorKind: 'cii' },
      ['commander', 'responder', 'liaison', 'viewer', 'admin'],
    );
    const b = await createOrg(svc, { name: 'Power plant B', kind: 'operator', sector: 'energy', operatorKind: 'cii' }, [
      'commander',
      'responder',
      'liaison',
      'admin',
    ]);
    const fin = await createOrg(svc, { name: 'Bank F', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
      'commander',
      'liaison',
    ]);
    deptFin = (
      await createOrg(svc, { name: 'Finance protection department', kind: 'department', sector: 'finance' }, [
        'department-officer',
      ])
    ).tokens;
    opA = a.tokens;
    opB = b.tokens;
    opFin = fin.tokens;
    A = a.orgId;
    B = b.orgId;
    FIN = fin.orgId;
    for (const admin of [dept.admin.token, a.tokens.admin.token, b.tokens.admin.token]) await subscribe(admin);
  });
  afterAll(async () => {
    await svc?.close();
    await new Promise((r) => hook?.close(r));
  });

  const warning = (overrides: Record<string, unknown> = {}) => ({
    title: '针对电力调度系统的勒索软件攻击活动预警',
    level: 'orange',
    threatDescription: 'A ransomware group exploits an unpatched VPN appliance used in the energy sector.',
    recommendedActions: ['Patch the VPN appliance', 'Block the listed addresses'],
    indicators: [
      { type: 'ipv4-addr', value: '203.0.113.7', description: 'C2' },
      { type: 'domain-name', value: 'Evil.Example.com' },
    ],
    operatorIds: [A, B],
    ...overrides,
  });
  const issue = (body: Record<string, unknown>, token = dept['department-officer'].token) =>
    svc.http().post('/api/v1/warnings').set(bearer(token)).send(body);
  const get = (id: string, token: string) => svc.http().get(`/api/v1/warnings/${id}`).set(bearer(token));
  const send = (id: string, token: string, body: Record<string, unknown>) =>
    svc.http().post(`/api/v1/warnings/${id}/events`).set(bearer(token)).send(body);
  /** The notifications a warning caused: one delivery per event and subscribed organisation, oldest first. */
  const fanouts = async (warningId: string) =>
    (
      await svc.app
        .get(DataSource)
        .getRepository(NotificationDelivery)
        .find({ where: { warningId }, order: { createdAt: 'ASC' } })
    ).map((d) => {
      const data = (JSON.parse(d.message) as { data: Record<string, unknown> & { drill: boolean } }).data;
      return { orgId: d.orgId, event: d.event, warningId: d.warningId, drill: data.drill, data };
    });

  it('refuses bad input with 400 naming the field, other sectors, and the wrong callers', async () => {
    expect((await issue(warning(), dept.viewer.token)).status).toBe(403);
    expect((await issue(warning(), opA.commander.token)).status).toBe(403);
    const cases: Array<[Record<string, unknown>, string]> = [
      [warning({ level: 'purple' }), 'level'],
      [warning({ operatorIds: [A, FIN] }), 'operatorIds'],
      [warning({ operatorIds: undefined, sectors: ['finance'] }), 'sectors'],
      [warning({ operatorIds: [deptFin['department-officer'].orgId] }), 'operatorIds'],
      [warning({ operatorIds: undefined }), 'operatorIds'],
      [warning({ feedbackWithin: 'six hours' }), 'feedbackWithin'],
      [
        warning({ feedbackWithin: 'PT1H', feedbackDueAt: new Date(Date.now() + 3600_000).toISOString() }),
        'feedbackDueAt',
      ],
      [warning({ feedbackDueAt: new Date(Date.now() - 3600_000).toISOString() }), 'feedbackDueAt'],
      [warning({ indicators: [{ type: 'ipv4-addr', value: '999.1.1.1' }] }), 'indicators.0.value'],
      [warning({ indicators: [{ type: 'mutex', value: 'x' }] }), 'indicators.0.type'],
      [warning({ colour: 'red' }), 'colour'],
      [warning({ title: '' }), 'title'],
    ];
    for (const [body, field] of cases) {
      const res = await issue(body);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    // Nothing was half-written by the refused requests.
    expect((await svc.http().get('/api/v1/warnings').set(bearer(dept.viewer.token)).expect(200)).body.total).toBe(0);
  });

  it(
    'one operator answers in time, the other misses the deadline and shows ' + 'as overdue; other sectors see nothing',
    async () => {
      const created = await issue(warning({ feedbackWithin: 'PT4S' }));
      expect(created.status).toBe(202);
      // The answer is the warning and its fan-out, queued; the operators' workflows follow.
      expect(created.body.fanout).toEqual({ status: 'pending', total: 2, done: 0 });
      expect(created.body.targets).toBeUndefined();
      const w = await fannedOut(svc.http, created.body.id, dept['department-officer'].token);
      expect(w).toMatchObject({
        id: created.body.id,
        level: 'orange',
        drill: false,
        feedbackWithin: 'PT4S',
        fanout: { status: 'done', total: 2, done: 2 },
        counts: { targets: 2, answered: 0, overdue: 0, late: 0 },
      });
      // The operators themselves are paged; the warning's own view only counts them.
      expect(w.targets).toBeUndefined();
      const targets = await allTargets(svc.http, w.id, dept['department-officer'].token);
      expect(w.reference).toMatch(/^WRN-\d{4}-000001$/);
      expect(w.indicators).toEqual([
        { type: 'ipv4-addr', value: '203.0.113.7', description: 'C2', source: 'manual' },
        { type: 'domain-name', value: 'evil.example.com', source: 'manual' },
      ]);
      expect(targets.map((t: { operatorOrgId: string }) => t.operatorOrgId).sort()).toEqual([A, B].sort());
      for (const t of targets)
        expect(t).toMatchObject({
          state: 'received',
          deadline: { status: 'pending', timer: 'warning-feedback', generation: 1 },
          answered: false,
          overdue: false,
          answer: 'pending',
        });
      const dueMs = Date.parse(w.feedbackDueAt) - Date.parse(w.createdAt);
      expect(dueMs).toBeGreaterThanOrEqual(3900);
      expect(dueMs).toBeLessThanOrEqual(4100);

      // Both operators have it, in received, with the deadline pending.
      for (const tok of [opA.commander.token, opB.commander.token]) {
        const list = await svc.http().get('/api/v1/warnings').set(bearer(tok)).expect(200);
        expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([w.id]);
        expect(list.body.items[0]).toMatchObject({ state: 'received', deadlineStatus: 'pending', version: 1 });
        const one = await get(w.id, tok).expect(200);
        expect(one.body).toMatchObject({
          state: 'received',
          version: 1,
          deadline: { status: 'pending', dueAt: w.feedbackDueAt },
          issuer: { name: 'Energy protection department' },
        });
        expect(one.body.allowedEvents).toEqual(['START_ASSESSMENT']);
        expect(one.body.targets).toBeUndefined();
      }
      const received = (await fanouts(w.id)).filter((f) => f.event === 'warning.received');
      expect(received.map((f) => f.orgId).sort()).toEqual([A, B].sort());

      // Operator A: assess, act, feed back — with the role checks and 409s on the way.
      expect((await send(w.id, opA.viewer.token, { type: 'START_ASSESSMENT' })).status).toBe(403);
      const early = await send(w.id, opA.liaison.token, { type: 'FEEDBACK_SENT', feedback: 'too early' });
      expect(early.status).toBe(409);
      expect(early.body.allowedEvents).toEqual([]);
      const tooSoon = await send(w.id, opA.commander.token, { type: 'CLOSE' });
      expect(tooSoon.status).toBe(409);
      expect(tooSoon.body.allowedEvents).toEqual(['START_ASSESSMENT']);
      expect(
        (await send(w.id, opA.responder.token, { type: 'START_ASSESSMENT', expectedVersion: 1 })).body,
      ).toMatchObject({ state: 'assessing', version: 2 });
      expect((await send(w.id, opA.responder.token, { type: 'ASSESSED', applicable: true })).status).toBe(403);
      const noField = await send(w.id, opA.commander.token, { type: 'ASSESSED', note: 'we run that appliance' });
      expect(noField.status).toBe(400);
      expect(noField.body.details[0].field).toBe('applicable');
      expect(
        (await send(w.id, opA.commander.token, { type: 'DEADLINE_MISSED', timer: 'warning-feedback', generation: 1 }))
          .body.details[0].field,
      ).toBe('type');
      expect(
        (await send(w.id, opA.commander.token, { type: 'ASSESSED', applicable: true, note: 'we run that appliance' }))
          .body,
      ).toMatchObject({ state: 'acting', assessment: { applicable: true } });
      const noActions = await send(w.id, opA.liaison.token, { type: 'FEEDBACK_SENT', feedback: 'patched' });
      expect(noActions.status).toBe(409);
      expect(
        (await send(w.id, opA.responder.token, { type: 'ACTIONS_TAKEN', summary: 'Patched VPN, blocked 203.0.113.7' }))
          .body,
      ).toMatchObject({ state: 'acting', version: 4, actionsSummary: 'Patched VPN, blocked 203.0.113.7' });
      const stale = await send(w.id, opA.liaison.token, {
        type: 'FEEDBACK_SENT',
        feedback: 'patched',
        expectedVersion: 3,
      });
      expect(stale.status).toBe(409);
      expect(stale.body.currentVersion).toBe(4);
      const fed = await send(w.id, opA.liaison.token, {
        type: 'FEEDBACK_SENT',
        feedback: 'Patched and blocked; no compromise found',
        measures: ['VPN firmware 9.1.4', 'ACL on edge routers'],
        expectedVersion: 4,
      });
      expect(fed.status).toBe(200);
      expect(fed.body).toMatchObject({
        state: 'feedbackSent',
        version: 5,
        deadline: { status: 'met' },
        feedback: {
          text: 'Patched and blocked; no compromise found',
          measures: ['VPN firmware 9.1.4', 'ACL on edge routers'],
        },
      });
      expect(fed.body.allowedEvents).toEqual([]);

      // The department sees A answered; after the deadline passes, B is overdue.
      const afterA = await allTargets(svc.http, w.id, dept.viewer.token);
      const tA = afterA.find((t: { operatorOrgId: string }) => t.operatorOrgId === A);
      expect(tA).toMatchObject({
        answer: 'answered',
        state: 'feedbackSent',
        answered: true,
        late: false,
        overdue: false,
        applicable: true,
        feedback: { text: 'Patched and blocked; no compromise found' },
      });
      expect(typeof tA.answeredAt).toBe('string');

      await waitFor(
        'operator B overdue after the timer ran',
        async () => {
          const all = await allTargets(svc.http, w.id, dept['department-officer'].token);
          const tB = all.find((t: { operatorOrgId: string }) => t.operatorOrgId === B);
          return tB?.deadline.status === 'missed' ? all : undefined;
        },
        20_000,
      );
      const overdue = await get(w.id, dept['department-officer'].token).expect(200);
      expect(overdue.body.counts).toEqual({ targets: 2, answered: 1, overdue: 1, late: 0 });
      // The tracker's page: overdue first; `answer` keeps one kind; pages of one.
      const pageOf = (query: Record<string, unknown>, token = dept.viewer.token) =>
        svc.http().get(`/api/v1/warnings/${w.id}/targets`).query(query).set(bearer(token));
      const onlyOverdue = await allTargets(svc.http, w.id, dept.viewer.token, 'overdue');
      expect(
        onlyOverdue.map((t: { operatorOrgId: string; operatorName: string }) => [t.operatorOrgId, t.operatorName]),
      ).toEqual([[B, 'Power plant B']]);
      expect(onlyOverdue[0]).toMatchObject({ overdue: true, answer: 'overdue' });
      expect((await allTargets(svc.http, w.id, dept.viewer.token, 'answered')).map((t) => t.operatorOrgId)).toEqual([
        A,
      ]);
      expect(await allTargets(svc.http, w.id, dept.viewer.token, 'late')).toEqual([]);
      const first = (await pageOf({ pageSize: 1 }).expect(200)).body;
      const second = (await pageOf({ pageSize: 1, page: 2 }).expect(200)).body;
      expect([first.total, first.page, first.pageSize, second.total, second.page]).toEqual([2, 1, 1, 2, 2]);
      expect([...first.items, ...second.items].map((t) => t.operatorOrgId)).toEqual([B, A]);
      for (const [query, field] of [
        [{ answer: 'ignored' }, 'answer'],
        [{ pageSize: 101 }, 'pageSize'],
        [{ page: 0 }, 'page'],
      ] as const) {
        const bad = await pageOf(query);
        expect({ field, status: bad.status }).toEqual({ field, status: 400 });
        expect(bad.body.details.map((d: { field: string }) => d.field)).toContain(field);
      }
      // Only the issuing department: an operator is refused, another department finds nothing.
      expect((await pageOf({}, opB.commander.token)).status).toBe(403);
      expect((await pageOf({}, deptFin['department-officer'].token)).status).toBe(404);
      expect(second.items[0].deadline.status).toBe('met');
      const list = await svc.http().get('/api/v1/warnings').set(bearer(dept.viewer.token)).expect(200);
      expect(list.body.items[0]).toMatchObject({ id: w.id, counts: { targets: 2, answered: 1, overdue: 1, late: 0 } });

      // The department is told once; operator B's own chain escalates commander → leader → admin.
      const notes = await fanouts(w.id);
      const toDept = notes.filter((n) => n.event === 'warning.feedback-overdue' && n.orgId === dept.viewer.orgId);
      expect(toDept).toHaveLength(1);
      expect(toDept[0].data).toMatchObject({ operatorOrgId: B, operatorName: 'Power plant B' });
      expect(notes.filter((n) => n.event === 'warning.feedback-reminder').map((n) => n.orgId)).toEqual([B]);
      expect(notes.filter((n) => n.event === 'warning.feedback-received').map((n) => n.orgId)).toEqual([
        dept.viewer.orgId,
      ]);
      const bView = await waitFor(
        'escalation inside operator B',
        async () => {
          const res = await get(w.id, opB.commander.token);
          return res.body.deadline.escalationLevel >= 2 ? res.body : undefined;
        },
        15_000,
      );
      expect(bView).toMatchObject({ state: 'received', deadline: { status: 'missed' } });

      // Another sector's operator and department see none of it.
      expect((await get(w.id, opFin.commander.token)).status).toBe(404);
      expect((await get(w.id, deptFin['department-officer'].token)).status).toBe(404);
      expect((await send(w.id, opFin.commander.token, { type: 'START_ASSESSMENT' })).status).toBe(404);
      expect(
        (await svc.http().get('/api/v1/warnings').set(bearer(opFin.commander.token)).expect(200)).body.items,
      ).toEqual([]);
      expect(
        (await svc.http().get('/api/v1/warnings').set(bearer(deptFin['department-officer'].token)).expect(200)).body
          .items,
      ).toEqual([]);
      expect(
        (await svc.http().get('/api/v1/warnings/00000000-0000-4000-8000-000000000000').set(bearer(opA.commander.token)))
          .status,
      ).toBe(404);
      // A department cannot act in an operator's workflow.
      expect((await send(w.id, dept['department-officer'].token, { type: 'START_ASSESSMENT' })).status).toBe(403);

      // B answers late ("not applicable"): answered, marked late, no longer overdue; the deadline stays missed.
      await send(w.id, opB.responder.token, { type: 'START_ASSESSMENT' }).expect(200);
      await send(w.id, opB.commander.token, { type: 'ASSESSED', applicable: false, note: 'no such appliance' }).expect(
        200,
      );
      await send(w.id, opB.liaison.token, {
        type: 'FEEDBACK_SENT',
        feedback: 'Not applicable: we do not run that appliance',
      }).expect(200);
      const final = await get(w.id, dept.viewer.token).expect(200);
      expect(final.body.counts).toEqual({ targets: 2, answered: 2, overdue: 0, late: 1 });
      const finalTargets = await allTargets(svc.http, w.id, dept.viewer.token);
      expect(finalTargets.map((t) => t.answer)).toEqual(['late', 'answered']);
      expect(finalTargets.find((t: { operatorOrgId: string }) => t.operatorOrgId === B)).toMatchObject({
        answered: true,
        late: true,
        overdue: false,
        applicable: false,
        deadline: { status: 'missed' },
      });
      await send(w.id, opB.commander.token, { type: 'CLOSE' }).expect(200);
      expect((await send(w.id, opB.commander.token, { type: 'CLOSE' })).status).toBe(409);
    },
  );

  it('a drill warning to the whole sector reaches every operator of it, marked drill everywhere', async () => {
    const created = await issue(
      warning({ operatorIds: undefined, sectors: ['energy'], drill: true, level: 'blue', indicators: [] }),
    );
    expect(created.status).toBe(202);
    const w = await fannedOut(svc.http, created.body.id, dept['department-officer'].token);
    expect(w.drill).toBe(true);
    // Default window for blue comes from the catalogue (P3D).
    expect(w.feedbackWithin).toBe('P3D');
    const reached = await allTargets(svc.http, w.id, dept['department-officer'].token);
    expect(reached.map((t: { operatorOrgId: string }) => t.operatorOrgId).sort()).toEqual([A, B].sort());
    expect((await get(w.id, opA.commander.token).expect(200)).body.drill).toBe(true);
    const notes = await fanouts(w.id);
    expect(notes.length).toBeGreaterThanOrEqual(2);
    expect(notes.every((n) => n.drill === true)).toBe(true);
    expect((await get(w.id, opFin.commander.token)).status).toBe(404);
    const drills = await svc.http().get('/api/v1/warnings?drill=true').set(bearer(opA.commander.token)).expect(200);
    expect(drills.body.items.map((i: { id: string }) => i.id)).toEqual([w.id]);
  });
});
