import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QUEUES } from '../../src/queues/queue-names';
import { bearer, createOrg, startTestService, type TestService } from '../support/harness';
import { queueSettled, waitFor } from '../support/wait';
import { json, type Receiver, startReceiver } from '../unit/notifications/support/http-receiver';

type Who = { token: string; userId: string };

/**
 * Drills of a plan version (GB/T 39204-2022 11.2) on the real app: scheduled with participants, a
 * reminder fired by a real BullMQ delayed job and delivered through a real webhook subscription,
 * started as a drill incident that keeps running the scheduled version after the plan is edited,
 * evaluated with follow-ups, and counted in the drills' compliance view; isolated between
 * organisations; bad input named.
 */
describe('drills: scheduled from a plan version, reminded, run, evaluated', () => {
  jest.setTimeout(120_000);
  let svc: TestService;
  let rx: Receiver;
  let op: Record<string, Who>;
  let other: Record<string, Who>;
  let planId: string;
  let drillId: string;
  let incidentId: string;

  const as = (w: Who) => bearer(w.token);
  const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
  const timers = () => svc.app.get<Queue>(getQueueToken(QUEUES.timers), { strict: false });
  const reminderBodies = () =>
    rx.requests
      .map((r) => JSON.parse(r.rawBody.toString('utf8')) as { event: string; text: string; drill: boolean })
      .filter((b) => b.event === 'drill.reminder');

  beforeAll(async () => {
    rx = await startReceiver((_req, res) => json(res, 200, { ok: true }));
    svc = await startTestService({ env: { EGRESS_ALLOW: '127.0.0.1', NOTIFY_BACKOFF_MS: '100' } });
    op = (
      await createOrg(svc, { name: '某城市轨道交通公司', kind: 'operator', sector: 'transport', operatorKind: 'cii' }, [
        'admin',
        'leader',
        'commander',
        'responder',
        'viewer',
      ])
    ).tokens;
    other = (
      await createOrg(svc, { name: '另一交通公司', kind: 'operator', sector: 'transport', operatorKind: 'cii' }, [
        'admin',
        'leader',
      ])
    ).tokens;
    const plan = await svc.http().post('/api/v1/plans').set(as(op.leader)).send({ fromDefault: 'ransomware' });
    expect(plan.status).toBe(201);
    planId = plan.body.id;
    const sub = await svc
      .http()
      .post('/api/v1/notification-subscriptions')
      .set(as(op.admin))
      .send({
        name: '演练提醒',
        channel: 'webhook',
        config: { url: `${rx.baseUrl}/drills` },
        secret: 'whsec-drills-e2e-0a1b2c3d',
        events: ['drill.reminder'],
        drill: 'include',
      });
    if (sub.status !== 201) throw new Error(`subscribe: ${sub.status} ${sub.text}`);
  });
  afterAll(async () => {
    await svc?.close();
    await rx?.close();
  });

  const schedule = (overrides: Record<string, unknown> = {}) => ({
    planId,
    title: '勒索软件处置演练',
    scope: '核心票务系统；桌面推演加备份恢复实操',
    startsAt: inSeconds(2 * 86400),
    participants: [op.commander.userId, op.responder.userId],
    ...overrides,
  });

  it('refuses bad input with a 4xx naming the field, and roles that may not schedule', async () => {
    const bad = async (body: Record<string, unknown>, field: string) => {
      const res = await svc.http().post('/api/v1/drills').set(as(op.leader)).send(body);
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    };
    await bad(schedule({ startsAt: inSeconds(-60) }), 'startsAt');
    await bad(schedule({ startsAt: '2030-01-01T09:00:00' }), 'startsAt');
    await bad(schedule({ participants: [other.admin.userId] }), 'participants[0]');
    await bad(schedule({ participants: [] }), 'participants');
    await bad(schedule({ remindBefore: ['PT1H', 'soon'] }), 'remindBefore[1]');
    await bad(schedule({ remindBefore: ['P60D'] }), 'remindBefore[0]');
    await bad(schedule({ planVersion: 9 }), 'planVersion');
    await bad(schedule({ category: 'no-such-category' }), 'category');
    await bad(schedule({ title: undefined }), 'title');
    // Another organisation's plan is not yours to drill.
    const foreign = await svc.http().post('/api/v1/plans').set(as(other.leader)).send({ fromDefault: 'ransomware' });
    await bad(schedule({ planId: foreign.body.id }), 'planId');
    await svc.http().post('/api/v1/drills').set(as(op.commander)).send(schedule()).expect(403);
  });

  it("lists the organisation's people for the pickers (admin, leader)", async () => {
    const people = await svc.http().get('/api/v1/drills/people').set(as(op.leader)).expect(200);
    expect(people.body.map((u: { id: string }) => u.id)).toEqual(
      expect.arrayContaining([op.commander.userId, op.responder.userId]),
    );
    expect(people.body.map((u: { id: string }) => u.id)).not.toContain(other.admin.userId);
    await svc.http().get('/api/v1/drills/people').set(as(op.viewer)).expect(403);
  });

  it('schedules a drill; the reminder still ahead fires once and reaches the participants', async () => {
    const res = await svc
      .http()
      .post('/api/v1/drills')
      .set(as(op.leader))
      .send(schedule({ startsAt: inSeconds(4), remindBefore: ['PT24H', 'PT2S'] }));
    expect(res.status).toBe(201);
    drillId = res.body.id;
    expect(res.body).toMatchObject({
      status: 'scheduled',
      planId,
      planVersion: 1,
      grade: 'IV',
      category: 'ransomware',
    });
    expect(res.body.participants.map((p: { name: string }) => p.name)).toEqual([
      'commander of 某城市轨道交通公司',
      'responder of 某城市轨道交通公司',
    ]);
    // A day before has already passed: skipped, not sent late.
    expect(res.body.reminders.map((r: { before: string; status: string }) => [r.before, r.status])).toEqual([
      ['PT24H', 'skipped'],
      ['PT2S', 'pending'],
    ]);

    const sent = await waitFor('the reminder sent', async () => {
      const d = await svc.http().get(`/api/v1/drills/${drillId}`).set(as(op.viewer)).expect(200);
      return d.body.reminders[1].status === 'sent' ? d.body : undefined;
    });
    expect(Date.parse(sent.reminders[1].sentAt)).toBeGreaterThanOrEqual(Date.parse(sent.reminders[1].at));
    const delivered = await waitFor('the reminder delivered', async () => reminderBodies()[0]);
    expect(delivered.drill).toBe(true);
    expect(delivered.text).toContain('commander of 某城市轨道交通公司');
    expect(delivered.text).toContain('responder of 某城市轨道交通公司');

    // Nothing fires twice: once no job of this drill can still run, one reminder was delivered.
    await queueSettled(timers(), `drill.${drillId}.`);
    expect(reminderBodies()).toHaveLength(1);
  });

  it('starting runs the scheduled plan version, even after the plan has been edited', async () => {
    const plan = await svc.http().get(`/api/v1/plans/${planId}`).set(as(op.leader)).expect(200);
    const document = plan.body.document;
    document.steps.push({
      id: 'call-transport-regulator',
      phase: 'containment',
      title: { zh: '电话通报交通运输主管部门', en: 'Call the transport regulator' },
      guidance: { zh: '先电话通报。', en: 'Call first.' },
      roles: ['commander'],
      mandatory: false,
      evidence: [],
      requirements: ['GBT39204-11.3-b'],
    });
    const saved = await svc.http().put(`/api/v1/plans/${planId}`).set(as(op.leader)).send({ document }).expect(200);
    expect(saved.body.latestVersion).toBe(2);

    await svc.http().post(`/api/v1/drills/${drillId}/start`).set(as(op.viewer)).expect(403);
    await svc.http().post(`/api/v1/drills/${drillId}/start`).set(as(other.admin)).expect(404);
    const started = await svc.http().post(`/api/v1/drills/${drillId}/start`).set(as(op.commander)).expect(200);
    expect(started.body.status).toBe('started');
    incidentId = started.body.incidentId;
    expect(incidentId).toEqual(expect.any(String));

    const incident = await svc.http().get(`/api/v1/incidents/${incidentId}`).set(as(op.commander)).expect(200);
    expect(incident.body).toMatchObject({
      drill: true,
      grade: 'IV',
      category: 'ransomware',
      title: '勒索软件处置演练',
    });
    const stepIds = incident.body.steps.map((s: { id: string }) => s.id);
    expect(stepIds).toContain('identify-strain');
    expect(stepIds).not.toContain('call-transport-regulator');
    // The version is pinned: deleting it is refused while the drill incident uses it.
    const del = await svc.http().delete(`/api/v1/plans/${planId}/versions/1`).set(as(op.leader)).expect(409);
    expect(del.body.code).toBe('version-in-use');

    const again = await svc.http().post(`/api/v1/drills/${drillId}/start`).set(as(op.commander)).expect(409);
    expect(again.body.code).toBe('drill-not-scheduled');
    const timeline = await svc.http().get(`/api/v1/incidents/${incidentId}/timeline`).set(as(op.commander)).expect(200);
    expect(timeline.body.map((e: { action: string }) => e.action).slice(0, 2)).toEqual([
      'incident.declared',
      'drill.started',
    ]);
  });

  it('evaluates the drill with follow-ups; the compliance view counts it per plan under 11.2', async () => {
    const later = await svc.http().post('/api/v1/drills').set(as(op.admin)).send(schedule()).expect(201);
    const early = await svc
      .http()
      .post(`/api/v1/drills/${later.body.id}/evaluation`)
      .set(as(op.leader))
      .send({ summary: 's', wentWell: [], gaps: [], followUps: [] })
      .expect(409);
    expect(early.body.code).toBe('drill-not-run');

    const evaluation = {
      summary: '预案可执行；恢复时间超出目标 40 分钟',
      wentWell: ['研判和定级在 15 分钟内完成'],
      gaps: ['离线备份恢复无操作手册'],
      followUps: [{ action: '编写离线备份恢复操作手册', ownerId: op.responder.userId, dueDate: '2027-01-15' }],
    };
    const badOwner = await svc
      .http()
      .post(`/api/v1/drills/${drillId}/evaluation`)
      .set(as(op.leader))
      .send({ ...evaluation, followUps: [{ ...evaluation.followUps[0], ownerId: other.admin.userId }] })
      .expect(400);
    expect(badOwner.body.details[0].field).toBe('followUps[0].ownerId');
    const badDate = await svc
      .http()
      .post(`/api/v1/drills/${drillId}/evaluation`)
      .set(as(op.leader))
      .send({ ...evaluation, followUps: [{ ...evaluation.followUps[0], dueDate: '2027-02-30' }] })
      .expect(400);
    expect(badDate.body.details[0].field).toBe('followUps[0].dueDate');
    await svc.http().post(`/api/v1/drills/${drillId}/evaluation`).set(as(op.commander)).send(evaluation).expect(403);

    const evaluated = await svc
      .http()
      .post(`/api/v1/drills/${drillId}/evaluation`)
      .set(as(op.leader))
      .send(evaluation)
      .expect(200);
    expect(evaluated.body.status).toBe('evaluated');
    expect(evaluated.body.evaluation).toMatchObject({ gaps: evaluation.gaps, evaluatedBy: op.leader.userId });
    expect(evaluated.body.followUps).toEqual([
      expect.objectContaining({ ownerName: 'responder of 某城市轨道交通公司', dueDate: '2027-01-15', status: 'open' }),
    ]);
    await svc.http().post(`/api/v1/drills/${drillId}/evaluation`).set(as(op.leader)).send(evaluation).expect(409);

    const compliance = await svc.http().get('/api/v1/drills/compliance').set(as(op.viewer)).expect(200);
    expect(compliance.body.requirements.map((r: { requirementId: string }) => r.requirementId)).toEqual([
      'GBT39204-11.2-a',
      'GBT39204-11.2-c',
    ]);
    expect(compliance.body.requirements[0]).toMatchObject({
      documentId: 'GBT39204-2022',
      clause: '11.2',
      clauseTitle: { zh: '应急演练', en: 'Emergency drills' },
      address: '/api/v1/requirements/GBT39204-11.2-a',
    });
    const row = compliance.body.plans.find((p: { planId: string }) => p.planId === planId);
    expect(row).toMatchObject({ planned: 1, run: 1, evaluated: 1, awaitingEvaluation: 0, openFollowUps: 1 });
    expect(row.nextDrillAt).toBe(later.body.startsAt);

    // The owner closes the follow-up; someone else (not admin or leader) may not.
    const fu = evaluated.body.followUps[0].id;
    await svc
      .http()
      .post(`/api/v1/drills/${drillId}/follow-ups/${fu}/completion`)
      .set(as(op.commander))
      .send({})
      .expect(403);
    await svc
      .http()
      .post(`/api/v1/drills/${drillId}/follow-ups/${fu}/completion`)
      .set(as(op.responder))
      .send({ note: '手册已发布' })
      .expect(200);
    const after = await svc.http().get('/api/v1/drills/compliance').set(as(op.viewer)).expect(200);
    expect(after.body.plans.find((p: { planId: string }) => p.planId === planId).openFollowUps).toBe(0);

    // Cancelling the later drill cancels its reminders; a second cancellation is refused.
    const cancelled = await svc
      .http()
      .post(`/api/v1/drills/${later.body.id}/cancellation`)
      .set(as(op.leader))
      .send({ reason: '机房搬迁，改期' })
      .expect(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.reminders.map((r: { status: string }) => r.status)).toEqual(['cancelled', 'cancelled']);
    await queueSettled(timers(), `drill.${later.body.id}.`);
    const c2 = await svc
      .http()
      .post(`/api/v1/drills/${later.body.id}/cancellation`)
      .set(as(op.leader))
      .send({ reason: 'again' })
      .expect(409);
    expect(c2.body.code).toBe('drill-not-scheduled');
    await svc.http().post(`/api/v1/drills/${later.body.id}/cancellation`).set(as(op.leader)).send({}).expect(400);
  });

  it("keeps organisations apart: another organisation's drill is 404 and not listed", async () => {
    await svc.http().get(`/api/v1/drills/${drillId}`).set(as(other.admin)).expect(404);
    await svc
      .http()
      .post(`/api/v1/drills/${drillId}/cancellation`)
      .set(as(other.admin))
      .send({ reason: 'x' })
      .expect(404);
    const list = await svc.http().get('/api/v1/drills').set(as(other.admin)).expect(200);
    expect(list.body).toEqual([]);
    const compliance = await svc.http().get('/api/v1/drills/compliance').set(as(other.admin)).expect(200);
    expect(compliance.body.plans.map((p: { planId: string }) => p.planId)).not.toContain(planId);
    const mine = await svc.http().get('/api/v1/drills?status=evaluated').set(as(op.viewer)).expect(200);
    expect(mine.body.map((d: { id: string }) => d.id)).toEqual([drillId]);
    await svc.http().get('/api/v1/drills?status=done').set(as(op.viewer)).expect(400);
  });
});
