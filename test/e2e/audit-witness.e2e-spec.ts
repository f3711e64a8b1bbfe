import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';
import { IncidentDriver, type Tokens } from '../support/incident-driver';
import { waitFor } from '../support/wait';
import { openStorage, type Storage } from '../support/storage';
import { AuditService } from '../../src/audit';
import { chainHeadMac } from '../../src/audit/hash-chain';

type Row = Record<string, unknown>;

/**
 * Witnesses of the audit trail outside the chains (issue: emptying the audit tables, or cutting the
 * tail and writing back an older keyed head, verified as ok): the signed checkpoints over the chain
 * heads, the witness file beside the audit key, and the audit head every submitted report carries to
 * its recipients. Real app, real database (SQLite, or Postgres with TEST_DATABASE_URL), tampered with
 * directly as an attacker with the database (and not the key) would.
 */
describe('audit witnesses (real app, real database, real redis-server)', () => {
  jest.setTimeout(90_000);
  let svc: TestService;
  let op: Tokens;
  let dept: Tokens;
  let reportId: string;
  let opOrg: string;
  let reportHeadSeq: number;

  const verify = async () =>
    (await svc.http().get('/api/v1/audit/verify').set(bearer(svc.adminToken)).expect(200)).body;
  const witnessFile = () => join(svc.dir, 'var', 'keys', 'audit.witness');
  const readWitness = () => JSON.parse(readFileSync(witnessFile(), 'utf8'));
  /** Verification once the witness names the operator's chain head (it is written after commit). */
  const settled = () =>
    waitFor('the witness to reach the head', async () => {
      const v = await verify();
      const chain = await svc.http().get(`/api/v1/audit/organisations/${opOrg}/verify`).set(bearer(svc.adminToken));
      return v.ok && existsSync(witnessFile()) && readWitness().heads[opOrg]?.seq === chain.body.headChainSeq
        ? v
        : null;
    });

  beforeAll(async () => {
    // Checkpoints only when a test asks for one (AuditService.checkpoint), so each test knows what they cover.
    svc = await startTestService({ env: { AUDIT_CHECKPOINT_SECONDS: '3600' } });
    const operator = await createOrg(
      svc,
      { name: '某证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' },
      ['admin', 'leader', 'commander', 'responder', 'liaison', 'viewer'],
    );
    op = operator.tokens;
    opOrg = operator.orgId;
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
    reportHeadSeq = (await svc.http().get(`/api/v1/reports/${reportId}`).set(bearer(op.liaison.token)).expect(200)).body
      .auditHead.seq;
  });

  afterAll(async () => {
    await svc?.close();
  });

  const audit = () => svc.app.get(AuditService);
  const AUDIT_TABLES = ['audit_entry', 'audit_head', 'audit_chain', 'audit_checkpoint', 'audit_checkpoint_head'];

  /** A stored entry's hash (32 bytes in the row) in hexadecimal, as chain heads hold it. */
  const hexHash = (row: Row): string => Buffer.from(row.hash as Uint8Array).toString('hex');

  /** The number audit entries name `chain` by (audit_name). */
  const chainRef = async (db: Storage, chain: string): Promise<number> =>
    Number((await db.get<{ id: number | string }>('SELECT id FROM audit_name WHERE name = ?', [chain]))!.id);

  /** Runs `tamper` on the database, then puts every audit table back as it was. */
  async function tampered(tamper: (db: Storage, saved: Record<string, Row[]>) => Promise<void>): Promise<void> {
    const db = await openStorage(svc.sqlitePath);
    const saved: Record<string, Row[]> = {};
    for (const t of AUDIT_TABLES) saved[t] = await db.all(`SELECT * FROM ${t}`);
    try {
      await tamper(db, saved);
    } finally {
      for (const t of AUDIT_TABLES) await db.run(`DELETE FROM ${t}`);
      for (const t of AUDIT_TABLES) await db.insert(t, saved[t]!);
      await db.close();
    }
    expect((await verify()).ok).toBe(true);
  }

  it('keeps a witness file beside the audit key that follows the chain heads, mode 0600', async () => {
    const v = await settled();
    expect(v).toMatchObject({
      ok: true,
      witness: { state: 'valid', ok: true, checkpoint: null },
      reportHeads: { checked: 1, broken: [] },
    });
    expect(statSync(witnessFile()).mode & 0o777).toBe(0o600);
    const w = readWitness();
    expect(w).toEqual({
      v: 2,
      checkpoint: null,
      legacy: null,
      heads: expect.objectContaining({
        [opOrg]: { seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      }),
      mac: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it("the report carries the operator's chain head to the department, covered by its digest", async () => {
    const inbox = await svc
      .http()
      .get(`/api/v1/inbox/reports/${reportId}`)
      .set(bearer(dept['department-officer'].token))
      .expect(200);
    const head = inbox.body.report.auditHead;
    expect(head).toEqual({ chain: opOrg, seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const db = await openStorage(svc.sqlitePath, { readonly: true });
    try {
      const entry = await db.get<{ hash: string }>(
        'SELECT hash FROM audit_entry_named WHERE chain = ? AND chain_seq = ?',
        [opOrg, head.seq],
      );
      expect(entry!.hash).toBe(head.hash);
      // The head is the operator's newest entry before the submission's own.
      const submitted = await db.get<{ chain_seq: number }>(
        "SELECT chain_seq FROM audit_entry_named WHERE action = 'report.submitted' ORDER BY seq DESC LIMIT 1",
      );
      expect(Number(submitted!.chain_seq)).toBe(head.seq + 1);
    } finally {
      await db.close();
    }
  });

  it('emptying the audit tables no longer verifies as ok', async () => {
    await settled();
    await tampered(async (db) => {
      for (const t of AUDIT_TABLES) await db.run(`DELETE FROM ${t}`);
      const v = await verify();
      expect(v).toMatchObject({
        ok: false,
        entries: 0,
        firstBroken: { reason: 'behind-witness' },
        witness: { state: 'valid', ok: false },
      });
      expect(v.reportHeads.broken.map((b: { reportId: string }) => b.reportId)).toEqual([reportId]);
    });
  });

  it('cutting a chain and writing back an earlier keyed head no longer verifies as ok', async () => {
    await settled();
    await tampered(async (db, saved) => {
      // An attacker kept a copy of the head row from earlier (valid MAC) and rolls the chain back to it.
      const opRef = await chainRef(db, opOrg);
      const own = saved
        .audit_entry!.filter((e) => Number(e.chain_ref) === opRef)
        .sort((a, b) => Number(a.chain_seq) - Number(b.chain_seq));
      const cutAt = Number(own[Math.floor(own.length / 2)]!.chain_seq);
      const earlier = own.find((e) => Number(e.chain_seq) === cutAt)!;
      await db.run(
        'DELETE FROM audit_entry WHERE chain_ref = (SELECT id FROM audit_name WHERE name = ?) AND chain_seq > ?',
        [opOrg, cutAt],
      );
      await db.run('UPDATE audit_chain SET seq = ?, hash = ?, mac = ? WHERE chain = ?', [
        cutAt,
        hexHash(earlier),
        headRowAt(cutAt, hexHash(earlier)),
        opOrg,
      ]);
      const v = await verify();
      // The chain itself is consistent up to the restored head; only the witnesses tell.
      expect(v).toMatchObject({ ok: false, firstBroken: { reason: 'behind-witness' }, witness: { ok: false } });
      expect(v.reportHeads.broken.map((b: { reportId: string }) => b.reportId)).toEqual([reportId]);
      const chain = await svc
        .http()
        .get(`/api/v1/audit/organisations/${opOrg}/verify`)
        .set(bearer(svc.adminToken))
        .expect(200);
      expect(chain.body).toMatchObject({ ok: false, entries: cutAt, firstBroken: { reason: 'report-head-mismatch' } });

      // Without the witness file (deleted too), the head the department holds still tells.
      const kept = readFileSync(witnessFile());
      rmSync(witnessFile());
      try {
        const v2 = await verify();
        expect(v2).toMatchObject({
          ok: false,
          firstBroken: { reason: 'report-head-mismatch', chain: opOrg },
          witness: { state: 'absent', ok: true },
        });
      } finally {
        writeFileSync(witnessFile(), kept, { mode: 0o600 });
      }
    });
  });

  it('a signed checkpoint names every chain head; a chain cut behind it shows without witness or reports', async () => {
    await settled();
    const written = await audit().checkpoint();
    expect(written).toMatchObject({ id: 1, heads: expect.any(Number) });
    expect(await audit().checkpoint()).toBeNull(); // nothing moved since
    const v = await waitFor('the witness to follow the checkpoint', async () => {
      const r = await verify();
      return r.witness.checkpoint === 1 ? r : null;
    });
    expect(v).toMatchObject({ ok: true, checkpoints: { count: 1, latest: { id: 1 }, ok: true } });
    // The witness no longer lists the heads the checkpoint covers.
    expect(readWitness().heads[opOrg]).toBeUndefined();

    await tampered(async (db, saved) => {
      const opRef = await chainRef(db, opOrg);
      const own = saved.audit_entry!.filter((e) => Number(e.chain_ref) === opRef);
      const cutAt = own.length - 1;
      const earlier = own.find((e) => Number(e.chain_seq) === cutAt)!;
      await db.run(
        'DELETE FROM audit_entry WHERE chain_ref = (SELECT id FROM audit_name WHERE name = ?) AND chain_seq > ?',
        [opOrg, cutAt],
      );
      await db.run('UPDATE audit_chain SET seq = ?, hash = ?, mac = ? WHERE chain = ?', [
        cutAt,
        hexHash(earlier),
        headRowAt(cutAt, hexHash(earlier)),
        opOrg,
      ]);
      // Neither the witness file nor the report's head is needed: the checkpoint names the head cut off.
      await db.run('UPDATE report SET audit_head_seq = NULL WHERE id = ?', [reportId]);
      const kept = readFileSync(witnessFile());
      rmSync(witnessFile());
      try {
        expect(await verify()).toMatchObject({
          ok: false,
          firstBroken: { reason: 'checkpoint-mismatch', chain: opOrg, chainSeq: cutAt + 1 },
        });
        // Removing the checkpoint too is a cut of the checkpoints' own chain: the witness file saw it.
        await db.run('DELETE FROM audit_checkpoint_head');
        await db.run('DELETE FROM audit_checkpoint');
        writeFileSync(witnessFile(), kept, { mode: 0o600 });
        expect(await verify()).toMatchObject({
          ok: false,
          firstBroken: { reason: 'behind-witness' },
          witness: { checkpoint: 1, ok: false },
        });
      } finally {
        writeFileSync(witnessFile(), kept, { mode: 0o600 });
        // The report row is not an audit table: its head goes back here.
        await db.run('UPDATE report SET audit_head_seq = ? WHERE id = ?', [reportHeadSeq, reportId]);
      }
    });
  });

  it('a checkpoint edited without the key is refused', async () => {
    await tampered(async (db) => {
      await db.run('UPDATE audit_checkpoint_head SET seq = seq + 1 WHERE checkpoint_id = 1 AND chain = ?', [opOrg]);
      expect(await verify()).toMatchObject({
        ok: false,
        firstBroken: { reason: 'checkpoint-invalid' },
        checkpoints: { ok: false },
      });
    });
  });

  it('a witness file edited without the key is refused', async () => {
    await svc.http().post('/api/v1/incidents').set(bearer(op.commander.token)).send(incidentInput()).expect(201);
    const v = await settled();
    const w = readWitness();
    writeFileSync(witnessFile(), JSON.stringify({ ...w, heads: { ...w.heads, [opOrg]: { seq: 1000, hash: 'a' } } }));
    expect(await verify()).toMatchObject({
      ok: false,
      firstBroken: { reason: 'witness-invalid' },
      witness: { state: 'invalid', ok: false },
    });
    writeFileSync(witnessFile(), JSON.stringify(w));
    expect((await verify()).ok).toBe(v.ok);
  });

  /**
   * The keyed head row of the operator's chain as it stood at `seq`: the service computed it then, and
   * an attacker who copied the row at the time has exactly this. Found by replaying the MAC with the
   * audit key, which a test may read from VAR_DIR (an attacker with only the database may not).
   */
  function headRowAt(seq: number, hash: string): string {
    const key = Buffer.from(readFileSync(join(svc.dir, 'var', 'keys', 'audit.key'), 'utf8').trim(), 'base64');
    return chainHeadMac(key, opOrg, seq, hash);
  }
});
