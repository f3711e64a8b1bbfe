import Database from 'better-sqlite3';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';
import { IncidentDriver, type Tokens } from '../support/incident-driver';
import { waitFor } from '../support/wait';

type Row = Record<string, unknown>;

/**
 * Witnesses of the audit trail outside the database (issue: emptying both audit tables, or cutting the
 * tail and writing back an older keyed head, verified as ok): the witness file beside the audit key,
 * and the audit head every submitted report carries to its recipients. Real app, real SQLite file,
 * tampered with directly as an attacker with the database (and not the key) would.
 */
describe('audit witnesses (real app, real SQLite, real redis-server)', () => {
  jest.setTimeout(90_000);
  let svc: TestService;
  let op: Tokens;
  let dept: Tokens;
  let reportId: string;

  const verify = async () =>
    (await svc.http().get('/api/v1/audit/verify').set(bearer(svc.adminToken)).expect(200)).body;
  /** Verification once the witness has caught up with the chain (it is written after commit). */
  const settled = () =>
    waitFor('the witness to reach the head', async () => {
      const v = await verify();
      return v.ok && v.witness.seq === v.headSeq ? v : null;
    });
  const witnessFile = () => join(svc.dir, 'var', 'keys', 'audit.witness');

  beforeAll(async () => {
    svc = await startTestService();
    op = (
      await createOrg(svc, { name: '某证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
        'admin',
        'leader',
        'commander',
        'responder',
        'liaison',
        'viewer',
      ])
    ).tokens;
    dept = (
      await createOrg(svc, { name: '金融行业保护工作部门', kind: 'department', sector: 'finance' }, [
        'department-officer',
      ])
    ).tokens;
    // A grade-II report reaches the department (public security by phone): it carries the operator's head.
    const res = await svc
      .http()
      .post('/api/v1/incidents')
      .set(bearer(op.commander.token))
      .send(incidentInput())
      .expect(201);
    const inc = new IncidentDriver(svc, op, res.body.id);
    await inc.completePhase('triage');
    await inc.send('commander', { type: 'CONFIRM', grade: 'II', crimeSuspected: false });
    const d = await svc
      .http()
      .post(`/api/v1/incidents/${inc.id}/reports`)
      .set(bearer(op.liaison.token))
      .send({ kind: 'initial' })
      .expect(201);
    const fields: Record<string, string> = {};
    for (const code of d.body.missingFields as string[]) fields[code] = `${code} 的内容`;
    await svc.http().patch(`/api/v1/reports/${d.body.id}`).set(bearer(op.liaison.token)).send({ fields }).expect(200);
    await svc.http().post(`/api/v1/reports/${d.body.id}/approve`).set(bearer(op.commander.token)).expect(200);
    await svc
      .http()
      .post(`/api/v1/reports/${d.body.id}/submit`)
      .set(bearer(op.liaison.token))
      .send({ outOfBand: [{ recipientKind: 'public-security', recipientName: '市公安局网安支队', means: 'phone' }] })
      .expect(200);
    reportId = d.body.id;
  });

  afterAll(async () => {
    await svc?.close();
  });

  it('keeps a witness file beside the audit key that follows the head, mode 0600', async () => {
    const v = await settled();
    expect(v).toMatchObject({
      ok: true,
      witness: { state: 'valid', ok: true },
      reportHeads: { checked: 1, broken: [] },
    });
    expect(statSync(witnessFile()).mode & 0o777).toBe(0o600);
    const w = JSON.parse(readFileSync(witnessFile(), 'utf8'));
    expect(w).toEqual({
      seq: v.headSeq,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      mac: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it("the report carries the operator's audit head to the department, covered by its digest", async () => {
    const inbox = await svc
      .http()
      .get(`/api/v1/inbox/reports/${reportId}`)
      .set(bearer(dept['department-officer'].token))
      .expect(200);
    const head = inbox.body.report.auditHead;
    expect(head).toEqual({ seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const db = new Database(svc.sqlitePath, { readonly: true });
    try {
      const entry = db.prepare('SELECT hash FROM audit_entry WHERE seq = ?').get(head.seq) as { hash: string };
      expect(entry.hash).toBe(head.hash);
      // The head is the newest entry before the submission's own.
      const submittedAt = db
        .prepare("SELECT seq FROM audit_entry WHERE action = 'report.submitted' ORDER BY seq DESC LIMIT 1")
        .get() as { seq: number };
      expect(submittedAt.seq).toBe(head.seq + 1);
    } finally {
      db.close();
    }
  });

  it('emptying both audit tables no longer verifies as ok', async () => {
    const before = await settled();
    const db = new Database(svc.sqlitePath);
    const entries = db.prepare('SELECT * FROM audit_entry ORDER BY seq').all() as Row[];
    const heads = db.prepare('SELECT * FROM audit_head').all() as Row[];
    try {
      db.prepare('DELETE FROM audit_entry').run();
      db.prepare('DELETE FROM audit_head').run();
      const v = await verify();
      expect(v).toMatchObject({
        ok: false,
        entries: 0,
        firstBroken: { reason: 'behind-witness', seq: before.headSeq },
        witness: { state: 'valid', ok: false },
      });
      expect(v.reportHeads.broken.map((b: { reportId: string }) => b.reportId)).toEqual([reportId]);
    } finally {
      restore(db, entries, heads);
      db.close();
    }
    expect((await verify()).ok).toBe(true);
  });

  it('cutting the tail and writing back an earlier keyed head no longer verifies as ok', async () => {
    await settled();
    const db = new Database(svc.sqlitePath);
    const entries = db.prepare('SELECT * FROM audit_entry ORDER BY seq').all() as Row[];
    const heads = db.prepare('SELECT * FROM audit_head').all() as Row[];
    try {
      // An attacker kept a copy of the head row from earlier (valid MAC) and rolls the trail back to it.
      const cutAt = Number(entries[Math.floor(entries.length / 2)]!.seq);
      const earlier = entries.find((e) => Number(e.seq) === cutAt)!;
      const macOfEarlier = await headRowAt(cutAt);
      db.prepare('DELETE FROM audit_entry WHERE seq > ?').run(cutAt);
      db.prepare('UPDATE audit_head SET seq = ?, hash = ?, mac = ? WHERE id = 1').run(
        cutAt,
        earlier.hash,
        macOfEarlier,
      );
      const v = await verify();
      // The chain itself is consistent up to the restored head; only the witnesses tell.
      expect(v.entries).toBe(cutAt);
      expect(v).toMatchObject({ ok: false, firstBroken: { reason: 'behind-witness' }, witness: { ok: false } });
      expect(v.reportHeads.broken.map((b: { reportId: string }) => b.reportId)).toEqual([reportId]);

      // Without the witness file (deleted too), the head the department holds still tells.
      rmSync(witnessFile());
      const v2 = await verify();
      expect(v2).toMatchObject({
        ok: false,
        firstBroken: { reason: 'report-head-mismatch' },
        witness: { state: 'absent', ok: true },
      });
    } finally {
      restore(db, entries, heads);
      db.close();
    }
  });

  it('a witness file edited without the key is refused', async () => {
    await svc.http().post('/api/v1/incidents').set(bearer(op.commander.token)).send(incidentInput()).expect(201);
    await waitFor('the witness to be written again', async () => existsSync(witnessFile()));
    const v = await settled();
    const w = JSON.parse(readFileSync(witnessFile(), 'utf8'));
    writeFileSync(witnessFile(), JSON.stringify({ ...w, seq: w.seq + 1000 }));
    expect(await verify()).toMatchObject({
      ok: false,
      firstBroken: { reason: 'witness-invalid' },
      witness: { state: 'invalid', ok: false },
    });
    writeFileSync(witnessFile(), JSON.stringify(w));
    expect((await verify()).ok).toBe(v.ok);
  });

  /**
   * The keyed head row as it stood at `seq`: the service computed it then, and an attacker who copied the
   * row at the time has exactly this. Found by replaying: the MAC is over "seq:hash" with the audit key,
   * which a test may read from VAR_DIR (an attacker with only the database may not).
   */
  async function headRowAt(seq: number): Promise<string> {
    const { createHmac } = await import('node:crypto');
    const key = Buffer.from(readFileSync(join(svc.dir, 'var', 'keys', 'audit.key'), 'utf8').trim(), 'base64');
    const db = new Database(svc.sqlitePath, { readonly: true });
    try {
      const e = db.prepare('SELECT hash FROM audit_entry WHERE seq = ?').get(seq) as { hash: string };
      return createHmac('sha256', key).update(`${seq}:${e.hash}`).digest('hex');
    } finally {
      db.close();
    }
  }
});

function restore(db: Database.Database, entries: Row[], heads: Row[]): void {
  db.prepare('DELETE FROM audit_entry').run();
  db.prepare('DELETE FROM audit_head').run();
  for (const rows of [
    ['audit_entry', entries],
    ['audit_head', heads],
  ] as const) {
    for (const r of rows[1]) {
      const cols = Object.keys(r);
      db.prepare(`INSERT INTO ${rows[0]} (${cols.join(',')}) VALUES (${cols.map(() => '?').join(',')})`).run(
        ...cols.map((c) => r[c]),
      );
    }
  }
}
