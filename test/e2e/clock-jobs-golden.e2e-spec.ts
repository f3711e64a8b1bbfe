import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { sql } from '../../src/database/sql';
import { FanoutService } from '../../src/notifications/fanout.service';
import { OutboxService } from '../../src/outbox/outbox.service';
import { QUEUES } from '../../src/queues/queue-names';
import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';
import { IncidentDriver, type Tokens } from '../support/incident-driver';
import { waitFor } from '../support/wait';
import { fannedOut } from '../support/warnings';
import { GOLDEN, type GoldenStep } from './clock-jobs-golden';

/**
 * The golden record of every clock's timer jobs: ids, names, queue, payloads and due times, the
 * cancellations, and what each fired job writes (the next escalation job, the clock's
 * notifications and audit entries). Jobs already queued in Redis are found, handled and cancelled
 * by these ids and names, so a deployment upgraded mid-incident keeps working only while they stay
 * exactly as they are: a change here is a change of the Redis contract, not a refactoring.
 *
 * Real app, real SQLite and Redis; clocks keep their product lengths (minutes and hours) and "time
 * passes" by promoting a delayed job through BullMQ's public API, so every step is deterministic.
 * Due times are written relative to what fixes them: `detectedAt(x)+PT30M` is exact; `now+PT15M` is
 * that long after the moment the step ran (checked between the start of the step and the moment the
 * row was written). UUIDs and references are replaced by names (`<inc1>`, `<dlv.dept>`, …), and an
 * instant in a payload by the first job due then (`<due of dl.<inc1>.initial-report.2.due>`).
 */
describe('clock jobs: ids, names, payloads and due times (golden)', () => {
  jest.setTimeout(180_000);
  let svc: TestService;
  let op: Tokens;
  let op2: Tokens;
  let dept: Tokens;
  let opOrgId: string;
  let op2OrgId: string;
  let db: DataSource;
  let timers: Queue;

  /** UUIDs and references → names, longest first when replacing. */
  const labels = new Map<string, string>();
  /** Fixed instants the golden refers to by name (epoch ms). */
  const anchors = new Map<string, number>();
  /** Due times already matched → `<due of job>` (the first job due then), for payloads that carry them. */
  const instants = new Map<string, string>();
  /** Fan-out items as the clocks wrote them (before the notifications module resolves them). */
  const fanouts: Array<{ id: string; payload: Record<string, unknown> }> = [];
  let outboxMark = 0;
  let auditMark = 0;

  const CLOCK_AUDIT = [
    'deadline.escalated',
    'deadline.acknowledged',
    'report.ack-overdue',
    'report.ack-escalated',
    'report.onward-reminder',
    'report.onward-missed',
    'report.onward-escalated',
    'warning.feedback-escalated',
    'incident.event.DEADLINE_REMINDER',
    'incident.event.DEADLINE_MISSED',
    'warning.event.DEADLINE_REMINDER',
    'warning.event.DEADLINE_MISSED',
  ];
  /** Notifications the clocks themselves send (escalation steps, onward reminders and misses). */
  const CLOCK_NOTIFICATION = /\.(esc|onw)\.|\.ack\.dept$/;

  beforeAll(async () => {
    svc = await startTestService({
      env: { REMINDER_FRACTIONS: '0.5,0.8', ESCALATION_STEP_DELAY: 'PT15M', REPORT_ACK_WITHIN: 'PT20M' },
    });
    db = svc.app.get(DataSource);
    timers = svc.app.get<Queue>(getQueueToken(QUEUES.timers), { strict: false });
    const outbox = svc.app.get(OutboxService);
    const fanout = svc.app.get(FanoutService);
    // Records each fan-out item as written, then resolves it exactly as the notifications module does.
    outbox.registerTransform(QUEUES.notifications, 'fanout', async (em, items) => {
      for (const i of items) fanouts.push({ id: i.id, payload: i.payload });
      return fanout.resolveItems(em, items);
    });
    const roles = ['commander', 'responder', 'liaison', 'leader', 'admin'];
    const a = await createOrg(
      svc,
      { name: '某证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' },
      roles,
    );
    const b = await createOrg(svc, { name: '某银行', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, roles);
    const d = await createOrg(svc, { name: '金融行业保护工作部门', kind: 'department', sector: 'finance' }, [
      'department-officer',
      'admin',
    ]);
    op = a.tokens;
    op2 = b.tokens;
    opOrgId = a.orgId;
    op2OrgId = b.orgId;
    dept = d.tokens;
    labels.set(a.orgId, '<op>');
    labels.set(b.orgId, '<op2>');
    labels.set(d.orgId, '<dept>');
    for (const [name, t] of Object.entries({ op, op2, dept }))
      for (const [role, tok] of Object.entries(t)) labels.set(tok.userId, `<${name}.${role}>`);
    outboxMark = await maxSeq('outbox');
    auditMark = await maxSeq('audit_entry');
  });
  afterAll(async () => svc?.close());

  async function maxSeq(table: 'outbox' | 'audit_entry'): Promise<number> {
    const [row] = await sql<{ n: number | string }>(db.manager, `SELECT COALESCE(MAX(seq), 0) AS n FROM ${table}`);
    return Number(row.n);
  }

  // ---- recording --------------------------------------------------------------------------------

  interface OutboxRowRaw {
    seq: number;
    id: string;
    queue: string;
    kind: string;
    payload: string;
    due_at: string | null;
    created_at: string;
  }
  interface Recorded {
    startedAt: number;
    rows: OutboxRowRaw[];
    notifications: Array<{ id: string; payload: Record<string, unknown> }>;
    audit: Array<{ action: string; payload: Record<string, unknown> }>;
  }

  async function record(action: () => Promise<void>): Promise<Recorded> {
    const startedAt = Date.now();
    const fan0 = fanouts.length;
    await action();
    const all = await sql<OutboxRowRaw>(
      db.manager,
      'SELECT seq, id, queue, kind, payload, due_at, created_at FROM outbox WHERE seq > ? ORDER BY seq',
      [outboxMark],
    );
    if (all.length) outboxMark = Number(all[all.length - 1].seq);
    const entries = await sql<{ seq: number; action: string; payload: string }>(
      db.manager,
      'SELECT seq, action, payload FROM audit_entry_named WHERE seq > ? ORDER BY seq',
      [auditMark],
    );
    if (entries.length) auditMark = Number(entries[entries.length - 1].seq);
    return {
      startedAt,
      rows: all.filter((r) => r.queue === QUEUES.timers),
      notifications: fanouts.slice(fan0).filter((f) => CLOCK_NOTIFICATION.test(f.id)),
      audit: entries
        .filter((e) => CLOCK_AUDIT.includes(e.action))
        .map((e) => {
          const payload = JSON.parse(e.payload) as Record<string, unknown>;
          // A workflow event's entry: only the event (state values and versions are the workflow's).
          return { action: e.action, payload: /\.event\./.test(e.action) ? { event: payload.event } : payload };
        }),
    };
  }

  const DURATION = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/;
  function durationMs(d: string): number {
    const m = DURATION.exec(d);
    if (!m) throw new Error(`bad duration ${d}`);
    return (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000;
  }

  /** Whether `dueIso` is what the golden form `expected` says, for a row of a step that began at `startedAt`. */
  function dueMatches(expected: string | null | undefined, dueIso: string, startedAt: number, createdIso: string) {
    const m = /^(now|detectedAt\((\w+)\))\+(PT\w+)$/.exec(expected ?? '');
    if (!m) return false;
    const base = Date.parse(dueIso) - durationMs(m[3]);
    if (m[1] === 'now') return base >= startedAt && base <= Date.parse(createdIso);
    return base === anchors.get(m[2]);
  }

  function relabel(s: string): string {
    if (instants.has(s)) return instants.get(s)!;
    let out = s;
    for (const [from, to] of [...labels].sort((x, y) => y[0].length - x[0].length)) out = out.split(from).join(to);
    return out;
  }
  function normalise(v: unknown): unknown {
    if (typeof v === 'string') return relabel(v);
    if (Array.isArray(v)) return v.map(normalise);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, normalise(x)]));
    return v;
  }

  /** The recorded step in golden form; due times that match the golden are written as the golden writes them. */
  function golden(rec: Recorded, expected: GoldenStep): GoldenStep {
    const timersOut = rec.rows.map((row, i) => {
      let due: string | null = null;
      if (row.due_at) {
        const want = expected.timers[i]?.due;
        if (dueMatches(want, row.due_at, rec.startedAt, row.created_at)) {
          due = want!;
          if (!instants.has(row.due_at)) instants.set(row.due_at, `<due of ${relabel(row.id)}>`);
        } else {
          due = `${row.due_at} (step began ${new Date(rec.startedAt).toISOString()}, row written ${row.created_at})`;
        }
      }
      // A cancellation decided at a moment carries that moment (epoch ms) in its id.
      const stamp = /\.(\d{13})$/.exec(row.id);
      const id =
        stamp && Number(stamp[1]) >= rec.startedAt && Number(stamp[1]) <= Date.parse(row.created_at)
          ? `${row.id.slice(0, -13)}<now>`
          : row.id;
      return { id: relabel(id), name: row.kind, payload: normalise(JSON.parse(row.payload)), due };
    });
    return {
      timers: timersOut as GoldenStep['timers'],
      notifications: normalise(rec.notifications) as GoldenStep['notifications'],
      audit: normalise(rec.audit) as GoldenStep['audit'],
    };
  }

  const results: Array<{ name: string; actual: GoldenStep }> = [];
  /** Runs one step and compares it with the golden step of that name. */
  async function step(
    name: string,
    action: () => Promise<void>,
    /** For rows whose order the database decides (Array.prototype.sort is stable). */
    order?: (row: OutboxRowRaw) => number,
  ): Promise<void> {
    const expected = GOLDEN.find((g) => g.step === name);
    const rec = await record(action);
    if (order) rec.rows.sort((a, b) => order(a) - order(b));
    const actual = golden(rec, expected ?? { step: name, timers: [], notifications: [], audit: [] });
    results.push({ name, actual });
    if (process.env.GOLDEN_PRINT) return;
    expect({ step: name, ...actual }).toEqual(expected);
  }

  afterAll(() => {
    if (process.env.GOLDEN_PRINT)
      process.stdout.write(
        `${JSON.stringify(
          results.map((r) => ({ step: r.name, ...r.actual })),
          null,
          2,
        )}\n`,
      );
  });

  // ---- driving ----------------------------------------------------------------------------------

  /** Lets a queued job's time come now: promotes it and waits until it (and `then`, jobs it queues at once) ran. */
  async function fire(jobId: string, then: string[] = []): Promise<void> {
    const job = await waitFor(`job ${jobId} in Redis`, async () => timers.getJob(jobId));
    await job.promote();
    for (const id of [jobId, ...then]) {
      await waitFor(`job ${id} done`, async () => {
        const j = await timers.getJob(id);
        if (!j) return false;
        const state = await j.getState();
        if (state === 'failed') throw new Error(`job ${id} failed: ${j.failedReason}`);
        return state === 'completed';
      });
    }
  }

  async function declare(label: string, minutesAgo: number, tokens: Tokens = op) {
    const detectedAt = new Date(Date.now() - minutesAgo * 60_000);
    const res = await svc
      .http()
      .post('/api/v1/incidents')
      .set(bearer(tokens.commander.token))
      .send(incidentInput({ grade: 'II', detectedAt: detectedAt.toISOString(), occurredAt: null }));
    expect(res.status).toBe(201);
    labels.set(res.body.id, `<${label}>`);
    labels.set(res.body.reference, `<${label}.ref>`);
    anchors.set(label, Date.parse(res.body.detectedAt));
    const inc = new IncidentDriver(svc, tokens, res.body.id);
    await inc.completePhase('triage');
    return inc;
  }

  // ---- the golden scenario ----------------------------------------------------------------------

  let inc1: IncidentDriver;
  let inc2: IncidentDriver;
  let reportId: string;
  let dlvDept: string;
  let dlvFax: string;
  let warningId: string;

  it('incident deadline: schedule, regrade, reminder, miss, escalation, acknowledgement, late report', async () => {
    inc1 = await declare('inc1', 10);
    await step('inc1: confirmed grade II, discovered 10 minutes ago', async () => {
      await inc1.send('commander', { type: 'CONFIRM', grade: 'II', crimeSuspected: false });
    });
    await step('inc1: regraded to I (generation 2, same clock start)', async () => {
      await inc1.send('commander', { type: 'REGRADE', grade: 'I', reason: 'wider impact' });
    });
    await step('inc1: the 50% reminder of generation 2 fires', async () => {
      await fire(`dl.${inc1.id}.initial-report.2.r50`);
    });
    await step('inc1: the deadline passes (first escalation step in the same transaction)', async () => {
      await fire(`dl.${inc1.id}.initial-report.2.due`);
    });
    await step('inc1: the second escalation step fires', async () => {
      await fire(`dl.${inc1.id}.initial-report.2.esc2`);
    });
    await step('inc1: the leader acknowledges the overdue deadline', async () => {
      await svc
        .http()
        .post(`/api/v1/incidents/${inc1.id}/deadlines/initial-report/acknowledge`)
        .set(bearer(op.leader.token))
        .expect(200);
    });
    await step('inc1: a late initial report made outside the product', async () => {
      await inc1.send('liaison', { type: 'INITIAL_REPORT_SUBMITTED', partial: false, reportReference: 'late-1' });
    });
  });

  it('reminders already past are skipped; the police-report clock starts at confirmation', async () => {
    inc2 = await declare('inc2', 40);
    await step('inc2: confirmed 40 minutes after discovery, crime suspected', async () => {
      await inc2.send('commander', { type: 'CONFIRM', grade: 'II', crimeSuspected: true });
    });
    await step('inc2: the police report is filed', async () => {
      await inc2.send('liaison', { type: 'POLICE_REPORT_FILED', reference: 'police-1' });
    });
  });

  it('report acknowledgement and onward-report clocks', async () => {
    await step('inc2: initial report submitted to the department inbox and by fax', async () => {
      const d = await svc.http().post(`/api/v1/incidents/${inc2.id}/reports`).set(bearer(op.liaison.token)).send({
        kind: 'initial',
      });
      expect(d.status).toBe(201);
      reportId = d.body.id;
      const fields: Record<string, string> = {};
      for (const code of d.body.missingFields as string[]) fields[code] = `${code} 的内容`;
      await svc.http().patch(`/api/v1/reports/${reportId}`).set(bearer(op.liaison.token)).send({ fields }).expect(200);
      await svc.http().post(`/api/v1/reports/${reportId}/approve`).set(bearer(op.commander.token)).expect(200);
      const sub = await svc
        .http()
        .post(`/api/v1/reports/${reportId}/submit`)
        .set(bearer(op.liaison.token))
        .send({ outOfBand: [{ recipientKind: 'public-security', recipientName: '市公安局网安支队', means: 'fax' }] });
      expect(sub.status).toBe(200);
      labels.set(reportId, '<report>');
      labels.set(sub.body.reference, '<report.ref>');
      const deliveries = sub.body.deliveries as Array<{ id: string; channel: string }>;
      dlvDept = deliveries.find((x) => x.channel === 'inbox')!.id;
      dlvFax = deliveries.find((x) => x.channel === 'out-of-band')!.id;
      labels.set(dlvDept, '<dlv.dept>');
      labels.set(dlvFax, '<dlv.fax>');
    });
    await step("report: the department's acknowledgement window closes", async () => {
      await fire(`rpt.${dlvDept}.ack`);
    });
    await step("report: the department's second acknowledgement escalation step", async () => {
      await fire(`rpt.${dlvDept}.ack.esc.2`);
    });
    await step('report: the department acknowledges', async () => {
      await svc
        .http()
        .post(`/api/v1/inbox/reports/${reportId}/acknowledge`)
        .set(bearer(dept['department-officer'].token))
        .send({ note: '已收悉' })
        .expect(200);
    });
    await step("report: the fax's acknowledgement window closes", async () => {
      await fire(`rpt.${dlvFax}.ack`);
    });
    await step('report: the liaison records that the fax was acknowledged', async () => {
      await svc
        .http()
        .post(`/api/v1/reports/${reportId}/deliveries/${dlvFax}/acknowledge`)
        .set(bearer(op.liaison.token))
        .send({ note: 'confirmed by phone' })
        .expect(200);
    });
    await step('onward: the 50% reminder fires', async () => {
      await fire(`rpt.${dlvDept}.onw.r50`);
    });
    await step('onward: the onward deadline passes (first escalation step queued at once)', async () => {
      await fire(`rpt.${dlvDept}.onw.due`, [`rpt.${dlvDept}.onw.esc.1`]);
    });
    await step('onward: the second escalation step fires', async () => {
      await fire(`rpt.${dlvDept}.onw.esc.2`);
    });
    await step('onward: the department records the onward report (late)', async () => {
      await svc
        .http()
        .post(`/api/v1/inbox/reports/${reportId}/forward`)
        .set(bearer(dept['department-officer'].token))
        .send({ reference: 'CAC-1' })
        .expect(200);
    });
  });

  it('warning feedback clock', async () => {
    await step(
      'warning: issued to two operators, feedback within PT2H',
      async () => {
        const res = await svc
          .http()
          .post('/api/v1/warnings')
          .set(bearer(dept['department-officer'].token))
          .send({
            title: '针对证券交易系统的勒索软件攻击活动预警',
            level: 'orange',
            threatDescription: 'A ransomware group exploits an unpatched VPN appliance.',
            recommendedActions: ['Patch the VPN appliance'],
            indicators: [{ type: 'ipv4-addr', value: '203.0.113.7' }],
            operatorIds: [opOrgId, op2OrgId],
            feedbackWithin: 'PT2H',
          });
        expect(res.status).toBe(202);
        warningId = res.body.id;
        // Its operators' workflows and clocks are created by the fan-out jobs after the answer.
        await fannedOut(svc.http, warningId, dept['department-officer'].token);
        labels.set(warningId, '<warning>');
        labels.set(res.body.reference, '<warning.ref>');
      },
      // One workflow per warned operator, in the order the database returns the operators (by id).
      (row) => ((JSON.parse(row.payload) as { operatorOrgId?: string }).operatorOrgId === opOrgId ? 0 : 1),
    );
    const wf = (what: string) => `wf.${warningId}.${opOrgId}.warning-feedback.1.${what}`;
    await step('warning: the 50% reminder fires for <op>', async () => {
      await fire(wf('r50'));
    });
    await step('warning: the feedback deadline passes for <op> (first escalation step queued at once)', async () => {
      await fire(wf('due'), [wf('esc1')]);
    });
    await step('warning: the second escalation step fires for <op>', async () => {
      await fire(wf('esc2'));
    });
    await step('warning: <op2> assesses, acts and feeds back in time', async () => {
      const send = (role: string, body: Record<string, unknown>) =>
        svc.http().post(`/api/v1/warnings/${warningId}/events`).set(bearer(op2[role].token)).send(body).expect(200);
      await send('responder', { type: 'START_ASSESSMENT' });
      await send('commander', { type: 'ASSESSED', applicable: true });
      await send('responder', { type: 'ACTIONS_TAKEN', summary: 'patched' });
      await send('liaison', { type: 'FEEDBACK_SENT', feedback: 'patched, nothing found' });
    });
    await step('warning: <op> feeds back late', async () => {
      const send = (role: string, body: Record<string, unknown>) =>
        svc.http().post(`/api/v1/warnings/${warningId}/events`).set(bearer(op[role].token)).send(body).expect(200);
      await send('responder', { type: 'START_ASSESSMENT' });
      await send('commander', { type: 'ASSESSED', applicable: false, note: 'not our appliance' });
      await send('liaison', { type: 'FEEDBACK_SENT', feedback: 'not applicable' });
    });
  });

  it('has a golden step for every step it ran, and runs every golden step', () => {
    expect(results.map((r) => r.name)).toEqual(GOLDEN.map((g) => g.step));
  });
});
