import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';
import { openStorage } from '../support/storage';

/** Who may walk the whole audit chain, and what a tenant sees of its own entries. */
describe('audit access', () => {
  let svc: TestService;
  let opA: Awaited<ReturnType<typeof createOrg>>;
  let opB: Awaited<ReturnType<typeof createOrg>>;
  let dept: Awaited<ReturnType<typeof createOrg>>;

  beforeAll(async () => {
    svc = await startTestService({ workers: false });
    opA = await createOrg(svc, { name: 'Operator A', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
      'admin',
      'leader',
      'commander',
      'viewer',
    ]);
    opB = await createOrg(svc, { name: 'Operator B', kind: 'operator', sector: 'finance', operatorKind: 'other' }, [
      'admin',
      'commander',
    ]);
    dept = await createOrg(svc, { name: 'Finance department', kind: 'department', sector: 'finance' }, [
      'department-officer',
    ]);
    for (let i = 0; i < 3; i++)
      await svc
        .http()
        .post('/api/v1/incidents')
        .set(bearer(opA.tokens.commander.token))
        .send(incidentInput({ title: `A ${i}` }))
        .expect(201);
    for (let i = 0; i < 2; i++)
      await svc
        .http()
        .post('/api/v1/incidents')
        .set(bearer(opB.tokens.commander.token))
        .send(incidentInput({ title: `B ${i}` }))
        .expect(201);
  });
  afterAll(async () => svc?.close());

  it('the whole-chain walk is for platform admins only', async () => {
    for (const token of [opA.tokens.admin.token, opA.tokens.leader.token, dept.tokens['department-officer'].token]) {
      const res = await svc.http().get('/api/v1/audit/verify').set(bearer(token));
      expect(res.status).toBe(403);
      expect(res.body).not.toHaveProperty('entries');
    }
    const tenantAdmin = await svc.http().get('/api/v1/audit/verify').set(bearer(opA.tokens.admin.token)).expect(403);
    expect(tenantAdmin.body.message).toMatch(/platform admins.*GET \/api\/v1\/audit\/entries/);
    const ok = await svc.http().get('/api/v1/audit/verify').set(bearer(svc.adminToken)).expect(200);
    expect(ok.body).toMatchObject({ ok: true });
  });

  it('a tenant lists its own entries only (its chain), each verified in the chain', async () => {
    const res = await svc.http().get('/api/v1/audit/entries').set(bearer(opA.tokens.leader.token)).expect(200);
    const db = await openStorage(svc.sqlitePath, { readonly: true });
    try {
      const own = await db.all<{ seq: number }>(
        'SELECT seq FROM audit_entry_named WHERE chain = ? ORDER BY chain_seq DESC',
        [opA.orgId],
      );
      expect(res.body.items.map((e: { seq: number }) => e.seq)).toEqual(own.map((r) => Number(r.seq)));
    } finally {
      await db.close();
    }
    const places = res.body.items.map((e: { chainSeq: number }) => e.chainSeq);
    expect(places).toEqual([...places].sort((a: number, b: number) => b - a));
    expect(places[places.length - 1]).toBe(1);
    expect(res.body.items.filter((e: { action: string }) => e.action === 'incident.declared')).toHaveLength(3);
    expect(res.body.items.every((e: { verification: { ok: boolean } }) => e.verification.ok)).toBe(true);
    expect(res.body.nextBefore).toBeNull();
    expect(JSON.stringify(res.body)).not.toContain('"B 0"');

    const dres = await svc
      .http()
      .get('/api/v1/audit/entries')
      .set(bearer(dept.tokens['department-officer'].token))
      .expect(200);
    expect(dres.body.items.every((e: { action: string }) => !e.action.startsWith('incident.'))).toBe(true);
    await svc.http().get('/api/v1/audit/entries').set(bearer(opA.tokens.viewer.token)).expect(403);
  });

  it('pages with limit and nextBefore', async () => {
    const first = await svc.http().get('/api/v1/audit/entries?limit=2').set(bearer(opA.tokens.admin.token)).expect(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextBefore).toBe(first.body.items[1].chainSeq);
    const second = await svc
      .http()
      .get(`/api/v1/audit/entries?limit=2&before=${first.body.nextBefore}`)
      .set(bearer(opA.tokens.admin.token))
      .expect(200);
    expect(second.body.items[0].chainSeq).toBe(first.body.items[1].chainSeq - 1);
    const bad = await svc.http().get('/api/v1/audit/entries?limit=5000').set(bearer(opA.tokens.admin.token));
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('limit');
    const huge = await svc
      .http()
      .get('/api/v1/audit/entries?before=9223372036854775807')
      .set(bearer(opA.tokens.admin.token));
    expect(huge.status).toBe(400);
    expect(huge.body.details[0].field).toBe('before');
  });

  it("an organisation's chain is verified on its own, by platform admins only", async () => {
    const a = await svc
      .http()
      .get(`/api/v1/audit/organisations/${opA.orgId}/verify`)
      .set(bearer(svc.adminToken))
      .expect(200);
    expect(a.body).toMatchObject({ ok: true, chain: opA.orgId, reportHeads: { checked: 0, broken: [] } });
    expect(a.body.entries).toBe(a.body.headChainSeq);
    await svc
      .http()
      .get(`/api/v1/audit/organisations/${opA.orgId}/verify`)
      .set(bearer(opA.tokens.admin.token))
      .expect(403);
  });

  it('names the entry an edit broke, and the entry before an edited successor; other chains stay intact', async () => {
    const db = await openStorage(svc.sqlitePath);
    try {
      const [, newer, older] = await db.all<{ seq: number; chain_seq: number; payload: string }>(
        'SELECT seq, chain_seq, payload FROM audit_entry_named WHERE chain = ? AND ' +
          "action = 'incident.declared' ORDER BY chain_seq DESC LIMIT 3",
        [opA.orgId],
      );
      await db.run('UPDATE audit_entry SET payload = ? WHERE seq = ?', [
        older!.payload.replace('"grade":"II"', '"grade":"IV"'),
        older!.seq,
      ]);
      const res = await svc.http().get('/api/v1/audit/entries').set(bearer(opA.tokens.admin.token)).expect(200);
      const bySeq = new Map(res.body.items.map((e: { seq: number; verification: unknown }) => [e.seq, e.verification]));
      // Hash version 3 stores no payload digest: the hash covers the payload's, so the hash no longer matches.
      expect(bySeq.get(Number(older!.seq))).toEqual({ ok: false, problem: 'hash-mismatch' });
      const [aChain, bChain] = await Promise.all(
        [opA.orgId, opB.orgId].map((org) =>
          svc.http().get(`/api/v1/audit/organisations/${org}/verify`).set(bearer(svc.adminToken)).expect(200),
        ),
      );
      expect(aChain.body).toMatchObject({
        ok: false,
        firstBroken: { seq: Number(older!.seq), chainSeq: Number(older!.chain_seq), reason: 'hash-mismatch' },
      });
      expect(bChain.body.ok).toBe(true);
      await db.run('UPDATE audit_entry SET payload = ? WHERE seq = ?', [older!.payload, older!.seq]);

      // The entry after `newer` in A's chain no longer links to it: a previous hash put into the column that
      // version 3 leaves empty (its link is in its hash) is refused like one that names another entry.
      const next = (await db.get('SELECT seq, prev_hash FROM audit_entry_named WHERE chain = ? AND chain_seq = ?', [
        opA.orgId,
        Number(newer!.chain_seq) + 1,
      ])) as { seq: number; prev_hash: string };
      await db.run('UPDATE audit_entry SET prev_hash = ? WHERE seq = ?', ['f'.repeat(64), next.seq]);
      const again = await svc.http().get('/api/v1/audit/entries').set(bearer(opA.tokens.admin.token)).expect(200);
      const v = again.body.items.find((e: { seq: number }) => e.seq === Number(newer!.seq)).verification;
      expect(v).toEqual({ ok: false, problem: 'next-link-mismatch' });
      expect(JSON.stringify(again.body)).not.toContain(opB.orgId);
      await db.run('UPDATE audit_entry SET prev_hash = ? WHERE seq = ?', [next.prev_hash, next.seq]);
      const whole = await svc.http().get('/api/v1/audit/verify').set(bearer(svc.adminToken)).expect(200);
      expect(whole.body.ok).toBe(true);
    } finally {
      await db.close();
    }
  });
});
