import { INBOX_STATUS_CONDITIONS } from '../../src/reports/report.entities';
import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';
import { openStorage, type Storage } from '../support/storage';

/**
 * The list filters that used to read the owner's rows until a page was full (issue 19: 0.69 s for the
 * inbox's `status=forwarded` and 0.75 s for a detection range over a million rows) are each answered
 * by an index that holds only their matches, in the list's order (migration 1765600000000). The plans
 * are the databases' own: SQLite's EXPLAIN QUERY PLAN on a fresh database (no statistics), and on
 * Postgres EXPLAIN with sequential scans priced out, where a partial index whose condition the
 * statement does not imply cannot be chosen. bench:scale measures the same filters at a million rows.
 */
describe('list filters read an index of their matches in the list order (real app)', () => {
  jest.setTimeout(120_000);
  let svc: TestService;
  let db: Storage;
  let commander: string;
  let viewer: string;

  beforeAll(async () => {
    svc = await startTestService({ workers: false });
    const o = await createOrg(svc, { name: 'Grid operator', kind: 'operator', sector: 'energy', operatorKind: 'cii' }, [
      'commander',
      'viewer',
    ]);
    commander = o.tokens.commander!.token;
    viewer = o.tokens.viewer!.token;
    db = await openStorage(svc.sqlitePath);
  });
  afterAll(async () => {
    await db?.close();
    await svc?.close();
  });

  const plan = async (statement: string, params: unknown[]): Promise<string> => {
    if (db.kind === 'postgres') {
      await db.run('SET enable_seqscan = off');
      const rows = await db.all<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement}`, params);
      await db.run('RESET enable_seqscan');
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    }
    return (await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${statement}`, params))
      .map((r) => r.detail)
      .join('\n');
  };
  // The index gives the list's order but for the direction of the tie-breaker (received_at newest first,
  // id ascending): SQLite sorts only the rows of one received_at among themselves ("FOR LAST TERM OF
  // ORDER BY"), never the whole match. Postgres chooses how to sort by its row estimates, which on these
  // empty tables say one row; that it reads the partial index at all shows it sees the index's condition
  // hold, which is what this checks there.
  const expectOrderedBy = (text: string, index: string) => {
    expect(text).toContain(index);
    if (db.kind === 'sqlite') expect(text).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
  };

  it.each(Object.entries(INBOX_STATUS_CONDITIONS))('inbox status=%s: its partial index', async (status, condition) => {
    // The inbox's page of keys, as keysetPage asks for it (received_at newest first, then id).
    const text = await plan(
      `SELECT d.received_at, d.id FROM report_delivery d WHERE d.department_org_id = ? AND ${condition} ` +
        'ORDER BY d.received_at DESC, d.id ASC LIMIT 21',
      ['00000000-0000-4000-8000-000000000000'],
    );
    expectOrderedBy(text, `report_delivery_dept_${status.replace('-', '_')}`);
  });

  it('inbox overdue=true: the index of open deliveries, with when the earliest open clock falls due', async () => {
    const text = await plan(
      'SELECT d.received_at, d.id FROM report_delivery d WHERE d.department_org_id = ? ' +
        'AND d.open_due_at IS NOT NULL AND d.open_due_at <= ? ORDER BY d.received_at DESC, d.id ASC LIMIT 21',
      ['00000000-0000-4000-8000-000000000000', '2026-12-03T00:00:00.000Z'],
    );
    expectOrderedBy(text, 'report_delivery_dept_open');
  });

  it('incident list with a detection range: (org_id, detected_at, reference), in that order', async () => {
    const text = await plan(
      'SELECT i.detected_at, i.reference FROM incident i WHERE i.org_id = ? AND i.detected_at >= ? ' +
        'AND i.detected_at < ? ORDER BY i.detected_at DESC, i.reference DESC LIMIT 21',
      ['00000000-0000-4000-8000-000000000000', '2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
    );
    expectOrderedBy(text, 'incident_org_detected');
  });

  it('a detection range lists by detection time, newest first, page by page; without one, by declaration', async () => {
    const hour = 3_600_000;
    const t0 = Date.parse('2026-11-20T00:00:00.000Z');
    // Declared in this order, detected out of it (hours after t0): a late declaration of an older detection.
    const detectedHours = [5, 9, 1, 7];
    const ids: string[] = [];
    for (const h of detectedHours) {
      const detectedAt = new Date(t0 + h * hour).toISOString();
      const res = await svc
        .http()
        .post('/api/v1/incidents')
        .set(bearer(commander))
        .send(incidentInput({ detectedAt, occurredAt: new Date(t0 + h * hour - 60_000).toISOString() }))
        .expect(201);
      ids.push(res.body.id);
    }
    const byDetection = [1, 3, 0]; // detected at 9, 7 and 5 h; the one at 1 h is outside the range
    const at = (h: number) => new Date(t0 + h * hour).toISOString();
    const range = `detectedFrom=${at(2)}&detectedTo=${at(10)}`;
    const walked: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { items: Array<{ id: string }>; nextCursor: string | null; total: number } } = await svc
        .http()
        .get(`/api/v1/incidents?${range}&pageSize=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        .set(bearer(viewer))
        .expect(200);
      expect(res.body.total).toBe(3);
      walked.push(...res.body.items.map((i) => i.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(walked).toEqual(byDetection.map((k) => ids[k]));

    const all = await svc.http().get('/api/v1/incidents?pageSize=10').set(bearer(viewer)).expect(200);
    expect(all.body.items.map((i: { id: string }) => i.id)).toEqual([...ids].reverse());
  });
});
