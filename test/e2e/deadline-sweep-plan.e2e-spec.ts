import { pendingDueStatement } from '../../src/clocks/deadline-sweeper';
import { startTestService, TestService } from '../support/harness';
import { openStorage, type Storage } from '../support/storage';

/**
 * The deadline sweep and the round of deadlines due together read the pending deadlines that are due
 * through (status, due_at), however the database's statistics make the other indexes look. With the
 * statistics ANALYZE gave on bench:scale's million-incident seed, SQLite took (org_id, resolved_at,
 * due_at) by a skip-scan for the statement as it was, which read all 100,000 unresolved deadlines to find
 * none pending: 0.1–0.9 s on the event loop at every sweep. The statistics below are that database's.
 */
describe('the deadline sweep reads pending deadlines through (status, due_at)', () => {
  jest.setTimeout(60_000);
  let svc: TestService;
  let db: Storage;

  beforeAll(async () => {
    svc = await startTestService();
    db = await openStorage(svc.sqlitePath);
  });
  afterAll(async () => {
    await db?.close();
    await svc?.close();
  });

  /** The index names the statement's plan uses, as the database explains it. */
  const plan = async (statement: string): Promise<string> => {
    const params = ['2026-12-03T13:00:00.000Z', 200];
    if (db.kind === 'postgres')
      return (await db.all<{ 'QUERY PLAN': string }>(`EXPLAIN ${statement}`, params))
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    return (await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${statement}`, params))
      .map((r) => r.detail)
      .join('\n');
  };

  it('with statistics that favour (org_id, resolved_at, due_at), the sweep still seeks (status, due_at)', async () => {
    if (db.kind === 'sqlite') {
      await db.run('ANALYZE');
      const indexes = await db.all<{ name: string; columns: string }>(
        'SELECT name, (SELECT group_concat(name) FROM pragma_index_info(m.name)) AS columns FROM sqlite_master m ' +
          "WHERE type = 'index' AND tbl_name = 'incident_deadline'",
      );
      const stats: Record<string, string> = {
        'org_id,resolved_at,due_at': '1000001 1000001 2 1',
        'status,due_at': '1000001 333334 1',
        'org_id,status,due_at': '1000001 1000001 333334 1',
        'incident_id,timer': '1000001 1 1',
      };
      await db.run("DELETE FROM sqlite_stat1 WHERE tbl = 'incident_deadline'");
      for (const { name, columns } of indexes)
        await db.run("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('incident_deadline', ?, ?)", [
          name,
          stats[columns],
        ]);
      expect(indexes.map((i) => stats[i.columns])).not.toContain(undefined);
      // This connection's planner reads the statistics again.
      await db.run('ANALYZE sqlite_schema');
      // The statement as it was: these statistics do lead SQLite to the skip-scan.
      const before = await plan(
        'SELECT incident_id, timer, generation, due_at FROM incident_deadline ' +
          "WHERE status = 'pending' AND resolved_at IS NULL AND due_at < ? ORDER BY due_at LIMIT ?",
      );
      expect(before).toContain('incident_deadline_org_open');
    }
    for (const op of ['<', '<='] as const) {
      const after = await plan(pendingDueStatement(op));
      expect(after).not.toContain('incident_deadline_org_open');
      if (db.kind === 'sqlite')
        expect(after).toContain('USING INDEX incident_deadline_status_due (status=? AND due_at<');
    }
  });
});
