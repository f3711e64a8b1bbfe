import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { OutboxPruner } from '../../src/outbox/outbox.pruner';
import { OutboxRelay } from '../../src/outbox/outbox.relay';
import { QUEUES } from '../../src/queues/queue-names';
import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';
import { IncidentDriver, type Tokens } from '../support/incident-driver';
import { queueSettled, waitFor } from '../support/wait';
import { openStorage } from '../support/storage';

/**
 * The outbox promise (README "Design notes"): while Redis is down the API keeps accepting incidents and events,
 * outbox rows
 * accumulate, and they drain in order when Redis returns — each job enqueued exactly once.
 */
describe('outbox relay across a Redis outage', () => {
  jest.setTimeout(60_000);
  let svc: TestService;
  let tokens: Tokens;
  let hook: Server;
  const received: Array<{ delivery: string; event: string }> = [];

  beforeAll(async () => {
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          delivery: String(req.headers['x-lianfang-delivery']),
          event: JSON.parse(Buffer.concat(chunks).toString()).event,
        });
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    svc = await startTestService({ env: { EGRESS_ALLOW: '127.0.0.1' } });
    tokens = (
      await createOrg(svc, { name: 'Telecom operator', kind: 'operator', sector: 'telecom', operatorKind: 'cii' }, [
        'commander',
        'responder',
        'liaison',
        'admin',
      ])
    ).tokens;
    await svc
      .http()
      .post('/api/v1/notification-subscriptions')
      .set(bearer(tokens.admin.token))
      .send({
        name: 'SOC webhook',
        channel: 'webhook',
        config: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook` },
        secret: 'outage-test-secret-0123',
        events: ['incident.declared', 'incident.confirmed', 'report.submitted'],
      })
      .expect(201);
  });
  afterAll(async () => {
    await svc?.close();
    await new Promise((r) => hook?.close(r));
  });

  const outboxRows = async () => {
    const db = await openStorage(svc.sqlitePath, { readonly: true });
    try {
      const rows = await db.all<{
        seq: number | string;
        id: string;
        queue: string;
        kind: string;
        sentAt: string | null;
        attempts: number;
      }>('SELECT seq, id, queue, kind, sent_at AS "sentAt", attempts FROM outbox ORDER BY seq');
      return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
    } finally {
      await db.close();
    }
  };

  it('accepts work while Redis is down and enqueues every row once, in order, when it returns', async () => {
    const relay = svc.app.get(OutboxRelay);
    await relay.flush();
    const sentBefore = (await outboxRows()).length;

    await svc.handle.localRedis!.stop();
    await svc.http().get('/ready').expect(503);

    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await svc
        .http()
        .post('/api/v1/incidents')
        .set(bearer(tokens.commander.token))
        .send(incidentInput({ title: `during outage ${i}` }));
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const inc = new IncidentDriver(svc, tokens, ids[0]);
    await inc.completePhase('triage');
    await inc.send('commander', { type: 'CONFIRM', grade: 'II' });
    await inc.send('liaison', { type: 'INITIAL_REPORT_SUBMITTED', partial: false, reportReference: 'offline-1' });

    // The relay tries, fails and keeps every row while Redis is away.
    await waitFor('a failed relay attempt', async () => (await outboxRows())[sentBefore]!.attempts > 0, 15_000);
    const pending = (await outboxRows()).slice(sentBefore);
    expect(pending.length).toBeGreaterThanOrEqual(8);
    expect(pending.every((r) => r.sentAt === null)).toBe(true);
    expect(pending[0].attempts).toBeGreaterThan(0);

    await svc.handle.localRedis!.start();
    await waitFor('outbox drained', async () => (await outboxRows()).every((r) => r.sentAt !== null), 20_000);

    const rows = (await outboxRows()).slice(sentBefore);
    // Sent in insertion order.
    const sentTimes = rows.map((r) => r.sentAt!);
    expect([...sentTimes].sort()).toEqual(sentTimes);
    // Each notification row is a job in Redis under its row id (a duplicate id is refused by BullMQ).
    const notificationRows = rows.filter((r) => r.queue === QUEUES.notifications);
    expect(notificationRows.length).toBeGreaterThanOrEqual(5);
    for (const row of notificationRows) {
      const queue = svc.app.get<Queue>(getQueueToken(row.queue), { strict: false });
      const job = await queue.getJob(row.id);
      expect({ id: row.id, found: !!job }).toEqual({ id: row.id, found: true });
    }
    // The deadline timers scheduled during the outage were enqueued and then removed by the cancel
    // row the report wrote after them: order mattered, and it held.
    const timers = svc.app.get<Queue>(getQueueToken(QUEUES.timers), { strict: false });
    const timerRows = rows.filter((r) => r.queue === QUEUES.timers);
    const dueIndex = timerRows.findIndex((r) => r.kind === 'deadline-due');
    const cancelIndex = timerRows.findIndex((r) => r.kind === 'cancel');
    expect(dueIndex).toBeGreaterThanOrEqual(0);
    expect(cancelIndex).toBeGreaterThan(dueIndex);
    for (const row of timerRows.filter((r) => r.kind !== 'cancel')) expect(await timers.getJob(row.id)).toBeUndefined();

    // Every notification decided during the outage reaches the receiver exactly once.
    const expected = [
      'incident.declared',
      'incident.declared',
      'incident.declared',
      'incident.confirmed',
      'report.submitted',
    ];
    await waitFor('five notifications', async () => received.length >= expected.length, 20_000);
    // No notification job is left that could still deliver a sixth.
    await queueSettled(svc.app.get<Queue>(getQueueToken(QUEUES.notifications), { strict: false }), '');
    expect(received.map((r) => r.event).sort()).toEqual([...expected].sort());
    expect(new Set(received.map((r) => r.delivery)).size).toBe(expected.length);

    // Running the relay again enqueues nothing new: ids are deterministic and rows are marked sent.
    const counts = await svc.app.get<Queue>(getQueueToken(QUEUES.notifications), { strict: false }).getJobCounts();
    await relay.pass();
    expect(await svc.app.get<Queue>(getQueueToken(QUEUES.notifications), { strict: false }).getJobCounts()).toEqual(
      counts,
    );
    await svc.http().get('/ready').expect(200);
  });

  it('prunes sent rows past OUTBOX_RETENTION_HOURS, never unsent ones, audited; the trail still verifies', async () => {
    const relay = svc.app.get(OutboxRelay);
    const pruner = svc.app.get(OutboxPruner);
    await relay.flush();
    const sent = (await outboxRows()).filter((r) => r.sentAt !== null);
    expect(sent.length).toBeGreaterThan(0);
    // Within the retention (168 hours by default) nothing goes.
    expect(await pruner.prune(new Date())).toBe(0);
    expect(await outboxRows()).toHaveLength(sent.length);
    // An unsent row written now (Redis down, so it stays unsent) survives a prune a week and more on.
    await svc.handle.localRedis!.stop();
    await svc
      .http()
      .post('/api/v1/incidents')
      .set(bearer(tokens.commander.token))
      .send(incidentInput({ title: 'while pruning' }))
      .expect(201);
    const unsent = (await outboxRows()).filter((r) => r.sentAt === null);
    expect(unsent.length).toBeGreaterThan(0);
    expect(await pruner.prune(new Date(Date.now() + 169 * 3600_000))).toBe(sent.length);
    expect((await outboxRows()).map((r) => r.id)).toEqual(unsent.map((r) => r.id));
    const db = await openStorage(svc.sqlitePath, { readonly: true });
    try {
      const entries = await db.all<{ payload: string }>(
        "SELECT payload FROM audit_entry_named WHERE action = 'outbox.pruned' ORDER BY seq",
      );
      expect(entries.reduce((n, e) => n + (JSON.parse(e.payload) as { deleted: number }).deleted, 0)).toBe(sent.length);
    } finally {
      await db.close();
    }
    await svc.handle.localRedis!.start();
    await relay.flush(20_000);
    const verify = await svc.http().get('/api/v1/audit/verify').set(bearer(svc.adminToken)).expect(200);
    expect(verify.body.ok).toBe(true);
  });
});
