import type { INestApplication } from '@nestjs/common';
import IORedis from 'ioredis';
import { startService, type ServiceHandle } from '../../src/bootstrap';
import { LiveHub, liveChannel } from '../../src/live';
import { freePort } from '../../src/redis/local-redis';
import { EventStreamClient } from '../support/event-stream';
import { bearer, createOrg, incidentInput, startTestService, watchService, type TestService } from '../support/harness';
import { IncidentDriver, type StepJson, type Tokens } from '../support/incident-driver';
import { waitFor } from '../support/wait';

/**
 * Live updates end to end: the real app listening on a loopback port, its embedded redis-server,
 * streams read with Node's http client as a browser's EventSource would read them. Every wait is
 * for a message with a deadline; "nothing arrived" is shown by a marker (a later change of the
 * stream's own organisation arriving first), never by waiting a guessed time.
 */
describe('live updates (GET /api/v1/stream)', () => {
  jest.setTimeout(90_000);
  const PING_MS = 300;
  let svc: TestService;
  let second: ServiceHandle | undefined;
  let opA: Tokens;
  let orgA: string;
  let opB: Tokens;
  let dept: Tokens;
  const open: EventStreamClient[] = [];

  beforeAll(async () => {
    svc = await startTestService({ listen: true, env: { LIVE_PING_MS: String(PING_MS) } });
    const a = await createOrg(svc, { name: '某证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
      'commander',
      'responder',
      'liaison',
      'leader',
    ]);
    opA = a.tokens;
    orgA = a.orgId;
    opB = (
      await createOrg(svc, { name: '某电网公司', kind: 'operator', sector: 'energy', operatorKind: 'cii' }, [
        'commander',
      ])
    ).tokens;
    dept = (
      await createOrg(svc, { name: '金融行业保护工作部门', kind: 'department', sector: 'finance' }, [
        'department-officer',
      ])
    ).tokens;
  });

  afterEach(async () => {
    for (const s of open.splice(0)) s.close();
    // Every stream of the test is gone from the server before the next begins (and its answer checked).
    const hubs = [svc.app.get(LiveHub), ...(second ? [(second.app as INestApplication).get(LiveHub)] : [])];
    await waitFor('the streams to close on the server', async () => hubs.every((h) => h.listenerCount() === 0));
  });

  afterAll(async () => {
    await second?.close();
    await svc?.close();
  });

  const http = () => svc.http();

  async function stream(token: string | undefined, base = svc.handle.url!): Promise<EventStreamClient> {
    const s = await EventStreamClient.open(`${base}/api/v1/stream`, token ? bearer(token) : {});
    open.push(s);
    return s;
  }

  async function listening(token: string, base?: string): Promise<EventStreamClient> {
    const s = await stream(token, base);
    expect(s.status).toBe(200);
    await s.listening();
    return s;
  }

  async function declare(tokens: Tokens, overrides: Record<string, unknown> = {}): Promise<IncidentDriver> {
    const res = await http()
      .post('/api/v1/incidents')
      .set(bearer(tokens.commander.token))
      .send(incidentInput(overrides))
      .expect(201);
    return new IncidentDriver(svc, tokens, res.body.id);
  }

  async function firstTriageStep(inc: IncidentDriver): Promise<StepJson> {
    const steps = (await inc.get()).steps as StepJson[];
    return steps.find((s) => s.phase === 'triage' && s.status === 'open' && s.roles.includes('commander'))!;
  }

  it('refuses a caller without a valid token with 401, as every route does', async () => {
    const none = await stream(undefined);
    await none.until('the answer', () => none.ended);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    const bad = await stream('lf_abcdefgh_not-a-real-token-000000000000000000000');
    await bad.until('the answer', () => bad.ended);
    expect(bad.status).toBe(401);
  });

  it('starts with a ready event and retry: 3000 once it listens, then pings every LIVE_PING_MS', async () => {
    const s = await listening(opA.commander.token);
    expect(s.res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(s.res.headers['cache-control']).toMatch(/no-cache/);
    // An event a browser dispatches (data not empty), so the console can tell when the stream listens.
    expect(s.events[0]).toMatchObject({ event: 'ready', retry: 3000, data: '{}' });
    await s.until('two pings', () => s.comments.filter((c) => c === 'ping').length >= 2, 5000);
  });

  it("tells org A's stream of a step completed in A within a deadline, and org B's stream nothing of it", async () => {
    const inc = await declare(opA);
    const step = await firstTriageStep(inc);
    const a = await listening(opA.commander.token);
    const b = await listening(opB.commander.token);

    await inc.completeStep('commander', step.id, { note: 'seen on trade-app-01' }).expect(200);
    const change = await a.change('the completed step', (c) => c.action === 'incident.event.COMPLETE_STEP', 5000);
    expect(change).toEqual({
      kind: 'incident',
      id: inc.id,
      incidentId: inc.id,
      action: 'incident.event.COMPLETE_STEP',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
    });

    // The marker: a change of B's own, made after A's. Its arriving first shows A's never came.
    const own = await declare(opB);
    await b.change("B's own incident", (c) => c.id === own.id, 5000);
    expect(b.changes[0]).toMatchObject({ kind: 'incident', id: own.id, action: 'incident.declared' });
    expect(JSON.stringify(b.events)).not.toContain(inc.id);
    // Ids and kinds only: nothing of the step's note or the incident's title.
    expect(JSON.stringify(a.events)).not.toContain('trade-app-01');
    expect(JSON.stringify(a.events)).not.toContain(incidentInput().title);
  });

  it("puts a report submitted to a department on its stream, and its answers on the operator's", async () => {
    const inc = await declare(opA, { grade: 'II' });
    await inc.completePhase('triage');
    await inc.send('commander', { type: 'CONFIRM', grade: 'II', crimeSuspected: false });
    const draft = await http()
      .post(`/api/v1/incidents/${inc.id}/reports`)
      .set(bearer(opA.liaison.token))
      .send({ kind: 'initial' })
      .expect(201);
    const reportId: string = draft.body.id;
    const fields: Record<string, string> = {};
    for (const code of draft.body.missingFields as string[]) fields[code] = `${code} 的内容`;
    await http().patch(`/api/v1/reports/${reportId}`).set(bearer(opA.liaison.token)).send({ fields }).expect(200);
    await http().post(`/api/v1/reports/${reportId}/approve`).set(bearer(opA.commander.token)).expect(200);

    const department = await listening(dept['department-officer'].token);
    const operator = await listening(opA.commander.token);
    const other = await listening(opB.commander.token);
    await http()
      .post(`/api/v1/reports/${reportId}/submit`)
      .set(bearer(opA.liaison.token))
      .send({ outOfBand: [{ recipientKind: 'public-security', recipientName: '市公安局网安支队', means: 'phone' }] })
      .expect(200);

    // The department knows the report (its inbox item), not the operator's incident.
    expect(await department.change('the submitted report', (c) => c.action === 'report.submitted')).toEqual({
      kind: 'inbox',
      id: reportId,
      action: 'report.submitted',
      at: expect.any(String),
    });
    await operator.change('the submission', (c) => c.kind === 'report' && c.action === 'report.submitted');
    expect(operator.changes.find((c) => c.action === 'report.submitted')).toMatchObject({ incidentId: inc.id });

    await http()
      .post(`/api/v1/inbox/reports/${reportId}/acknowledge`)
      .set(bearer(dept['department-officer'].token))
      .send({})
      .expect(200);
    expect(await operator.change('the acknowledgement', (c) => c.action === 'report.acknowledged')).toEqual({
      kind: 'report',
      id: reportId,
      incidentId: inc.id,
      action: 'report.acknowledged',
      at: expect.any(String),
    });
    await department.change('its own acknowledgement', (c) => c.action === 'report.acknowledged' && c.kind === 'inbox');

    await http()
      .post(`/api/v1/inbox/reports/${reportId}/request-info`)
      .set(bearer(dept['department-officer'].token))
      .send({ message: 'Which VPN appliance?' })
      .expect(200);
    await operator.change('the request for information', (c) => c.action === 'report.info-requested');
    expect(JSON.stringify(operator.events)).not.toContain('VPN appliance');

    // B (another sector, no part in this) heard none of it: its own change arrives first.
    const own = await declare(opB);
    await other.change("B's own incident", (c) => c.id === own.id);
    expect(other.changes.map((c) => c.id)).toEqual([own.id]);
  });

  it("tells the warned operator of a warning, and the department of the operator's feedback", async () => {
    const department = await listening(dept['department-officer'].token);
    const operator = await listening(opA.commander.token);
    const issued = await http()
      .post('/api/v1/warnings')
      .set(bearer(dept['department-officer'].token))
      .send({
        title: '针对证券交易系统的勒索软件攻击活动预警',
        level: 'orange',
        threatDescription: 'A ransomware group exploits an unpatched VPN appliance.',
        recommendedActions: ['Patch the VPN appliance'],
        indicators: [{ type: 'ipv4-addr', value: '203.0.113.7' }],
        operatorIds: [orgA],
      })
      .expect(202);
    const warningId: string = issued.body.id;
    // The operator hears of it when the fan-out batch that names it has created its workflow.
    expect(await operator.change('the warning', (c) => c.id === warningId)).toEqual({
      kind: 'warning',
      id: warningId,
      action: 'warning.fanned-out',
      at: expect.any(String),
    });
    await department.change('its own warning', (c) => c.id === warningId && c.action === 'warning.issued');
    await department.change('its fan-out', (c) => c.id === warningId && c.action === 'warning.fanned-out');

    const send = (token: string, body: Record<string, unknown>) =>
      http().post(`/api/v1/warnings/${warningId}/events`).set(bearer(token)).send(body).expect(200);
    await send(opA.responder.token, { type: 'START_ASSESSMENT' });
    await send(opA.commander.token, { type: 'ASSESSED', applicable: false, note: 'no such appliance' });
    await send(opA.liaison.token, { type: 'FEEDBACK_SENT', feedback: 'Not applicable: no such appliance here' });
    expect(await department.change('the feedback', (c) => c.action === 'warning.event.FEEDBACK_SENT')).toEqual({
      kind: 'warning',
      id: warningId,
      action: 'warning.event.FEEDBACK_SENT',
      at: expect.any(String),
    });
    expect(JSON.stringify(department.events)).not.toContain('no such appliance');
  });

  it('removes the listener and the Redis subscription when the client goes away', async () => {
    const hub = svc.app.get(LiveHub);
    const orgId = orgA;
    const redis = new IORedis(svc.handle.redisUrl);
    try {
      const subscribers = async () => {
        const [, n] = (await redis.pubsub('NUMSUB', liveChannel(orgId))) as [string, number];
        return Number(n);
      };
      const first = await listening(opA.commander.token);
      const again = await listening(opA.responder.token);
      expect(hub.listenerCount(orgId)).toBe(2);
      // One subscriber connection for the process, however many streams.
      expect(await subscribers()).toBe(1);
      first.close();
      await waitFor('one listener left', async () => hub.listenerCount(orgId) === 1);
      expect(await subscribers()).toBe(1);
      again.close();
      await waitFor('no listener left', async () => hub.listenerCount() === 0);
      await waitFor('the channel unsubscribed', async () => (await subscribers()) === 0);
    } finally {
      redis.disconnect();
    }
  });

  it('reaches a stream opened on a second API process sharing Redis, from a change made on the first', async () => {
    second = await startService({
      env: {
        DATABASE_URL: `sqlite:${svc.sqlitePath}`,
        VAR_DIR: `${svc.dir}/var`,
        REDIS_URL: svc.handle.redisUrl,
        LOG_LEVEL: 'silent',
        TZ: 'UTC',
        PORT: String(await freePort()),
        HOST: '127.0.0.1',
        LIVE_PING_MS: String(PING_MS),
      },
      api: true,
      workers: false,
      processName: 'test-second',
    });
    watchService(second.app as INestApplication);
    const inc = await declare(opA);
    const step = await firstTriageStep(inc);
    const there = await listening(opA.commander.token, second.url);
    await inc.completeStep('commander', step.id, {}).expect(200);
    await there.change('the step completed through the first process', (c) => c.id === inc.id, 5000);

    // Shutting a process down ends its open streams (the HTTP server would otherwise wait for them).
    const stopping = second;
    second = undefined;
    await stopping.close();
    await there.until('the stream to end', () => there.ended, 5000);
  });
});

/**
 * A Redis outage, on a service of its own without queue workers: closing BullMQ workers after a
 * quick Redis restart can hang (seen with and without this module), and this is about API streams.
 */
describe('live updates across a Redis outage', () => {
  jest.setTimeout(90_000);
  let svc: TestService;
  let op: Tokens;

  beforeAll(async () => {
    svc = await startTestService({ listen: true, workers: false });
    op = (
      await createOrg(svc, { name: '某证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
        'commander',
      ])
    ).tokens;
  });
  afterAll(() => svc?.close());

  it('ends the streams when Redis goes away (changes may be lost), and streams again once it is back', async () => {
    const url = `${svc.handle.url}/api/v1/stream`;
    const s = await EventStreamClient.open(url, bearer(op.commander.token));
    try {
      await s.listening();
      await svc.handle.localRedis!.stop();
      try {
        await s.until('the stream to end', () => s.ended, 10_000);
      } finally {
        await svc.handle.localRedis!.start();
      }
    } finally {
      s.close();
    }
    // Opened as soon as Redis is back: once it listens, a change made at once reaches it (the
    // publisher's connection may still be reconnecting; the message waits for it).
    const again = await EventStreamClient.open(url, bearer(op.commander.token));
    try {
      await again.listening();
      const res = await svc
        .http()
        .post('/api/v1/incidents')
        .set(bearer(op.commander.token))
        .send(incidentInput())
        .expect(201);
      await again.change('a change after the outage', (c) => c.id === res.body.id, 10_000);
    } finally {
      again.close();
    }
    await waitFor('the streams to close on the server', async () => svc.app.get(LiveHub).listenerCount() === 0);
  });
});
