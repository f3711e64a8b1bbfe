import { bearer, createOrg, incidentInput, startTestService, type TestService } from '../support/harness';
import { IncidentDriver, type Tokens } from '../support/incident-driver';
import { waitFor } from '../support/wait';
import { fannedOut } from '../support/warnings';

/**
 * The figures come from the audit trail (issue 17): a scripted set of incidents, reports, onward
 * reports and warnings, each figure compared with what the incidents' own timelines and the inbox say,
 * then every fact rebuilt from the whole trail (POST /api/v1/metrics/rebuild) and the figures compared
 * again, exactly. Real HTTP, real BullMQ timers (the grade-II incident discovered over an hour ago
 * misses its initial report deadline through its due job), on SQLite and (TEST_DATABASE_URL) Postgres.
 */
describe('metrics from the event stream', () => {
  jest.setTimeout(120_000);
  let svc: TestService;
  let op: Tokens;
  let opId: string;
  let otherOpId: string;
  let otherOp: Tokens;
  let dept: Tokens;
  let energy: Tokens;
  const timelines = new Map<string, Array<{ action: string; at: string; payload: Record<string, unknown> }>>();

  beforeAll(async () => {
    // One escalation step (the commander's, taken with the miss) within the test's time.
    svc = await startTestService({ env: { ESCALATION_STEP_DELAY: 'PT1H' } });
    const a = await createOrg(svc, { name: '甲证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
      'commander',
      'responder',
      'liaison',
      'leader',
      'viewer',
    ]);
    op = a.tokens;
    opId = a.orgId;
    const b = await createOrg(svc, { name: '乙银行', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
      'commander',
      'responder',
      'liaison',
    ]);
    otherOp = b.tokens;
    otherOpId = b.orgId;
    dept = (
      await createOrg(svc, { name: '金融行业保护工作部门', kind: 'department', sector: 'finance' }, [
        'department-officer',
        'viewer',
      ])
    ).tokens;
    energy = (
      await createOrg(svc, { name: '能源行业保护工作部门', kind: 'department', sector: 'energy' }, [
        'department-officer',
      ])
    ).tokens;
  });
  afterAll(async () => svc?.close());

  const http = () => svc.http();
  const submitBody = {
    outOfBand: [{ recipientKind: 'public-security', recipientName: '市公安局网安支队', means: 'phone' }],
  };

  async function declare(overrides: Record<string, unknown>) {
    const res = await http()
      .post('/api/v1/incidents')
      .set(bearer(op.commander.token))
      .send(incidentInput(overrides))
      .expect(201);
    return new IncidentDriver(svc, op, res.body.id);
  }

  async function submitInitial(inc: IncidentDriver): Promise<string> {
    const d = await http()
      .post(`/api/v1/incidents/${inc.id}/reports`)
      .set(bearer(op.liaison.token))
      .send({ kind: 'initial' })
      .expect(201);
    const fields: Record<string, string> = {};
    for (const code of d.body.missingFields as string[]) fields[code] = `${code} 的内容`;
    await http().patch(`/api/v1/reports/${d.body.id}`).set(bearer(op.liaison.token)).send({ fields }).expect(200);
    await http().post(`/api/v1/reports/${d.body.id}/approve`).set(bearer(op.commander.token)).expect(200);
    await http().post(`/api/v1/reports/${d.body.id}/submit`).set(bearer(op.liaison.token)).send(submitBody).expect(200);
    return d.body.id as string;
  }

  async function timeline(inc: IncidentDriver) {
    const res = await http().get(`/api/v1/incidents/${inc.id}/timeline`).set(bearer(op.commander.token)).expect(200);
    timelines.set(inc.id, res.body);
    return res.body as Array<{ action: string; at: string; payload: Record<string, unknown> }>;
  }

  const seconds = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 1000);
  const operatorFigures = (query = '') =>
    http().get(`/api/v1/metrics/operator${query}`).set(bearer(op.leader.token)).expect(200);
  const departmentFigures = (token = dept['department-officer'].token) =>
    http().get('/api/v1/metrics/department').set(bearer(token)).expect(200);
  const sector = (token = dept['department-officer'].token) =>
    http().get('/api/v1/metrics/sector').set(bearer(token)).expect(200);

  let onTime: IncidentDriver;
  let late: IncidentDriver;
  let drill: IncidentDriver;
  let dismissed: IncidentDriver;
  let onTimeReport: string;
  let warningId: string;

  it('records a scripted set of incidents, reports, an onward report and a warning', async () => {
    // On time: confirmed, contained, its initial report in well before the hour is up, passed on at once.
    onTime = await declare({ grade: 'II', detectedAt: new Date(Date.now() - 10 * 60_000).toISOString() });
    await onTime.completePhase('triage');
    await onTime.send('commander', { type: 'CONFIRM', grade: 'II', crimeSuspected: false });
    await onTime.completePhase('containment');
    await onTime.send('commander', { type: 'ADVANCE' });
    onTimeReport = await submitInitial(onTime);
    await http()
      .post(`/api/v1/inbox/reports/${onTimeReport}/forward`)
      .set(bearer(dept['department-officer'].token))
      .send({ reference: '网信办-2026-001' })
      .expect(200);

    // Late: discovered 61 minutes ago, so its initial report deadline has passed when it is confirmed.
    late = await declare({
      grade: 'II',
      category: 'ddos',
      detectedAt: new Date(Date.now() - 61 * 60_000).toISOString(),
      occurredAt: new Date(Date.now() - 62 * 60_000).toISOString(),
    });
    await late.completePhase('triage');
    await late.send('commander', { type: 'CONFIRM', grade: 'II', crimeSuspected: false });
    await waitFor(
      'the due job to record the miss',
      async () =>
        (await late.get()).deadlines.find((d: { timer: string }) => d.timer === 'initial-report').status === 'missed',
      30_000,
    );
    await submitInitial(late);

    // A drill and a dismissed incident.
    drill = await declare({ grade: 'III', drill: true });
    await drill.completePhase('triage');
    await drill.send('commander', { type: 'CONFIRM', grade: 'III', crimeSuspected: false });
    dismissed = await declare({ grade: 'IV' });
    await dismissed.send('commander', { type: 'DISMISS', reason: 'false positive' });

    // A warning to both operators; the first answers, the other not yet.
    const w = await http()
      .post('/api/v1/warnings')
      .set(bearer(dept['department-officer'].token))
      .send({
        title: '针对证券交易系统的勒索软件攻击活动预警',
        level: 'orange',
        threatDescription: 'A ransomware group exploits an unpatched VPN appliance.',
        recommendedActions: ['Patch the VPN appliance'],
        indicators: [{ type: 'ipv4-addr', value: '203.0.113.7' }],
        operatorIds: [opId, otherOpId],
        feedbackWithin: 'P1D',
      })
      .expect(202);
    warningId = w.body.id;
    await fannedOut(http, warningId, dept['department-officer'].token);
    const send = (token: string, body: Record<string, unknown>) =>
      http().post(`/api/v1/warnings/${warningId}/events`).set(bearer(token)).send(body).expect(200);
    await send(op.responder.token, { type: 'START_ASSESSMENT' });
    await send(op.commander.token, { type: 'ASSESSED', applicable: true, note: 'we run that appliance' });
    await send(op.responder.token, { type: 'ACTIONS_TAKEN', summary: 'Patched' });
    await send(op.liaison.token, { type: 'FEEDBACK_SENT', feedback: 'Patched; no compromise found' });
    expect(otherOp.commander).toBeDefined();
  });

  it("gives the operator's figures exactly as its incidents' timelines record them", async () => {
    const t1 = await timeline(onTime);
    const t2 = await timeline(late);
    const at = (t: typeof t1, action: string) => t.find((e) => e.action === action)!.at;
    const confirm1 = seconds(at(t1, 'incident.declared'), at(t1, 'incident.event.CONFIRM'));
    const confirm2 = seconds(at(t2, 'incident.declared'), at(t2, 'incident.event.CONFIRM'));
    const contain1 = seconds(at(t1, 'incident.declared'), at(t1, 'incident.event.ADVANCE'));
    const escalations = t2.filter((e) => e.action === 'deadline.escalated').length;
    expect(escalations).toBe(1);

    const { body } = await operatorFigures();
    expect(body.includeDrills).toBe(false);
    const sorted = [confirm1, confirm2].sort((a, b) => a - b);
    expect(body.totals).toEqual({
      incidents: 3,
      timeToConfirm: {
        count: 2,
        meanSeconds: Math.round((confirm1 + confirm2) / 2),
        medianSeconds: sorted[0],
        maxSeconds: sorted[1],
      },
      timeToContain: { count: 1, meanSeconds: contain1, medianSeconds: contain1, maxSeconds: contain1 },
      timeToClose: { count: 0, meanSeconds: null, medianSeconds: null, maxSeconds: null },
      initialReports: { met: 1, missed: 1, rate: 0.5 },
      finalReports: { met: 0, missed: 0, rate: null },
      deadlineMisses: 1,
      escalations: 1,
    });
    const thisWeek = body.byWeek[body.byWeek.length - 1];
    expect(thisWeek.incidents).toBe(3);
    expect(body.byWeek).toHaveLength(12);
    expect(body.byGrade.map((g: { grade: string; incidents: number }) => [g.grade, g.incidents])).toEqual([
      ['I', 0],
      ['II', 2],
      ['III', 0],
      ['IV', 1],
    ]);
    expect(
      body.byCategory.map((c: { category: string; initialReports: unknown }) => [c.category, c.initialReports]),
    ).toEqual([
      ['ddos', { met: 0, missed: 1, rate: 0 }],
      ['ransomware', { met: 1, missed: 0, rate: 1 }],
    ]);
    const confirmed = body.distribution.reduce((n: number, b: { confirm: number }) => n + b.confirm, 0);
    expect(confirmed).toBe(2);

    // Drills count only when asked for; filters narrow.
    const withDrills = (await operatorFigures('?includeDrills=true')).body;
    expect(withDrills.totals.incidents).toBe(4);
    expect(withDrills.totals.timeToConfirm.count).toBe(3);
    expect((await operatorFigures('?grade=II&category=ddos')).body.totals).toMatchObject({
      incidents: 1,
      deadlineMisses: 1,
    });
  });

  it("gives the department its sector's figures from the reports it received", async () => {
    const { body } = await departmentFigures();
    const a = body.operators.find((o: { operatorOrgId: string }) => o.operatorOrgId === opId);
    const b = body.operators.find((o: { operatorOrgId: string }) => o.operatorOrgId === otherOpId);
    expect(a).toMatchObject({
      rank: 1,
      name: '甲证券公司',
      reportsReceived: 2,
      reports: { met: 1, missed: 1, rate: 0.5 },
      onward: { due: 2, met: 1, missed: 0, pending: 1, rate: 1 },
      warnings: { targeted: 1, answeredOnTime: 1, answeredLate: 0, pending: 0, overdue: 0, rate: 1 },
    });
    expect(b).toMatchObject({
      rank: 2,
      reportsReceived: 0,
      reports: { met: 0, missed: 0, rate: null },
      warnings: { targeted: 1, answeredOnTime: 0, pending: 1, rate: null },
    });
    expect(body.totals).toEqual({
      reportsReceived: 2,
      reports: { met: 1, missed: 1, rate: 0.5 },
      onward: { due: 2, met: 1, missed: 0, pending: 1, rate: 1 },
      warnings: { targeted: 2, answeredOnTime: 1, answeredLate: 0, pending: 1, overdue: 0, rate: 1 },
    });

    const overview = (await sector()).body;
    expect(overview.operators.map((o: { name: string }) => o.name)).toEqual(['甲证券公司', '乙银行']);
    expect(overview.operators[0]).toMatchObject({
      reportedIncidents: 2,
      reportsReceived: 2,
      warningsPendingFeedback: 0,
    });
    expect(overview.pendingWarningsTotal).toBe(1);
    expect(overview.pendingWarnings).toEqual([
      expect.objectContaining({ warningId, operatorOrgId: otherOpId, operatorName: '乙银行', overdue: false }),
    ]);
    const incidents = (
      await http().get(`/api/v1/metrics/sector/operators/${opId}/incidents`).set(bearer(dept.viewer.token)).expect(200)
    ).body;
    expect(incidents.items).toHaveLength(2);
    expect(incidents.items.map((i: { initialOnTime: boolean }) => i.initialOnTime).sort()).toEqual([false, true]);
    // Only what reports contain: no titles, steps, notes or evidence.
    expect(JSON.stringify(incidents)).not.toMatch(/勒索软件加密|done by|sha256:/);
  });

  it('shows another sector nothing, and keeps each side to its own figures', async () => {
    const other = (await departmentFigures(energy['department-officer'].token)).body;
    expect(other.operators).toEqual([]);
    expect(other.totals.reportsReceived).toBe(0);
    expect((await sector(energy['department-officer'].token)).body).toMatchObject({
      operators: [],
      pendingWarnings: [],
      pendingWarningsTotal: 0,
    });
    await http()
      .get(`/api/v1/metrics/sector/operators/${opId}/incidents`)
      .set(bearer(energy['department-officer'].token))
      .expect(404);
    await http().get('/api/v1/metrics/operator').set(bearer(dept['department-officer'].token)).expect(403);
    await http().get('/api/v1/metrics/department').set(bearer(op.leader.token)).expect(403);
    await http().get('/api/v1/metrics/operator').set(bearer(op.responder.token)).expect(403);
    await http().post('/api/v1/metrics/rebuild').set(bearer(op.leader.token)).expect(403);
    const bad = await http().get('/api/v1/metrics/operator?from=2026-13-40').set(bearer(op.leader.token)).expect(400);
    expect(JSON.stringify(bad.body)).toContain('from');
    // The other operator sees its own (empty) figures, not the first one's.
    const theirs = await http().get('/api/v1/metrics/operator').set(bearer(otherOp.commander.token)).expect(200);
    expect(theirs.body.totals.incidents).toBe(0);
  });

  it('serves no operations metrics while METRICS_TOKEN is unset', async () => {
    await http().get('/metrics').set(bearer(svc.adminToken)).expect(404);
  });

  it('rebuilds every fact from the audit trail alone and serves exactly the same figures', async () => {
    const before = {
      operator: (await operatorFigures('?includeDrills=true')).body,
      department: (await departmentFigures()).body,
      sector: (await sector()).body,
    };
    const rebuilt = await http().post('/api/v1/metrics/rebuild').set(bearer(svc.adminToken)).expect(200);
    expect(rebuilt.body.entries).toBeGreaterThan(20);
    const after = {
      operator: (await operatorFigures('?includeDrills=true')).body,
      department: (await departmentFigures()).body,
      sector: (await sector()).body,
    };
    expect(after).toEqual(before);
  });
});
