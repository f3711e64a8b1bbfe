import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';
import { IncidentDriver, type Tokens } from '../support/incident-driver';

/**
 * GET /api/v1/reports: the organisation's reports across its incidents (the console's report list), newest
 * first, filtered by status, kind and drill, each with its incident and how its deliveries went. Another
 * organisation's reports never appear; departments are refused (their reports are in the inbox).
 */
describe('the organisation report list', () => {
  jest.setTimeout(60_000);
  let svc: TestService;
  let fin: Tokens;
  let other: Tokens;
  let dept: Tokens;

  beforeAll(async () => {
    svc = await startTestService();
    fin = (
      await createOrg(svc, { name: '某证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
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
      ])
    ).tokens;
    dept = (
      await createOrg(svc, { name: '金融行业保护工作部门', kind: 'department', sector: 'finance' }, [
        'department-officer',
      ])
    ).tokens;
  });

  afterAll(async () => {
    await svc?.close();
  });

  const http = () => svc.http();

  async function confirmed(tokens: Tokens, overrides: Record<string, unknown> = {}) {
    const res = await http()
      .post('/api/v1/incidents')
      .set(bearer(tokens.commander.token))
      .send(incidentInput({ grade: 'II', ...overrides }));
    expect(res.status).toBe(201);
    const inc = new IncidentDriver(svc, tokens, res.body.id);
    await inc.completePhase('triage');
    await inc.send('commander', { type: 'CONFIRM', grade: 'II', crimeSuspected: false });
    return { inc, reference: res.body.reference as string, title: res.body.title as string };
  }

  async function draft(tokens: Tokens, incidentId: string, kind = 'initial') {
    const res = await http()
      .post(`/api/v1/incidents/${incidentId}/reports`)
      .set(bearer(tokens.liaison.token))
      .send({ kind });
    expect(res.status).toBe(201);
    return res.body as { id: string; reference: string; missingFields: string[] };
  }

  it('lists the organisation’s reports newest first with their incident and delivery counts', async () => {
    const a = await confirmed(fin, { title: '交易系统被加密' });
    const b = await confirmed(fin, { title: '门户网站被篡改', drill: true });
    const theirs = await confirmed(other);
    const first = await draft(fin, a.inc.id);
    // Submitted: filled, approved by the commander, submitted by the liaison (public security out of band).
    const fields = Object.fromEntries(first.missingFields.map((c) => [c, `${c} 的内容`]));
    await http().patch(`/api/v1/reports/${first.id}`).set(bearer(fin.liaison.token)).send({ fields }).expect(200);
    await http().post(`/api/v1/reports/${first.id}/approve`).set(bearer(fin.commander.token)).expect(200);
    await http()
      .post(`/api/v1/reports/${first.id}/submit`)
      .set(bearer(fin.liaison.token))
      .send({
        outOfBand: [{ recipientKind: 'public-security', recipientName: '某市公安局网安支队', means: 'phone' }],
      })
      .expect(200);
    const second = await draft(fin, b.inc.id);
    await draft(other, theirs.inc.id);

    const list = await http().get('/api/v1/reports').set(bearer(fin.viewer.token)).expect(200);
    expect(list.body).toMatchObject({ total: 2, page: 1, pageSize: 20 });
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([second.id, first.id]);
    expect(list.body.items[1]).toMatchObject({
      reference: first.reference,
      incident: { id: a.inc.id, reference: a.reference, title: '交易系统被加密' },
      kind: 'initial',
      status: 'submitted',
      drill: false,
      correction: false,
      // The finance department's inbox and the out-of-band report to public security (acknowledged as made).
      deliveries: { total: 2, delivered: 2, failed: 0, acknowledged: 1 },
      infoRequests: 0,
    });
    expect(list.body.items[0]).toMatchObject({ status: 'draft', drill: true, deliveries: { total: 0 } });

    // The department acknowledges and asks for more: the counts follow.
    await http()
      .post(`/api/v1/inbox/reports/${first.id}/acknowledge`)
      .set(bearer(dept['department-officer'].token))
      .send({})
      .expect(200);
    await http()
      .post(`/api/v1/inbox/reports/${first.id}/request-info`)
      .set(bearer(dept['department-officer'].token))
      .send({ message: '请补充受影响业务的恢复时间。' })
      .expect(200);
    const after = await http().get('/api/v1/reports?status=submitted').set(bearer(fin.commander.token)).expect(200);
    expect(after.body.total).toBe(1);
    expect(after.body.items[0]).toMatchObject({
      id: first.id,
      deliveries: { total: 2, acknowledged: 2 },
      infoRequests: 1,
    });
  });

  it('filters by status, kind and drill, and pages', async () => {
    const drafts = await http().get('/api/v1/reports?status=draft').set(bearer(fin.liaison.token)).expect(200);
    expect(drafts.body.items.every((r: { status: string }) => r.status === 'draft')).toBe(true);
    const drills = await http().get('/api/v1/reports?drill=true').set(bearer(fin.liaison.token)).expect(200);
    expect(drills.body.items.every((r: { drill: boolean }) => r.drill)).toBe(true);
    expect(drills.body.total).toBe(1);
    const real = await http().get('/api/v1/reports?drill=false').set(bearer(fin.liaison.token)).expect(200);
    expect(real.body.total).toBe(1);
    expect(real.body.items[0]).toMatchObject({ drill: false, status: 'submitted' });
    const finals = await http().get('/api/v1/reports?kind=final').set(bearer(fin.liaison.token)).expect(200);
    expect(finals.body).toMatchObject({ total: 0, items: [] });
    const paged = await http().get('/api/v1/reports?pageSize=1&page=2').set(bearer(fin.liaison.token)).expect(200);
    expect(paged.body).toMatchObject({ total: 2, totalExact: true, page: 2, pageSize: 1, nextCursor: null });
    expect(paged.body.items).toHaveLength(1);
  });

  it('pages by cursor in the same order, each report once, and refuses a bad cursor naming it', async () => {
    const all = await http().get('/api/v1/reports').set(bearer(fin.liaison.token)).expect(200);
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { items: Array<{ id: string }>; page: number | null; nextCursor: string | null } } =
        await http()
          .get(`/api/v1/reports?pageSize=1${cursor ? `&cursor=${cursor}` : ''}`)
          .set(bearer(fin.liaison.token))
          .expect(200);
      expect(res.body.page).toBe(cursor ? null : 1);
      ids.push(...res.body.items.map((r) => r.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(2);
    expect(ids).toEqual(all.body.items.map((r: { id: string }) => r.id));

    const bad = await http().get('/api/v1/reports?cursor=bm90LWEtY3Vyc29y').set(bearer(fin.liaison.token)).expect(400);
    expect(JSON.stringify(bad.body.details)).toContain('cursor');
    const both = await http()
      .get(`/api/v1/reports?page=1&cursor=${encodeURIComponent(Buffer.from('["a","b"]').toString('base64url'))}`)
      .set(bearer(fin.liaison.token))
      .expect(400);
    expect(JSON.stringify(both.body.details)).toContain('cursor');
    // Pages by number reach the first 10,000 matches; deeper pages go by cursor.
    const deep = await http().get('/api/v1/reports?page=501').set(bearer(fin.liaison.token)).expect(400);
    expect(JSON.stringify(deep.body.details)).toContain('page');
  });

  it('answers 400 naming a bad filter, and refuses departments', async () => {
    const bad = await http().get('/api/v1/reports?status=sent').set(bearer(fin.liaison.token)).expect(400);
    expect(JSON.stringify(bad.body.details)).toContain('status');
    await http().get('/api/v1/reports').set(bearer(dept['department-officer'].token)).expect(403);
    const theirs = await http().get('/api/v1/reports').set(bearer(other.commander.token)).expect(200);
    expect(theirs.body.total).toBe(1);
  });
});
