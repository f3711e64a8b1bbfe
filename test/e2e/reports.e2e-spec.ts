import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../src/notifications/channels';
import { readmeSnippet } from '../support/readme-snippet';
import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';
import { IncidentDriver, type StepJson, type Tokens } from '../support/incident-driver';
import { waitFor } from '../support/wait';

/**
 * Reports end to end on the real app (SQLite, embedded redis-server, real BullMQ timers and
 * delivery jobs) with a loopback webhook receiver standing in for public security. Clocks are
 * shrunk by environment: a 4-second acknowledgement window, 1-second escalation steps and
 * delivery backoff, and a reminder at 0.1% of each window (1.8 s into the 30-minute onward clock).
 */
describe('reports to authorities, department inbox, onward reporting', () => {
  jest.setTimeout(90_000);
  const SECRET = 'whsec-test-0123456789abcdef';
  let svc: TestService;
  let fin: Tokens;
  let other: Tokens;
  let dept: Tokens;
  let energyDept: Tokens;
  let hook: Server;
  let hookUrl: string;
  const received: Array<{ body: string; headers: Record<string, string | string[] | undefined>; status: number }> = [];

  beforeAll(async () => {
    let calls = 0;
    hook = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        calls++;
        // The first call fails like an overloaded receiver, so the retry path runs for real.
        const status = calls === 1 ? 503 : 200;
        received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers, status });
        res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;

    svc = await startTestService({
      env: {
        EGRESS_ALLOW: '127.0.0.1',
        REMINDER_FRACTIONS: '0.001',
        ESCALATION_STEP_DELAY: 'PT1S',
        REPORT_ACK_WITHIN: 'PT4S',
        REPORT_DELIVERY_BACKOFF: 'PT1S',
      },
    });
    fin = (
      await createOrg(svc, { name: '某证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
        'admin',
        'leader',
        'commander',
        'responder',
        'liaison',
        'viewer',
      ])
    ).tokens;
    other = (
      await createOrg(svc, { name: '某电网公司', kind: 'operator', sector: 'energy', operatorKind: 'cii' }, [
        'commander',
        'liaison',
        'admin',
      ])
    ).tokens;
    dept = (
      await createOrg(svc, { name: '金融行业保护工作部门', kind: 'department', sector: 'finance' }, [
        'department-officer',
        'admin',
      ])
    ).tokens;
    energyDept = (
      await createOrg(svc, { name: '能源行业保护工作部门', kind: 'department', sector: 'energy' }, [
        'department-officer',
      ])
    ).tokens;
  });

  afterAll(async () => {
    await svc?.close();
    await new Promise((r) => hook?.close(r));
  });

  const http = () => svc.http();

  async function confirmedIncident(overrides: Record<string, unknown> = {}) {
    const res = await http()
      .post('/api/v1/incidents')
      .set(bearer(fin.commander.token))
      .send(incidentInput({ grade: 'II', ...overrides }));
    expect(res.status).toBe(201);
    const inc = new IncidentDriver(svc, fin, res.body.id);
    // Internal notes and evidence that must never reach a department.
    for (const step of (res.body.steps as StepJson[]).filter((s) => s.phase === 'triage' && s.mandatory)) {
      const role = step.roles.find((r) => fin[r])!;
      const done = await inc.completeStep(role, step.id, {
        note: 'SECRET-NOTE internal',
        evidence: ['sha256:SECRET-EVIDENCE'],
      });
      expect(done.status).toBe(200);
    }
    await inc.send('commander', { type: 'CONFIRM', grade: overrides.grade ?? 'II' });
    return inc;
  }

  async function draft(incidentId: string, body: Record<string, unknown>, token = fin.liaison.token) {
    return http().post(`/api/v1/incidents/${incidentId}/reports`).set(bearer(token)).send(body);
  }

  /** Fills every field the next step still needs, as the liaison would. */
  async function fillMissing(reportId: string, extra: Record<string, string> = {}) {
    const cur = await http().get(`/api/v1/reports/${reportId}`).set(bearer(fin.liaison.token)).expect(200);
    const fields: Record<string, string> = { ...extra };
    for (const code of cur.body.missingFields as string[]) fields[code] ??= `${code} 的内容`;
    const res = await http().patch(`/api/v1/reports/${reportId}`).set(bearer(fin.liaison.token)).send({ fields });
    expect(res.status).toBe(200);
    expect(res.body.missingFields).toEqual([]);
    return res.body;
  }

  async function approveAndSubmit(reportId: string) {
    await http().post(`/api/v1/reports/${reportId}/approve`).set(bearer(fin.commander.token)).expect(200);
    const sub = await http().post(`/api/v1/reports/${reportId}/submit`).set(bearer(fin.liaison.token));
    expect(sub.status).toBe(200);
    return sub.body;
  }

  const timeline = async (id: string): Promise<Array<{ action: string; payload: string }>> =>
    (await http().get(`/api/v1/incidents/${id}/timeline`).set(bearer(fin.commander.token)).expect(200)).body;

  let mainReportId: string;
  let mainIncidentId: string;

  it(
    'drafts, edits, approves and submits an initial report; the finance ' +
      'department receives it in time; public security gets a signed webhook',
    async () => {
      const rec = await http()
        .post('/api/v1/report-recipients')
        .set(bearer(fin.admin.token))
        .send({
          kind: 'public-security',
          name: '市公安局网安支队',
          channel: 'webhook',
          config: { url: hookUrl },
          secret: SECRET,
        });
      expect(rec.status).toBe(201);
      expect(rec.body).toMatchObject({ kind: 'public-security', hasSecret: true, drill: false });
      expect(JSON.stringify(rec.body)).not.toContain(SECRET);
      const badRec = await http()
        .post('/api/v1/report-recipients')
        .set(bearer(fin.admin.token))
        .send({ kind: 'public-security', name: 'x', channel: 'webhook', config: { url: 'ftp://x' }, secret: SECRET });
      expect(badRec.status).toBe(400);
      expect(badRec.body.details[0].field).toBe('config.url');

      const inc = await confirmedIncident();
      mainIncidentId = inc.id;
      expect((await inc.get()).deadlines[0]).toMatchObject({ timer: 'initial-report', status: 'pending' });

      // Roles: a viewer cannot draft.
      expect((await draft(inc.id, { kind: 'initial' }, fin.viewer.token)).status).toBe(403);
      const d = await draft(inc.id, { kind: 'initial' });
      expect(d.status).toBe(201);
      const id: string = d.body.id;
      mainReportId = id;
      expect(d.body).toMatchObject({
        status: 'draft',
        kind: 'initial',
        partial: false,
        drill: false,
        grade: 'II',
        ruleId: 'RR-cii',
        schema: 'lianfang.report/v1',
      });
      expect(d.body.fields.organisation).toBe('某证券公司');
      expect(d.body.requiredFields).toContain('ransomDetails');
      expect(d.body.missingFields).toEqual(expect.arrayContaining(['cause', 'location', 'ransomDetails']));
      expect(JSON.stringify(d.body)).not.toContain('SECRET');

      const bogus = await http()
        .patch(`/api/v1/reports/${id}`)
        .set(bearer(fin.liaison.token))
        .send({ fields: { bogus: 'x' } });
      expect(bogus.status).toBe(400);
      expect(bogus.body.details[0].field).toBe('fields.bogus');
      expect(
        (
          await http()
            .patch(`/api/v1/reports/${id}`)
            .set(bearer(fin.commander.token))
            .send({ fields: { cause: 'x' } })
        ).status,
      ).toBe(403);
      // Approval with gaps names each missing field.
      const gaps = await http().post(`/api/v1/reports/${id}/approve`).set(bearer(fin.commander.token));
      expect(gaps.status).toBe(400);
      expect(gaps.body.details.map((x: { field: string }) => x.field)).toContain('fields.cause');
      await fillMissing(id, { cause: '供应商远程运维账号被盗用', location: '上海市浦东新区主数据中心' });

      expect((await http().post(`/api/v1/reports/${id}/approve`).set(bearer(fin.responder.token))).status).toBe(403);
      expect((await http().post(`/api/v1/reports/${id}/approve`).set(bearer(fin.liaison.token))).status).toBe(403);
      // Not approved yet.
      expect((await http().post(`/api/v1/reports/${id}/submit`).set(bearer(fin.liaison.token))).status).toBe(409);
      const submitted = await approveAndSubmit(id);
      expect(submitted.status).toBe('submitted');
      expect(submitted.contentDigest).toMatch(/^[0-9a-f]{64}$/);
      expect(
        submitted.deliveries
          .map((x: { channel: string; recipientName: string }) => `${x.channel}:${x.recipientName}`)
          .sort(),
      ).toEqual(['inbox:金融行业保护工作部门', 'webhook:市公安局网安支队']);

      // The workflow moved in the same transaction: the initial-report deadline is met.
      const after = await inc.get();
      expect(after.deadlines.find((x: { timer: string }) => x.timer === 'initial-report')).toMatchObject({
        status: 'met',
      });
      expect(after.reports.initial).toEqual([{ reportId: id, partial: false }]);
      const inboxDelivery = submitted.deliveries.find((x: { channel: string }) => x.channel === 'inbox');
      expect(inboxDelivery.deliveredAt <= after.deadlines[0].dueAt).toBe(true);

      // The department's inbox: the report and nothing internal.
      const inbox = await http().get('/api/v1/inbox/reports').set(bearer(dept['department-officer'].token)).expect(200);
      expect(inbox.body.items.map((x: { report: { id: string } }) => x.report.id)).toEqual([id]);
      const item = await http()
        .get(`/api/v1/inbox/reports/${id}`)
        .set(bearer(dept['department-officer'].token))
        .expect(200);
      expect(item.body.report).toMatchObject({
        reference: submitted.reference,
        organisation: { name: '某证券公司' },
        fields: { cause: '供应商远程运维账号被盗用' },
        drill: false,
      });
      expect(item.body.onward).toMatchObject({ status: 'pending', to: ['国家网信部门', '国务院公安部门'] });
      expect(new Date(item.body.onward.dueAt).getTime() - new Date(item.body.receivedAt).getTime()).toBe(30 * 60_000);
      const deptText = JSON.stringify(item.body) + JSON.stringify(inbox.body);
      expect(deptText).not.toContain('SECRET');
      expect(deptText).not.toMatch(/"steps"|"evidence"|"note"/);
      const deptHtml = await http()
        .get(`/api/v1/reports/${id}/render.html`)
        .set(bearer(dept['department-officer'].token))
        .expect(200);
      expect(deptHtml.text).not.toContain('SECRET');
      // A department cannot use the operator's endpoints at all.
      expect(
        (await http().get(`/api/v1/incidents/${inc.id}`).set(bearer(dept['department-officer'].token))).status,
      ).toBe(403);

      const ack = await http()
        .post(`/api/v1/inbox/reports/${id}/acknowledge`)
        .set(bearer(dept['department-officer'].token))
        .send({ note: '已收悉' });
      expect(ack.status).toBe(200);
      expect(ack.body.acknowledgedAt).toBeTruthy();
      const view = await http().get(`/api/v1/reports/${id}`).set(bearer(fin.viewer.token)).expect(200);
      expect(view.body.deliveries.find((x: { channel: string }) => x.channel === 'inbox')).toMatchObject({
        ackNote: '已收悉',
      });

      // Public security: a retried, signed webhook carrying the JSON report.
      const delivered = await waitFor(
        'webhook delivered',
        async () => {
          const r = await http().get(`/api/v1/reports/${id}`).set(bearer(fin.viewer.token)).expect(200);
          const w = r.body.deliveries.find((x: { channel: string }) => x.channel === 'webhook');
          return w.status === 'delivered' ? w : undefined;
        },
        20_000,
      );
      expect(delivered.attempts).toBe(2);
      expect(delivered.attemptLog.map((a: { ok: boolean; status?: number }) => [a.ok, a.status])).toEqual([
        [false, 503],
        [true, 200],
      ]);
      const ok = received.find((x) => x.status === 200)!;
      const sig = ok.headers['x-lianfang-signature'] as string;
      expect(verifyWebhookSignature(SECRET, ok.headers['x-lianfang-timestamp'] as string, ok.body, sig)).toBe(true);
      expect(
        verifyWebhookSignature('wrong-secret-0123456789', ok.headers['x-lianfang-timestamp'] as string, ok.body, sig),
      ).toBe(false);
      // The README's verification snippet, as a receiver would paste it, on the real delivery.
      const { verifyLianfangWebhook } = readmeSnippet<{
        verifyLianfangWebhook: (
          secret: string,
          headers: Record<string, unknown>,
          body: string | Buffer,
          toleranceSeconds?: number,
          nowMs?: number,
        ) => boolean;
      }>('verify-webhook');
      expect(verifyLianfangWebhook(SECRET, ok.headers, Buffer.from(ok.body, 'utf8'))).toBe(true);
      expect(verifyLianfangWebhook(SECRET, ok.headers, ok.body)).toBe(true);
      expect(verifyLianfangWebhook('wrong-secret-0123456789', ok.headers, ok.body)).toBe(false);
      expect(verifyLianfangWebhook(SECRET, ok.headers, ok.body.replace('report.submitted', 'report.submittet'))).toBe(
        false,
      );
      const signedAt = Number(ok.headers['x-lianfang-timestamp']) * 1000;
      expect(verifyLianfangWebhook(SECRET, ok.headers, ok.body, 300, signedAt + 300_000)).toBe(true);
      expect(verifyLianfangWebhook(SECRET, ok.headers, ok.body, 300, signedAt + 301_000)).toBe(false);
      expect(verifyLianfangWebhook(SECRET, ok.headers, ok.body, 300, signedAt - 301_000)).toBe(false);
      const body = JSON.parse(ok.body);
      expect(body.event).toBe('report.submitted');
      // The README's contentDigest recipe reproduces the digest from the document as received.
      const { reportContentDigest } = readmeSnippet<{ reportContentDigest: (d: unknown) => string }>('content-digest');
      expect(reportContentDigest(body.data)).toBe(submitted.contentDigest);
      expect(reportContentDigest(item.body.report)).toBe(submitted.contentDigest);
      expect(reportContentDigest({ ...body.data, fields: { ...body.data.fields, cause: 'x' } })).not.toBe(
        submitted.contentDigest,
      );
      expect(body.data).toMatchObject({
        schema: 'lianfang.report/v1',
        id,
        reference: submitted.reference,
        contentDigest: submitted.contentDigest,
        drill: false,
      });
      expect(ok.body).not.toContain('SECRET');

      // The liaison records that public security confirmed receipt: its acknowledgement clock stops.
      const acked = await http()
        .post(`/api/v1/reports/${id}/deliveries/${delivered.id}/acknowledge`)
        .set(bearer(fin.liaison.token))
        .send({ note: '网安支队电话确认收到' })
        .expect(200);
      expect(acked.body.deliveries.find((x: { id: string }) => x.id === delivered.id)).toMatchObject({
        acknowledgedAt: expect.any(String),
        ackNote: '网安支队电话确认收到',
      });
    },
  );

  it('keeps a submitted report immutable; a correction references it', async () => {
    const patch = await http()
      .patch(`/api/v1/reports/${mainReportId}`)
      .set(bearer(fin.liaison.token))
      .send({ fields: { cause: 'changed' } });
    expect(patch.status).toBe(409);
    expect((await http().post(`/api/v1/reports/${mainReportId}/submit`).set(bearer(fin.liaison.token))).status).toBe(
      409,
    );
    const corr = await draft(mainIncidentId, { kind: 'initial', corrects: mainReportId });
    expect(corr.status).toBe(201);
    expect(corr.body.corrects).toMatchObject({ id: mainReportId });
    expect(corr.body.fields.cause).toBe('供应商远程运维账号被盗用');
    await http()
      .patch(`/api/v1/reports/${corr.body.id}`)
      .set(bearer(fin.liaison.token))
      .send({ fields: { cause: '供应商远程运维账号被盗用（更正：VPN 账号）' } })
      .expect(200);
    const sub = await approveAndSubmit(corr.body.id);
    expect(sub.corrects).toMatchObject({ id: mainReportId });
    const original = await http().get(`/api/v1/reports/${mainReportId}`).set(bearer(fin.viewer.token)).expect(200);
    expect(original.body.fields.cause).toBe('供应商远程运维账号被盗用');
    expect(original.body.correctedBy).toEqual([corr.body.id]);
    const html = await http()
      .get(`/api/v1/reports/${corr.body.id}/render.html`)
      .set(bearer(fin.viewer.token))
      .expect(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.text).toContain('网络安全事件初次报告');
    expect(html.text).toContain(`更正此前报送的报告 ${original.body.reference}`);
    expect(html.text).toContain('@media print');
    expect(html.text).not.toMatch(/<script|<link|src="http/);
  });

  it('runs the onward clock for a grade II report at the department; forward stops it', async () => {
    const tok = dept['department-officer'].token;
    const reminded = await waitFor(
      'onward reminder',
      async () => {
        const r = await http().get(`/api/v1/inbox/reports/${mainReportId}`).set(bearer(tok)).expect(200);
        return r.body.onward.reminded.length ? r.body : undefined;
      },
      15_000,
    );
    expect(reminded.onward).toMatchObject({ status: 'pending', reminded: [0] });
    const pending = await http().get('/api/v1/inbox/reports?status=onward-pending').set(bearer(tok)).expect(200);
    expect(pending.body.items.map((x: { report: { id: string } }) => x.report.id)).toContain(mainReportId);
    expect((await http().post(`/api/v1/inbox/reports/${mainReportId}/forward`).set(bearer(tok)).send({})).status).toBe(
      400,
    );
    const fwd = await http()
      .post(`/api/v1/inbox/reports/${mainReportId}/forward`)
      .set(bearer(tok))
      .send({ reference: 'CAC-2026-0001' });
    expect(fwd.status).toBe(200);
    expect(fwd.body.onward).toMatchObject({ status: 'met', reference: 'CAC-2026-0001' });
    expect(
      (await http().post(`/api/v1/inbox/reports/${mainReportId}/forward`).set(bearer(tok)).send({ reference: 'again' }))
        .status,
    ).toBe(409);
    const forwarded = await http().get('/api/v1/inbox/reports?status=forwarded').set(bearer(tok)).expect(200);
    expect(forwarded.body.items.map((x: { report: { id: string } }) => x.report.id)).toEqual([mainReportId]);
    expect(
      (await http().get('/api/v1/inbox/reports?status=onward-pending').set(bearer(tok)).expect(200)).body.items.map(
        (x: { report: { id: string } }) => x.report.id,
      ),
    ).not.toContain(mainReportId);
  });

  it('overdue follows the open clocks: past the ack window; none open once acknowledged and passed on', async () => {
    const tok = bearer(dept['department-officer'].token);
    const inc = await confirmedIncident();
    const d = await draft(inc.id, { kind: 'initial' });
    await fillMissing(d.body.id);
    await approveAndSubmit(d.body.id);
    const ids = async (query: string): Promise<string[]> =>
      (await http().get(`/api/v1/inbox/reports?pageSize=100&${query}`).set(tok).expect(200)).body.items.map(
        (x: { report: { id: string } }) => x.report.id,
      );
    // Within the 4-second acknowledgement window, and 30 minutes from the onward deadline: not overdue.
    expect(await ids('overdue=true')).not.toContain(d.body.id);
    expect(await ids('overdue=false')).toContain(d.body.id);
    await waitFor(
      'the acknowledgement window to close',
      async () => ((await ids('overdue=true')).includes(d.body.id) ? true : undefined),
      15_000,
    );
    expect(await ids('overdue=false')).not.toContain(d.body.id);
    // Acknowledged: only the onward clock is open, and it is not yet due.
    await http().post(`/api/v1/inbox/reports/${d.body.id}/acknowledge`).set(tok).send({}).expect(200);
    expect(await ids('overdue=true')).not.toContain(d.body.id);
    expect(await ids('overdue=false')).toContain(d.body.id);
    expect(await ids('status=onward-pending&overdue=false')).toContain(d.body.id);
    // Passed on: nothing is open.
    await http()
      .post(`/api/v1/inbox/reports/${d.body.id}/forward`)
      .set(tok)
      .send({ reference: 'CAC-OVERDUE' })
      .expect(200);
    expect(await ids('overdue=true')).not.toContain(d.body.id);
    expect(await ids('status=forwarded&overdue=false')).toContain(d.body.id);
  });

  it("hides everything from another operator and another sector's department (404)", async () => {
    const o = other;
    const e = energyDept['department-officer'].token;
    expect((await http().get(`/api/v1/reports/${mainReportId}`).set(bearer(o.liaison.token))).status).toBe(404);
    expect(
      (
        await http()
          .patch(`/api/v1/reports/${mainReportId}`)
          .set(bearer(o.liaison.token))
          .send({ fields: { cause: 'x' } })
      ).status,
    ).toBe(404);
    expect((await http().post(`/api/v1/reports/${mainReportId}/approve`).set(bearer(o.commander.token))).status).toBe(
      404,
    );
    expect((await http().post(`/api/v1/reports/${mainReportId}/submit`).set(bearer(o.liaison.token))).status).toBe(404);
    // The refusal is the usual JSON error, labelled as JSON (not as the HTML the route gives on success).
    const html404 = await http().get(`/api/v1/reports/${mainReportId}/render.html`).set(bearer(o.liaison.token));
    expect({ status: html404.status, type: html404.headers['content-type'], code: html404.body.statusCode }).toEqual({
      status: 404,
      type: expect.stringMatching(/^application\/json/),
      code: 404,
    });
    expect((await http().get(`/api/v1/incidents/${mainIncidentId}/reports`).set(bearer(o.liaison.token))).status).toBe(
      404,
    );
    expect((await draft(mainIncidentId, { kind: 'followUp' }, o.liaison.token)).status).toBe(404);
    expect((await http().get('/api/v1/inbox/reports').set(bearer(e)).expect(200)).body.items).toEqual([]);
    expect((await http().get(`/api/v1/inbox/reports/${mainReportId}`).set(bearer(e))).status).toBe(404);
    expect(
      (await http().post(`/api/v1/inbox/reports/${mainReportId}/acknowledge`).set(bearer(e)).send({})).status,
    ).toBe(404);
    expect(
      (await http().post(`/api/v1/inbox/reports/${mainReportId}/request-info`).set(bearer(e)).send({ message: 'x' }))
        .status,
    ).toBe(404);
    expect(
      (await http().post(`/api/v1/inbox/reports/${mainReportId}/forward`).set(bearer(e)).send({ reference: 'x' }))
        .status,
    ).toBe(404);
    expect((await http().get(`/api/v1/reports/${mainReportId}/render.html`).set(bearer(e))).status).toBe(404);
    // Their own list does not show the finance incident's reports either.
    expect((await http().get('/api/v1/report-recipients').set(bearer(o.admin.token)).expect(200)).body).toEqual([]);
  });

  it(
    'tracks owed fields of a partial initial report until a completion; ' +
      'escalates an unacknowledged report; request-info reaches the operator',
    async () => {
      const inc = await confirmedIncident();
      const d = await draft(inc.id, { kind: 'initial', partial: true });
      expect(d.status).toBe(201);
      expect(d.body.missingFields).not.toContain('cause');
      await fillMissing(d.body.id, { location: '上海' });
      const sub = await approveAndSubmit(d.body.id);
      expect(sub.partial).toBe(true);
      // Art. 7 para. 2: cause, trend and investigation leads may follow; scene protection (a 2023-draft item) is never
      // owed.
      expect(sub.owedFields).toEqual(
        expect.arrayContaining(['trend', 'cause', 'investigationLeads', 'nextSteps', 'supportNeeded']),
      );
      expect(sub.owedFields).not.toContain('sceneProtection');
      const list1 = await http().get(`/api/v1/incidents/${inc.id}/reports`).set(bearer(fin.viewer.token)).expect(200);
      expect(list1.body).toMatchObject({ owedSince: d.body.id });
      expect(list1.body.owedFields).toEqual(sub.owedFields);
      expect((await inc.get()).deadlines[0].status).toBe('met');
      const deptItem = await http()
        .get(`/api/v1/inbox/reports/${d.body.id}`)
        .set(bearer(dept['department-officer'].token))
        .expect(200);
      expect(deptItem.body.report.owedFields).toEqual(sub.owedFields);

      const ask = await http()
        .post(`/api/v1/inbox/reports/${d.body.id}/request-info`)
        .set(bearer(dept['department-officer'].token))
        .send({ message: '请补充勒索信内容' });
      expect(ask.status).toBe(200);
      const list2 = await http().get(`/api/v1/incidents/${inc.id}/reports`).set(bearer(fin.viewer.token)).expect(200);
      expect(list2.body.infoRequests).toEqual([
        expect.objectContaining({ message: '请补充勒索信内容', departmentName: '金融行业保护工作部门' }),
      ]);
      const infoFilter = await http()
        .get('/api/v1/inbox/reports?status=info-requested')
        .set(bearer(dept['department-officer'].token))
        .expect(200);
      expect(infoFilter.body.items.map((x: { report: { id: string } }) => x.report.id)).toEqual([d.body.id]);

      // Completion: a further, complete initial report starts from the partial one and settles the owed fields.
      const done = await draft(inc.id, { kind: 'initial' });
      expect(done.body.fields.location).toBe('上海');
      await fillMissing(done.body.id);
      await approveAndSubmit(done.body.id);
      const list3 = await http().get(`/api/v1/incidents/${inc.id}/reports`).set(bearer(fin.viewer.token)).expect(200);
      expect(list3.body).toMatchObject({ owedFields: [], owedSince: null });
      // The department sees the operator's answer: the incident's later report, by the incident filter.
      const ofIncident = await http()
        .get(`/api/v1/inbox/reports?incidentId=${inc.id}`)
        .set(bearer(dept['department-officer'].token))
        .expect(200);
      expect(ofIncident.body.items.map((x: { report: { id: string } }) => x.report.id)).toEqual([
        done.body.id,
        d.body.id,
      ]);
      await http()
        .get('/api/v1/inbox/reports?incidentId=not-an-id')
        .set(bearer(dept['department-officer'].token))
        .expect(400);
      expect((await inc.get()).stateValue).toMatchObject({ response: { reporting: 'initialSubmitted' } });

      // Nobody acknowledged the partial report: commander, leader, admin in turn, once each.
      const t = await waitFor(
        'three acknowledgement escalations',
        async () => {
          const entries = (await timeline(inc.id)).filter(
            (x) =>
              /report\.ack-(overdue|escalated)/.test(x.action) &&
              JSON.parse(x.payload).reportId === d.body.id &&
              JSON.parse(x.payload).recipient === '金融行业保护工作部门',
          );
          return entries.length >= 3 ? entries : undefined;
        },
        25_000,
      );
      expect(t.map((x) => JSON.parse(x.payload).role)).toEqual(['commander', 'leader', 'admin']);
      const overdue = await http()
        .get('/api/v1/inbox/reports?overdue=true')
        .set(bearer(dept['department-officer'].token))
        .expect(200);
      expect(overdue.body.items.map((x: { report: { id: string } }) => x.report.id)).toContain(d.body.id);
      expect(overdue.body.items.map((x: { report: { id: string } }) => x.report.id)).not.toContain(mainReportId);
      const view = await http().get(`/api/v1/reports/${d.body.id}`).set(bearer(fin.viewer.token)).expect(200);
      expect(view.body.deliveries.find((x: { channel: string }) => x.channel === 'inbox').ackEscalationLevel).toBe(3);
    },
  );

  it(
    "stamps a drill incident's report as drill and keeps it from external " + 'recipients not configured for drills',
    async () => {
      const inc = await confirmedIncident({ drill: true });
      const d = await draft(inc.id, { kind: 'initial' });
      expect(d.body.drill).toBe(true);
      await fillMissing(d.body.id);
      const sub = await approveAndSubmit(d.body.id);
      expect(sub.drill).toBe(true);
      expect(sub.deliveries.map((x: { channel: string }) => x.channel)).toEqual(['inbox']);
      const html = await http()
        .get(`/api/v1/reports/${d.body.id}/render.html`)
        .set(bearer(fin.viewer.token))
        .expect(200);
      expect(html.text).toContain('【演练】');
      expect(html.text).toContain('演练 — 本报告来自应急演练');
      const item = await http()
        .get(`/api/v1/inbox/reports/${d.body.id}`)
        .set(bearer(dept['department-officer'].token))
        .expect(200);
      expect(item.body.report.drill).toBe(true);
      const drills = await http()
        .get('/api/v1/inbox/reports?drill=true')
        .set(bearer(dept['department-officer'].token))
        .expect(200);
      expect(drills.body.items.map((x: { report: { id: string } }) => x.report.id)).toEqual([d.body.id]);
      const real = await http()
        .get('/api/v1/inbox/reports?drill=false&pageSize=100')
        .set(bearer(dept['department-officer'].token))
        .expect(200);
      expect(real.body.items.length).toBeGreaterThan(0);
      expect(real.body.items.every((x: { report: { drill: boolean } }) => !x.report.drill)).toBe(true);
    },
  );

  it('pages the inbox by cursor: the same reports as by page, in order, each once; totals say if exact', async () => {
    const tok = bearer(dept['department-officer'].token);
    const all = await http().get('/api/v1/inbox/reports?pageSize=100').set(tok).expect(200);
    expect(all.body).toMatchObject({ totalExact: true, page: 1, nextCursor: null });
    expect(all.body.total).toBe(all.body.items.length);
    expect(all.body.total).toBeGreaterThan(2);
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: {
        body: { items: Array<{ report: { id: string } }>; nextCursor: string | null; page: number | null };
      } = await http()
        .get(`/api/v1/inbox/reports?pageSize=2${cursor ? `&cursor=${cursor}` : ''}`)
        .set(tok)
        .expect(200);
      expect(res.body.page).toBe(cursor ? null : 1);
      ids.push(...res.body.items.map((x) => x.report.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(ids).toEqual(all.body.items.map((x: { report: { id: string } }) => x.report.id));
    const bad = await http().get('/api/v1/inbox/reports?cursor=abc&page=2').set(tok);
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('cursor');
  });

  it('documents the report routes and the stable JSON schema in OpenAPI', async () => {
    const doc = await http().get('/api/docs-json').expect(200);
    for (const path of [
      '/api/v1/incidents/{id}/reports',
      '/api/v1/reports/{id}',
      '/api/v1/reports/{id}/submit',
      '/api/v1/reports/{id}/render.html',
      '/api/v1/report-recipients',
      '/api/v1/inbox/reports',
      '/api/v1/inbox/reports/{id}/forward',
    ]) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
    expect(Object.keys(doc.body.components.schemas.ReportDocumentView.properties)).toEqual(
      expect.arrayContaining(['schema', 'fields', 'owedFields', 'drill', 'contentDigest']),
    );
  });
});
