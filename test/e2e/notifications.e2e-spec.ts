import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { createHmac } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { verifyWebhookSignature } from '../../src/notifications/channels';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { sql } from '../../src/database/sql';
import { FanoutService } from '../../src/notifications/fanout.service';
import { NotificationDelivery } from '../../src/notifications/notification-delivery.entity';
import { NotificationSubscription } from '../../src/notifications/notification-subscription.entity';
import type { OutboxItem } from '../../src/outbox/outbox.service';
import { auditRows } from '../support/audit-rows';
import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';
import { IncidentDriver, type Tokens } from '../support/incident-driver';
import { queueSettled, waitFor } from '../support/wait';
import { CapturedRequest, json, Receiver, startReceiver } from '../unit/notifications/support/http-receiver';
import { header, leaves, parseMime } from '../unit/notifications/support/mime';

/** Ends a test's transaction with a rollback, carrying what it counted. */
class RolledBack extends Error {
  constructor(readonly counts: { matched: number; created: number }) {
    super('rolled back on purpose');
  }
}

/**
 * Notifications end to end: real subscriptions through the API, real workflow events, the real
 * outbox → BullMQ → fan-out → delivery path, and real receivers on loopback (an SMTP server and an
 * HTTP server that checks signatures the way WeCom/DingTalk/Feishu and our webhook consumers do).
 */
describe('notifications: subscriptions, fan-out, delivery with retries, delivery log', () => {
  jest.setTimeout(90_000);
  let svc: TestService;
  let rx: Receiver;
  let smtp: SMTPServer;
  let smtpPort: number;
  const mails: Array<{ raw: string; rcptTo: string[] }> = [];
  const flakyCount = new Map<string, number>();

  const WEBHOOK_SECRET = 'whsec-e2e-5e3f1a2b7c9d';
  const DINGTALK_SECRET = 'SECe2e0dingtalk0secret0value';
  const FEISHU_SECRET = 'feishu-e2e-signing-secret';
  const WECOM_KEY = 'wecom-e2e-robot-key-0001';
  const ALL_SECRETS = [WEBHOOK_SECRET, DINGTALK_SECRET, FEISHU_SECRET, WECOM_KEY];

  beforeAll(async () => {
    rx = await startReceiver((req, res) => {
      const path = new URL(req.url, 'http://x').pathname;
      if (path.startsWith('/flaky/')) {
        // Fails three times, then accepts.
        const n = (flakyCount.get(path) ?? 0) + 1;
        flakyCount.set(path, n);
        return json(res, n <= 3 ? 500 : 200, { n });
      }
      if (path.startsWith('/down/')) return json(res, 503, { busy: true });
      if (path.startsWith('/reject/')) return json(res, 400, { error: 'bad request' });
      // An internal page that answers anything with a secret in its body.
      if (path.startsWith('/leaky/')) return json(res, 500, { page: 'db_password=hunter2-internal' });
      if (path === '/leaky-robot/cgi-bin/webhook/send')
        return json(res, 200, { errcode: 93000, errmsg: 'invalid key; db_password=hunter2-internal' });
      if (path === '/cgi-bin/webhook/send' || path === '/robot/send')
        return json(res, 200, { errcode: 0, errmsg: 'ok' });
      if (path.startsWith('/open-apis/bot/v2/hook/')) return json(res, 200, { code: 0, msg: 'success' });
      // Generic webhooks: accept only what is correctly signed, as a real consumer would.
      const ok = verifyWebhookSignature(
        WEBHOOK_SECRET,
        req.headers['x-lianfang-timestamp'] as string,
        req.rawBody,
        req.headers['x-lianfang-signature'] as string,
      );
      return json(res, ok ? 200 : 401, { ok });
    });
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            raw: Buffer.concat(chunks).toString('utf8'),
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    svc = await startTestService({
      env: {
        EGRESS_ALLOW: '127.0.0.1',
        NOTIFY_BACKOFF_MS: '100',
        REMINDER_FRACTIONS: '0.999',
        ESCALATION_STEP_DELAY: 'PT1S',
      },
    });
  });
  afterAll(async () => {
    await svc?.close();
    await rx?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  let orgSeq = 0;
  async function operatorOrg(): Promise<{ orgId: string; tokens: Tokens }> {
    orgSeq++;
    return createOrg(svc, { name: `Operator ${orgSeq}`, kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
      'admin',
      'commander',
      'responder',
      'liaison',
      'leader',
      'viewer',
    ]);
  }

  /** Every response body of the run, to prove no secret ever leaves the service. */
  const bodies: string[] = [];
  async function subscribe(tokens: Tokens, body: Record<string, unknown>) {
    const res = await svc.http().post('/api/v1/notification-subscriptions').set(bearer(tokens.admin.token)).send(body);
    bodies.push(res.text);
    if (res.status !== 201) throw new Error(`subscribe ${String(body.name)}: ${res.status} ${res.text}`);
    return res.body as { id: string; hasSecret: boolean; config: Record<string, unknown> };
  }
  const webhook = (name: string, path: string, extra: Record<string, unknown> = {}) => ({
    name,
    channel: 'webhook',
    config: { url: `${rx.baseUrl}${path}` },
    secret: WEBHOOK_SECRET,
    events: ['incident.declared'],
    ...extra,
  });

  async function declare(tokens: Tokens, overrides: Record<string, unknown> = {}) {
    const res = await svc
      .http()
      .post('/api/v1/incidents')
      .set(bearer(tokens.commander.token))
      .send(incidentInput(overrides));
    expect(res.status).toBe(201);
    return new IncidentDriver(svc, tokens, res.body.id);
  }

  interface Delivery {
    id: string;
    event: string;
    template: string;
    subscriptionId: string;
    subscriptionName: string;
    channel: string;
    status: string;
    attempts: number;
    lastStatus: number | null;
    lastError: string | null;
    title: string;
  }
  async function deliveries(tokens: Tokens, incidentId: string): Promise<Delivery[]> {
    const res = await svc.http().get(`/api/v1/incidents/${incidentId}/notifications`).set(bearer(tokens.viewer.token));
    bodies.push(res.text);
    expect(res.status).toBe(200);
    return res.body;
  }
  function settled(list: Delivery[], n: number): Delivery[] | undefined {
    return list.length === n && list.every((d) => d.status !== 'queued') ? list : undefined;
  }
  const at = (path: string) => rx.requests.filter((r: CapturedRequest) => new URL(r.url, 'http://x').pathname === path);
  const bodyOf = (r: CapturedRequest) => JSON.parse(r.rawBody.toString('utf8'));

  it(
    'validates subscriptions: channel config errors name the field, ' + 'webhooks need a secret, events are known',
    async () => {
      const { tokens } = await operatorOrg();
      const post = (body: Record<string, unknown>) =>
        svc.http().post('/api/v1/notification-subscriptions').set(bearer(tokens.admin.token)).send(body);
      const bad = await post({ ...webhook('x', '/hook/x'), config: { url: 'ftp://example.com/hook' } });
      expect(bad.status).toBe(400);
      expect(bad.body.details).toEqual([expect.objectContaining({ field: 'config.url' })]);
      const typo = await post({
        ...webhook('x', '/hook/x'),
        config: { url: `${rx.baseUrl}/hook/x`, timeoutMillis: 5 },
      });
      expect(typo.status).toBe(400);
      expect(typo.body.details[0].field).toBe('config.timeoutMillis');
      const mail = await post({
        name: 'm',
        channel: 'email',
        config: { host: '127.0.0.1', port: 25, secure: false, from: 'a@b', to: [] },
        events: ['incident.declared'],
      });
      expect(mail.status).toBe(400);
      expect(mail.body.details[0].field).toBe('config.to');
      const unsigned = await post({ ...webhook('x', '/hook/x'), secret: undefined, events: ['incident.declared'] });
      expect(unsigned.status).toBe(400);
      expect(unsigned.body.details[0].field).toBe('secret');
      const unknownEvent = await post({ ...webhook('x', '/hook/x'), events: ['incident.exploded'] });
      expect(unknownEvent.status).toBe(400);
      expect(unknownEvent.body.details[0].field).toBe('events');
      const unknownField = await post({ ...webhook('x', '/hook/x'), events: ['incident.declared'], colour: 'red' });
      expect(unknownField.status).toBe(400);
      // Only admins manage subscriptions.
      const byCommander = await svc
        .http()
        .post('/api/v1/notification-subscriptions')
        .set(bearer(tokens.commander.token))
        .send({ ...webhook('x', '/hook/x'), events: ['incident.declared'] });
      expect(byCommander.status).toBe(403);
      const list = await svc
        .http()
        .get('/api/v1/notification-subscriptions')
        .set(bearer(tokens.admin.token))
        .expect(200);
      expect(list.body).toEqual([]);
    },
  );

  it(
    'delivers incident.confirmed by email, signed webhook, WeCom, DingTalk ' + 'and Feishu; grade filter applies',
    async () => {
      const { tokens } = await operatorOrg();
      const events = ['incident.confirmed'];
      const email = await subscribe(tokens, {
        name: 'duty mailbox',
        channel: 'email',
        events,
        locale: 'zh-CN',
        config: {
          host: '127.0.0.1',
          port: smtpPort,
          secure: false,
          ignoreTLS: true,
          from: 'lianfang@test.local',
          to: ['soc@test.local'],
        },
      });
      expect(email.hasSecret).toBe(false);
      const hook = await subscribe(tokens, webhook('siem', '/hook/confirmed', { events, locale: 'en' }));
      expect(hook.hasSecret).toBe(true);
      const wecom = await subscribe(tokens, {
        name: 'wecom group',
        channel: 'wecom',
        events,
        config: { url: `${rx.baseUrl}/cgi-bin/webhook/send` },
        secret: WECOM_KEY,
      });
      const dingtalk = await subscribe(tokens, {
        name: 'dingtalk group',
        channel: 'dingtalk',
        events,
        config: { url: `${rx.baseUrl}/robot/send?access_token=dt-token-123456` },
        secret: DINGTALK_SECRET,
      });
      // The access token grants posting rights: stored, but not shown.
      expect(JSON.stringify(dingtalk.config)).not.toContain('dt-token-123456');
      const feishu = await subscribe(tokens, {
        name: 'feishu group',
        channel: 'feishu',
        events,
        config: { url: `${rx.baseUrl}/open-apis/bot/v2/hook/fs-hook-token` },
        secret: FEISHU_SECRET,
      });
      const gradeI = await subscribe(tokens, webhook('grade I only', '/hook/grade-one', { events, grades: ['I'] }));
      const gradeII = await subscribe(
        tokens,
        webhook('grade II only', '/hook/grade-two', { events, grades: ['II', 'III'] }),
      );

      const inc = await declare(tokens, { grade: 'II', title: '交易系统遭勒索软件加密' });
      await inc.completePhase('triage');
      await inc.send('commander', { type: 'CONFIRM', grade: 'II' });
      const log = await waitFor(
        'six settled deliveries',
        async () => settled(await deliveries(tokens, inc.id), 6),
        30_000,
      );

      expect(log.every((d) => d.status === 'delivered' && d.attempts === 1 && d.event === 'incident.confirmed')).toBe(
        true,
      );
      const bySub = new Map(log.map((d) => [d.subscriptionId, d]));
      expect([...bySub.keys()].sort()).toEqual(
        [email.id, hook.id, wecom.id, dingtalk.id, feishu.id, gradeII.id].sort(),
      );
      expect(bySub.has(gradeI.id)).toBe(false);
      expect(bySub.get(email.id)).toMatchObject({
        channel: 'email',
        subscriptionName: 'duty mailbox',
        lastStatus: 250,
      });
      const reference: string = (await inc.get()).reference;

      // Email: one mail, subject from the zh-CN template, the delivery id in a header.
      const mail = mails.filter((m) => m.raw.includes(bySub.get(email.id)!.id));
      expect(mail).toHaveLength(1);
      expect(mail[0]!.rcptTo).toEqual(['soc@test.local']);
      const parsed = parseMime(mail[0]!.raw);
      expect(header(parsed, 'subject')).toBe(`[${reference}] 事件已确认：交易系统遭勒索软件加密`);
      expect(header(parsed, 'x-lianfang-delivery')).toBe(bySub.get(email.id)!.id);
      expect(
        leaves(parsed)
          .map((p) => p.body.toString('utf8'))
          .join('\n'),
      ).toContain('重大（II 级）');

      // Generic webhook: HMAC verified by the receiver (it answered 200), body carries ids and data.
      const [hookReq, ...moreHook] = at('/hook/confirmed');
      expect(moreHook).toHaveLength(0);
      expect(
        verifyWebhookSignature(
          WEBHOOK_SECRET,
          hookReq!.headers['x-lianfang-timestamp'] as string,
          hookReq!.rawBody,
          hookReq!.headers['x-lianfang-signature'] as string,
        ),
      ).toBe(true);
      expect(
        verifyWebhookSignature(
          'another-secret',
          hookReq!.headers['x-lianfang-timestamp'] as string,
          hookReq!.rawBody,
          hookReq!.headers['x-lianfang-signature'] as string,
        ),
      ).toBe(false);
      const hb = bodyOf(hookReq!);
      expect(hb).toMatchObject({
        id: bySub.get(hook.id)!.id,
        event: 'incident.confirmed',
        locale: 'en',
        drill: false,
        data: { incidentId: inc.id, reference, grade: 'II', category: 'ransomware' },
      });
      expect(hb.title).toBe(`[${reference}] Incident confirmed: 交易系统遭勒索软件加密`);
      expect(hookReq!.headers['x-lianfang-delivery']).toBe(bySub.get(hook.id)!.id);
      expect(at('/hook/grade-two')).toHaveLength(1);
      expect(at('/hook/grade-one')).toHaveLength(0);

      // WeCom: key from the secret in the query, markdown body.
      const [wq] = at('/cgi-bin/webhook/send');
      expect(new URL(wq!.url, 'http://x').searchParams.get('key')).toBe(WECOM_KEY);
      const wb = bodyOf(wq!);
      expect(Object.keys(wb).sort()).toEqual(['markdown', 'msgtype']);
      expect(wb.msgtype).toBe('markdown');
      expect(wb.markdown.content).toContain(reference);

      // DingTalk: timestamp (ms) and sign = base64(HMAC-SHA256(secret, ts + "\n" + secret)), recomputed here.
      const [dq] = at('/robot/send');
      const du = new URL(dq!.url, 'http://x');
      expect(du.searchParams.get('access_token')).toBe('dt-token-123456');
      const dts = du.searchParams.get('timestamp')!;
      expect(du.searchParams.get('sign')).toBe(
        createHmac('sha256', DINGTALK_SECRET).update(`${dts}\n${DINGTALK_SECRET}`).digest('base64'),
      );
      const db = bodyOf(dq!);
      expect(db.msgtype).toBe('markdown');
      expect(db.markdown.title).toContain(reference);

      // Feishu: timestamp (s) and sign = base64(HMAC-SHA256(key = ts + "\n" + secret, empty)) in the body.
      const [fq] = at('/open-apis/bot/v2/hook/fs-hook-token');
      const fb = bodyOf(fq!);
      expect(fb.msg_type).toBe('post');
      expect(fb.sign).toBe(createHmac('sha256', `${fb.timestamp}\n${FEISHU_SECRET}`).update('').digest('base64'));
      expect(fb.content.post.zh_cn.title).toContain(reference);
    },
  );

  it('drill filter: a drill reaches include and only subscriptions, never exclude; drills are stamped', async () => {
    const { tokens } = await operatorOrg();
    const events = ['incident.declared'];
    const include = await subscribe(tokens, webhook('include', '/hook/drill-include', { events }));
    const exclude = await subscribe(tokens, webhook('exclude', '/hook/drill-exclude', { events, drill: 'exclude' }));
    const only = await subscribe(tokens, webhook('only', '/hook/drill-only', { events, drill: 'only' }));

    const drill = await declare(tokens, { drill: true });
    const drillLog = await waitFor('drill deliveries', async () => settled(await deliveries(tokens, drill.id), 2));
    expect(drillLog.map((d) => d.subscriptionId).sort()).toEqual([include.id, only.id].sort());
    expect(drillLog.every((d) => d.status === 'delivered' && d.title.startsWith('【演练】'))).toBe(true);
    const real = await declare(tokens, { drill: false });
    const realLog = await waitFor('real deliveries', async () => settled(await deliveries(tokens, real.id), 2));
    expect(realLog.map((d) => d.subscriptionId).sort()).toEqual([include.id, exclude.id].sort());

    expect(at('/hook/drill-exclude').map((r) => bodyOf(r).data.incidentId)).toEqual([real.id]);
    expect(at('/hook/drill-only').map((r) => bodyOf(r).data.incidentId)).toEqual([drill.id]);
    const onlyBody = bodyOf(at('/hook/drill-only')[0]!);
    expect(onlyBody.drill).toBe(true);
    expect(onlyBody.title).toMatch(/^【演练】/);
  });

  it(
    'retries a failing receiver with backoff: three 500s then success is ' +
      'one delivery, four attempts, one delivery id',
    async () => {
      const { tokens } = await operatorOrg();
      const flaky = await subscribe(tokens, webhook('flaky', '/flaky/a', { events: ['incident.declared'] }));
      const rejecting = await subscribe(tokens, webhook('rejecting', '/reject/a', { events: ['incident.declared'] }));
      const inc = await declare(tokens);
      const log = await waitFor(
        'flaky delivered and rejecting failed',
        async () => settled(await deliveries(tokens, inc.id), 2),
        20_000,
      );
      const ok = log.find((d) => d.subscriptionId === flaky.id)!;
      expect(ok).toMatchObject({ status: 'delivered', attempts: 4, lastStatus: 200, lastError: null });
      const tries = at('/flaky/a');
      expect(tries).toHaveLength(4);
      expect(new Set(tries.map((r) => r.headers['x-lianfang-delivery']))).toEqual(new Set([ok.id]));
      const failed = log.find((d) => d.subscriptionId === rejecting.id)!;
      expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastStatus: 400, lastError: 'HTTP 400' });

      // Nothing more arrives later: no retry after success, none after a 4xx (no delivery job is left to run).
      await queueSettled(svc.app.get<Queue>(getQueueToken('notifications'), { strict: false }), '');
      expect(at('/flaky/a')).toHaveLength(4);
      expect(at('/reject/a')).toHaveLength(1);

      // A deliver job that runs again after success sends nothing.
      const queue = svc.app.get<Queue>(getQueueToken('notifications'), { strict: false });
      const rerun = await queue.add('deliver', { deliveryId: ok.id }, { jobId: `rerun.${ok.id}` });
      const state = await waitFor('rerun finished', async () => {
        const s = await queue.getJobState(rerun.id!);
        return s === 'completed' || s === 'failed' ? s : undefined;
      });
      expect(state).toBe('completed');
      expect((await queue.getJob(rerun.id!))!.returnvalue).toBe('already-delivered');
      expect(at('/flaky/a')).toHaveLength(4);

      // A fan-out decided again creates no second delivery, although both subscriptions still match it
      // (the same event under a fresh fan-out id would make two; that transaction is rolled back).
      const ds = svc.app.get(DataSource);
      const row = await ds.getRepository(NotificationDelivery).findOneByOrFail({ id: ok.id });
      const fanoutItem = (id: string): OutboxItem => ({
        id,
        queue: 'notifications',
        kind: 'fanout',
        payload: {
          orgId: row.orgId,
          incidentId: inc.id,
          event: 'incident.declared',
          data: {},
          drill: false,
          grade: 'II',
        },
      });
      const fanout = svc.app.get(FanoutService);
      const again = await svc.app
        .get(TransactionRunner)
        .run(async (em) => {
          const created = (await fanout.resolveItems(em, [fanoutItem(row.fanoutId)])).length;
          const matched = (await fanout.resolveItems(em, [fanoutItem(`${row.fanoutId}.fresh`)])).length;
          throw new RolledBack({ matched, created });
        })
        .catch((err: unknown) => (err instanceof RolledBack ? err.counts : Promise.reject(err)));
      expect(again).toEqual({ matched: 2, created: 0 });
      expect(await deliveries(tokens, inc.id)).toHaveLength(2);
    },
  );

  it(
    'fans out in the transaction that decides the event: deliveries exist ' +
      'when the request returns, for the subscriptions of that moment',
    async () => {
      const { orgId, tokens } = await operatorOrg();
      const first = await subscribe(
        tokens,
        webhook('at commit', '/commit/a', { events: ['incident.declared', 'incident.confirmed'] }),
      );
      const inc = await declare(tokens);
      // No waiting: the delivery row was written with the incident, before any worker ran.
      const now = await deliveries(tokens, inc.id);
      expect(now.map((d) => [d.subscriptionId, d.event])).toEqual([[first.id, 'incident.declared']]);
      // A subscription made afterwards does not receive the earlier event.
      const later = await subscribe(
        tokens,
        webhook('later', '/commit/b', { events: ['incident.declared', 'incident.confirmed'] }),
      );
      await waitFor('declared delivered', async () => settled(await deliveries(tokens, inc.id), 1));
      expect(at('/commit/b')).toHaveLength(0);
      // The next event reaches both, again at commit.
      await inc.completePhase('triage');
      await inc.send('commander', { type: 'CONFIRM', grade: 'II' });
      const confirmed = (await deliveries(tokens, inc.id)).filter((d) => d.event === 'incident.confirmed');
      expect(confirmed.map((d) => d.subscriptionId).sort()).toEqual([first.id, later.id].sort());
      await waitFor('both delivered', async () => settled(await deliveries(tokens, inc.id), 3));
      expect(at('/commit/a')).toHaveLength(2);
      expect(at('/commit/b')).toHaveLength(1);

      // An organisation nobody subscribes in writes neither deliveries nor notification jobs.
      const quiet = await operatorOrg();
      const q = await declare(quiet.tokens);
      expect(await deliveries(quiet.tokens, q.id)).toEqual([]);
      const outbox = await sql(svc.app.get(DataSource).manager, 'SELECT payload FROM outbox WHERE queue = ?', [
        'notifications',
      ]);
      expect((outbox as Array<{ payload: string }>).some((r) => r.payload.includes(quiet.orgId))).toBe(false);
      // deliver jobs carry only a delivery id
      expect((outbox as Array<{ payload: string }>).some((r) => r.payload.includes(orgId))).toBe(false);
    },
  );

  it(
    'dead-letters a delivery whose receiver never recovers, after ' +
      'NOTIFY_MAX_ATTEMPTS attempts, and keeps the failed job',
    async () => {
      const { tokens } = await operatorOrg();
      const down = await subscribe(tokens, webhook('down', '/down/a', { events: ['incident.declared'] }));
      const inc = await declare(tokens);
      const [d] = await waitFor('dead', async () => settled(await deliveries(tokens, inc.id), 1), 30_000);
      expect(d).toMatchObject({
        subscriptionId: down.id,
        status: 'dead',
        attempts: 6,
        lastStatus: 503,
        lastError: 'HTTP 503',
      });
      expect(at('/down/a')).toHaveLength(6);
      const row = await svc.app.get(DataSource).getRepository(NotificationDelivery).findOneByOrFail({ id: d!.id });
      const queue = svc.app.get<Queue>(getQueueToken('notifications'), { strict: false });
      const job = await queue.getJob(`dv.${row.fanoutId}.${down.id}`);
      expect(job).toBeDefined();
      expect(await job!.getState()).toBe('failed');
      expect(job!.attemptsMade).toBe(6);
    },
  );

  it('escalation notifications reach only the subscriptions serving that role', async () => {
    const { tokens } = await operatorOrg();
    const events = ['escalation'];
    const leader = await subscribe(tokens, webhook('leader pager', '/hook/esc-leader', { events, roles: ['leader'] }));
    const commander = await subscribe(
      tokens,
      webhook('commander pager', '/hook/esc-commander', { events, roles: ['commander'] }),
    );
    const everyone = await subscribe(tokens, webhook('all escalations', '/hook/esc-all', { events }));
    // CII, grade II: initial report due one hour after discovery, so discovered 59m56s ago.
    const detectedAt = new Date(Date.now() - 3600_000 + 4000).toISOString();
    const inc = await declare(tokens, {
      grade: 'II',
      detectedAt,
      occurredAt: new Date(Date.parse(detectedAt) - 60_000).toISOString(),
    });
    await inc.completePhase('triage');
    await inc.send('commander', { type: 'CONFIRM', grade: 'II' });
    const log = await waitFor(
      'five escalation deliveries',
      async () => settled(await deliveries(tokens, inc.id), 5),
      30_000,
    );
    expect(log.every((d) => d.event === 'escalation' && d.status === 'delivered')).toBe(true);
    const count = (id: string) => log.filter((d) => d.subscriptionId === id).length;
    expect([count(leader.id), count(commander.id), count(everyone.id)]).toEqual([1, 1, 3]);
    expect(at('/hook/esc-leader').map((r) => bodyOf(r).data.role)).toEqual(['leader']);
    expect(at('/hook/esc-commander').map((r) => bodyOf(r).data.role)).toEqual(['commander']);
    expect(
      at('/hook/esc-all')
        .map((r) => bodyOf(r).data.role)
        .sort(),
    ).toEqual(['admin', 'commander', 'leader']);
    expect(bodyOf(at('/hook/esc-leader')[0]!).data.timer).toBe('initial-report');
  });

  it(
    'manages subscriptions per organisation: get, patch (secret replaced, ' +
      'never shown), test, delete; another org gets 404',
    async () => {
      const a = await operatorOrg();
      const dept = await createOrg(
        svc,
        { name: 'Finance protection department', kind: 'department', sector: 'finance' },
        ['admin', 'department-officer'],
      );
      const sub = await subscribe(a.tokens, webhook('to patch', '/hook/patch', { events: ['incident.declared'] }));
      const get = await svc
        .http()
        .get(`/api/v1/notification-subscriptions/${sub.id}`)
        .set(bearer(a.tokens.admin.token));
      bodies.push(get.text);
      expect(get.status).toBe(200);
      expect(get.body).toMatchObject({
        id: sub.id,
        hasSecret: true,
        channel: 'webhook',
        drill: 'include',
        locale: 'zh-CN',
        enabled: true,
        grades: [],
        roles: [],
      });
      expect(get.body).not.toHaveProperty('secret');

      // Department admins have their own subscriptions; they cannot see or touch the operator's.
      const deptSub = await subscribe(
        dept.tokens as Tokens,
        webhook('dept', '/hook/dept', { events: ['warning.received'] }),
      );
      for (const [method, path] of [
        ['get', ''],
        ['patch', ''],
        ['delete', ''],
        ['post', '/test'],
      ] as const) {
        const res = await svc
          .http()
          [method](`/api/v1/notification-subscriptions/${sub.id}${path}`)
          .set(bearer(dept.tokens.admin.token))
          .send(method === 'patch' ? { name: 'hijacked' } : {});
        expect(res.status).toBe(404);
      }
      const deptList = await svc
        .http()
        .get('/api/v1/notification-subscriptions')
        .set(bearer(dept.tokens.admin.token))
        .expect(200);
      expect(deptList.body.map((s: { id: string }) => s.id)).toEqual([deptSub.id]);
      const inc = await declare(a.tokens);
      const other = await operatorOrg();
      await svc
        .http()
        .get(`/api/v1/incidents/${inc.id}/notifications`)
        .set(bearer(other.tokens.viewer.token))
        .expect(404);

      const NEW_SECRET = 'whsec-rotated-9f8e7d6c5b4a';
      const patched = await svc
        .http()
        .patch(`/api/v1/notification-subscriptions/${sub.id}`)
        .set(bearer(a.tokens.admin.token))
        .send({ secret: NEW_SECRET, enabled: false, grades: ['I'] });
      bodies.push(patched.text);
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ hasSecret: true, enabled: false, grades: ['I'] });
      const noChannelChange = await svc
        .http()
        .patch(`/api/v1/notification-subscriptions/${sub.id}`)
        .set(bearer(a.tokens.admin.token))
        .send({ channel: 'email' });
      expect(noChannelChange.status).toBe(400);
      const badConfig = await svc
        .http()
        .patch(`/api/v1/notification-subscriptions/${sub.id}`)
        .set(bearer(a.tokens.admin.token))
        .send({ config: { url: 'not a url' } });
      expect(badConfig.status).toBe(400);
      expect(badConfig.body.details[0].field).toBe('config.url');
      const cannotDropSecret = await svc
        .http()
        .patch(`/api/v1/notification-subscriptions/${sub.id}`)
        .set(bearer(a.tokens.admin.token))
        .send({ secret: null });
      expect(cannotDropSecret.status).toBe(400);

      // The test message is signed with the rotated secret: our receiver (old secret) refuses it.
      const test = await svc
        .http()
        .post(`/api/v1/notification-subscriptions/${sub.id}/test`)
        .set(bearer(a.tokens.admin.token));
      bodies.push(test.text);
      expect(test.status).toBe(200);
      expect(test.body).toMatchObject({ ok: false, status: 401 });
      const tq = at('/hook/patch').find((r) => bodyOf(r).event === 'test');
      expect(
        verifyWebhookSignature(
          NEW_SECRET,
          tq!.headers['x-lianfang-timestamp'] as string,
          tq!.rawBody,
          tq!.headers['x-lianfang-signature'] as string,
        ),
      ).toBe(true);
      expect(bodyOf(tq!).event).toBe('test');
      const okTest = await svc
        .http()
        .post(`/api/v1/notification-subscriptions/${deptSub.id}/test`)
        .set(bearer(dept.tokens.admin.token));
      expect(okTest.body).toMatchObject({ ok: true, status: 200 });

      // At rest the secret is sealed; in the audit trail it does not appear at all.
      const ds = svc.app.get(DataSource);
      const stored = await ds.getRepository(NotificationSubscription).findOneByOrFail({ id: sub.id });
      expect(stored.secret).toMatch(/^v1\./);
      expect(stored.secret).not.toContain(NEW_SECRET);
      const audit = await auditRows(ds, 'action LIKE ?', ['notification-subscription.%']);
      expect(audit.map((e) => e.action)).toEqual(
        expect.arrayContaining([
          'notification-subscription.created',
          'notification-subscription.updated',
          'notification-subscription.tested',
        ]),
      );
      for (const e of audit)
        for (const s of [...ALL_SECRETS, NEW_SECRET, 'dt-token-123456']) expect(e.payload).not.toContain(s);

      await svc
        .http()
        .delete(`/api/v1/notification-subscriptions/${sub.id}`)
        .set(bearer(a.tokens.admin.token))
        .expect(204);
      await svc
        .http()
        .get(`/api/v1/notification-subscriptions/${sub.id}`)
        .set(bearer(a.tokens.admin.token))
        .expect(404);
      const [deleted] = await auditRows(ds, 'action = ?', ['notification-subscription.deleted']);
      expect(JSON.parse(deleted!.payload)).toMatchObject({ subscriptionId: sub.id, name: 'to patch' });
      const verify = await svc.http().get('/api/v1/audit/verify').set(bearer(svc.adminToken)).expect(200);
      expect(verify.body.ok).toBe(true);
    },
  );

  it('the test endpoint answers with status and timing, never with what the receiver wrote back', async () => {
    const { tokens } = await operatorOrg();
    const test = async (id: string) => {
      const res = await svc
        .http()
        .post(`/api/v1/notification-subscriptions/${id}/test`)
        .set(bearer(tokens.admin.token));
      bodies.push(res.text);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('hunter2');
      expect(res.body).not.toHaveProperty('response');
      return res.body;
    };
    const leaky = await subscribe(tokens, webhook('leaky', '/leaky/page'));
    expect(await test(leaky.id)).toEqual({
      ok: false,
      status: 500,
      error: 'HTTP 500',
      retryable: true,
      durationMs: expect.any(Number),
      deliveryId: expect.stringMatching(/^test\./),
    });
    const robot = await subscribe(tokens, {
      name: 'robot',
      channel: 'wecom',
      events: ['incident.declared'],
      config: { url: `${rx.baseUrl}/leaky-robot/cgi-bin/webhook/send` },
      secret: WECOM_KEY,
    });
    expect(await test(robot.id)).toMatchObject({ ok: false, status: 200, error: 'errcode 93000', retryable: false });
    const fine = await subscribe(tokens, webhook('fine', '/hook/test-ok'));
    const ok = await test(fine.id);
    expect(ok).toMatchObject({ ok: true, status: 200 });
    expect(ok.durationMs).toBeGreaterThanOrEqual(0);
    expect(ok.durationMs).toBeLessThan(10_000);
    // The delivery log keeps the robot's words for the organisation's own operators; the test endpoint does not
    // return them.
    const audit = await auditRows(svc.app.get(DataSource), 'action = ?', ['notification-subscription.tested']);
    expect(audit.length).toBeGreaterThanOrEqual(3);
    for (const e of audit) expect(e.payload).not.toContain('hunter2');
  });

  it(
    'seals custom header values and robot URL tokens: masked in responses, ' +
      'absent from the config column and the audit trail, still sent',
    async () => {
      const { tokens } = await operatorOrg();
      const AUTH = 'Bearer siem-api-key-5f4e3d2c1b';
      const created = await subscribe(
        tokens,
        webhook('with auth header', '/siem/auth', {
          config: {
            url: `${rx.baseUrl}/siem/auth?token=tok-in-url-998877`,
            headers: { Authorization: AUTH, 'X-Tenant': 'ops' },
          },
        }),
      );
      expect(created.config).toEqual({
        url: `${rx.baseUrl}/siem/auth?token=***`,
        headers: { Authorization: '***', 'X-Tenant': '***' },
      });
      const robots = [
        await subscribe(tokens, {
          name: 'wecom key in url',
          channel: 'wecom',
          events: ['incident.declared'],
          config: { url: `${rx.baseUrl}/cgi-bin/webhook/send?key=wecom-key-in-url-4455` },
        }),
        await subscribe(tokens, {
          name: 'dingtalk',
          channel: 'dingtalk',
          events: ['incident.declared'],
          config: { url: `${rx.baseUrl}/robot/send?access_token=dt-token-sealed-7788` },
          secret: DINGTALK_SECRET,
        }),
        await subscribe(tokens, {
          name: 'feishu',
          channel: 'feishu',
          events: ['incident.declared'],
          config: { url: `${rx.baseUrl}/open-apis/bot/v2/hook/fs-hook-sealed-6655` },
          secret: FEISHU_SECRET,
        }),
      ];
      expect(robots.map((r) => r.config.url)).toEqual([
        `${rx.baseUrl}/cgi-bin/webhook/send?key=***`,
        `${rx.baseUrl}/robot/send?access_token=***`,
        `${rx.baseUrl}/open-apis/bot/v2/hook/***`,
      ]);
      const CLEAR = [
        AUTH,
        'siem-api-key-5f4e3d2c1b',
        'tok-in-url-998877',
        'wecom-key-in-url-4455',
        'dt-token-sealed-7788',
        'fs-hook-sealed-6655',
      ];
      const ds = svc.app.get(DataSource);
      for (const sub of [created, ...robots]) {
        const row = await ds.getRepository(NotificationSubscription).findOneByOrFail({ id: sub.id });
        for (const c of CLEAR) expect(row.config).not.toContain(c);
        expect(row.configSealed).toMatch(/^v1\./);
        for (const c of CLEAR) expect(row.configSealed).not.toContain(c);
      }

      // A replacement config that repeats what was shown keeps the sealed values; a new value replaces one.
      const patched = await svc
        .http()
        .patch(`/api/v1/notification-subscriptions/${created.id}`)
        .set(bearer(tokens.admin.token))
        .send({
          config: { ...created.config, headers: { Authorization: '***', 'X-Tenant': 'ops-2' }, timeoutMs: 4000 },
        });
      bodies.push(patched.text);
      expect(patched.status).toBe(200);
      expect(patched.body.config).toEqual({
        url: `${rx.baseUrl}/siem/auth?token=***`,
        headers: { Authorization: '***', 'X-Tenant': '***' },
        timeoutMs: 4000,
      });
      const framing = await svc
        .http()
        .patch(`/api/v1/notification-subscriptions/${created.id}`)
        .set(bearer(tokens.admin.token))
        .send({ config: { url: `${rx.baseUrl}/siem/auth`, headers: { 'Transfer-Encoding': 'chunked' } } });
      expect(framing.status).toBe(400);
      expect(framing.body.details[0].field).toBe('config.headers.Transfer-Encoding');

      const inc = await declare(tokens);
      await waitFor('four delivered', async () => {
        const log = settled(await deliveries(tokens, inc.id), 4);
        return log?.every((d) => d.status === 'delivered') ? log : undefined;
      });
      const [req] = at('/siem/auth');
      expect(req!.headers.authorization).toBe(AUTH);
      expect(req!.headers['x-tenant']).toBe('ops-2');
      expect(new URL(req!.url, 'http://x').searchParams.get('token')).toBe('tok-in-url-998877');
      // One framing only: ours.
      expect(req!.headers['transfer-encoding']).toBeUndefined();
      expect(Number(req!.headers['content-length'])).toBe(req!.rawBody.length);
      expect(
        at('/cgi-bin/webhook/send').some(
          (r) => new URL(r.url, 'http://x').searchParams.get('key') === 'wecom-key-in-url-4455',
        ),
      ).toBe(true);
      expect(
        at('/robot/send').some(
          (r) => new URL(r.url, 'http://x').searchParams.get('access_token') === 'dt-token-sealed-7788',
        ),
      ).toBe(true);
      expect(at('/open-apis/bot/v2/hook/fs-hook-sealed-6655')).toHaveLength(1);

      const audit = await auditRows(ds, 'action LIKE ?', ['notification-subscription.%']);
      for (const e of audit) for (const c of CLEAR) expect(e.payload).not.toContain(c);
      for (const b of bodies) for (const c of CLEAR) expect(b).not.toContain(c);
    },
  );

  it('never returned a secret or a robot token in any API response above', () => {
    expect(bodies.length).toBeGreaterThan(20);
    for (const b of bodies)
      for (const s of [...ALL_SECRETS, 'whsec-rotated-9f8e7d6c5b4a', 'dt-token-123456']) expect(b).not.toContain(s);
  });
});
