import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';
import { openStorage } from '../support/storage';

describe('foundation (real app, real SQLite, real redis-server)', () => {
  let svc: TestService;
  let opA: Awaited<ReturnType<typeof createOrg>>;
  let opB: Awaited<ReturnType<typeof createOrg>>;

  beforeAll(async () => {
    svc = await startTestService();
    opA = await createOrg(svc, { name: 'Operator A', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
      'commander',
      'viewer',
      'admin',
    ]);
    opB = await createOrg(svc, { name: 'Operator B', kind: 'operator', sector: 'finance', operatorKind: 'other' }, [
      'commander',
    ]);
  });

  afterAll(async () => {
    await svc?.close();
  });

  describe('HTTP edge', () => {
    it('serves /health and /ready without a token', async () => {
      await svc.http().get('/health').expect(200, { status: 'ok' });
      const ready = await svc.http().get('/ready').expect(200);
      expect(ready.body).toEqual({ status: 'ready', checks: { database: 'up', redis: 'up' } });
    });

    it('sets security headers and a request id', async () => {
      const res = await svc.http().get('/health').set('X-Request-Id', 'trace-abc.123');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBeDefined();
      expect(res.headers['x-request-id']).toBe('trace-abc.123');
      const fresh = await svc.http().get('/health').set('X-Request-Id', 'bad id with spaces');
      expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('publishes the OpenAPI document with the incident routes', async () => {
      const res = await svc.http().get('/api/docs-json').expect(200);
      expect(res.body.openapi).toMatch(/^3\./);
      expect(Object.keys(res.body.paths)).toEqual(
        expect.arrayContaining(['/api/v1/incidents', '/api/v1/incidents/{id}', '/api/v1/audit/verify']),
      );
      await svc.http().get('/api/docs').expect(200);
    });

    it('rejects a body over the size limit with 413 in the error shape', async () => {
      const res = await svc
        .http()
        .post('/api/v1/incidents')
        .set(bearer(opA.tokens.commander.token))
        .send({ ...incidentInput(), description: 'x'.repeat(3 * 1024 * 1024) });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    });

    it('rejects malformed JSON with 400', async () => {
      const res = await svc
        .http()
        .post('/api/v1/incidents')
        .set(bearer(opA.tokens.commander.token))
        .set('Content-Type', 'application/json')
        .send('{"title": ');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, message: 'Request body is not valid JSON' });
    });
  });

  describe('authentication', () => {
    it('401 without a token, with a malformed header and with an unknown token', async () => {
      for (const headers of [{}, { Authorization: 'Basic abc' }, bearer('lf_not-a-real-token')]) {
        const res = await svc.http().get('/api/v1/incidents').set(headers);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      }
    });

    it('a revoked token stops working at once', async () => {
      const viewer = opA.tokens.viewer;
      await svc.http().get('/api/v1/incidents').set(bearer(viewer.token)).expect(200);
      const list = await svc
        .http()
        .get(`/api/v1/admin/organisations/${opA.orgId}/tokens`)
        .set(bearer(opA.tokens.admin.token))
        .expect(200);
      const row = list.body.find((t: { userId: string }) => t.userId === viewer.userId);
      expect(row).toBeDefined();
      expect(JSON.stringify(list.body)).not.toContain(viewer.token);
      const revoked = await svc
        .http()
        .post(`/api/v1/admin/tokens/${row.id}/revoke`)
        .set(bearer(opA.tokens.admin.token))
        .expect(200);
      expect(revoked.body.revokedAt).toEqual(expect.any(String));
      await svc.http().get('/api/v1/incidents').set(bearer(viewer.token)).expect(401);
    });

    it('an organisation admin cannot administer another organisation (404, not 403)', async () => {
      await svc
        .http()
        .get(`/api/v1/admin/organisations/${opB.orgId}/users`)
        .set(bearer(opA.tokens.admin.token))
        .expect(404);
      await svc
        .http()
        .post('/api/v1/admin/organisations')
        .set(bearer(opA.tokens.admin.token))
        .send({ name: 'x', kind: 'operator', sector: 'energy', operatorKind: 'cii' })
        .expect(403);
    });

    it('roles are enforced: a viewer may not declare', async () => {
      const other = await createOrg(
        svc,
        { name: 'Operator C', kind: 'operator', sector: 'water', operatorKind: 'other' },
        ['viewer'],
      );
      const res = await svc
        .http()
        .post('/api/v1/incidents')
        .set(bearer(other.tokens.viewer.token))
        .send(incidentInput());
      expect(res.status).toBe(403);
    });

    it('refuses a role that does not exist on that side', async () => {
      const res = await svc
        .http()
        .post(`/api/v1/admin/organisations/${opA.orgId}/users`)
        .set(bearer(svc.adminToken))
        .send({ name: 'x', role: 'department-officer' });
      expect(res.status).toBe(400);
      expect(res.body.details[0].field).toBe('role');
    });
  });

  describe('incidents', () => {
    it('400 naming the field for malformed or unknown input', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [incidentInput({ grade: 'V' }), 'grade'],
        [incidentInput({ detectedAt: 'yesterday' }), 'detectedAt'],
        [incidentInput({ title: '' }), 'title'],
        [incidentInput({ affectedSystems: 'db-01' }), 'affectedSystems'],
        [incidentInput({ color: 'red' }), 'color'],
        [incidentInput({ impact: { ciiWholeOutageMinutes: -1 } }), 'impact.ciiWholeOutageMinutes'],
        [incidentInput({ impact: { outageHours: 1 } }), 'impact.outageHours'],
        [incidentInput({ impact: { unknownFact: 1 } }), 'impact.unknownFact'],
        [incidentInput({ detectedAt: new Date(Date.now() + 86_400_000).toISOString() }), 'detectedAt'],
        [
          incidentInput({
            occurredAt: new Date(Date.now()).toISOString(),
            detectedAt: new Date(Date.now() - 3_600_000).toISOString(),
          }),
          'occurredAt',
        ],
      ];
      for (const [body, field] of cases) {
        const res = await svc.http().post('/api/v1/incidents').set(bearer(opA.tokens.commander.token)).send(body);
        expect({ field, status: res.status }).toEqual({ field, status: 400 });
        expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
        expect(res.body.message).toEqual(expect.any(String));
      }
    });

    it('declares and reads an incident with a human reference', async () => {
      const res = await svc
        .http()
        .post('/api/v1/incidents')
        .set(bearer(opA.tokens.commander.token))
        .send(incidentInput({ drill: true }))
        .expect(201);
      expect(res.body).toMatchObject({ grade: 'II', category: 'ransomware', state: 'triage', drill: true });
      expect(res.body.reference).toMatch(/^INC-\d{4}-\d{6}$/);
      const got = await svc
        .http()
        .get(`/api/v1/incidents/${res.body.id}`)
        .set(bearer(opA.tokens.commander.token))
        .expect(200);
      expect(got.body).toMatchObject({ id: res.body.id, reference: res.body.reference, title: incidentInput().title });
    });

    it('numbers references per organisation without gaps or duplicates under concurrency', async () => {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          svc
            .http()
            .post('/api/v1/incidents')
            .set(bearer(opB.tokens.commander.token))
            .send(incidentInput({ title: `concurrent ${i}` })),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(12).fill(201));
      const refs = results.map((r) => r.body.reference as string).sort();
      const year = new Date().getUTCFullYear();
      expect(refs).toEqual(Array.from({ length: 12 }, (_, i) => `INC-${year}-${String(i + 1).padStart(6, '0')}`));
    });

    it('lists with filters and pagination', async () => {
      const all = await svc
        .http()
        .get('/api/v1/incidents?pageSize=5')
        .set(bearer(opB.tokens.commander.token))
        .expect(200);
      expect(all.body).toMatchObject({ total: 12, page: 1, pageSize: 5 });
      expect(all.body.items).toHaveLength(5);
      const page3 = await svc
        .http()
        .get('/api/v1/incidents?pageSize=5&page=3')
        .set(bearer(opB.tokens.commander.token))
        .expect(200);
      expect(page3.body.items).toHaveLength(2);
      const drills = await svc
        .http()
        .get('/api/v1/incidents?drill=true')
        .set(bearer(opA.tokens.commander.token))
        .expect(200);
      expect(drills.body.items.every((i: { drill: boolean }) => i.drill)).toBe(true);
      expect(drills.body.total).toBeGreaterThan(0);
      const none = await svc
        .http()
        .get('/api/v1/incidents?grade=I')
        .set(bearer(opB.tokens.commander.token))
        .expect(200);
      expect(none.body.total).toBe(0);
      const bad = await svc.http().get('/api/v1/incidents?pageSize=1000').set(bearer(opB.tokens.commander.token));
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].field).toBe('pageSize');
    });

    it('pages by cursor: the same incidents as by page, in order, each once, and a 400 for a bad cursor', async () => {
      const token = bearer(opB.tokens.commander.token);
      const byPage = await svc.http().get('/api/v1/incidents?pageSize=100').set(token).expect(200);
      expect(byPage.body).toMatchObject({ total: 12, totalExact: true, page: 1, nextCursor: null });
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { body: { items: Array<{ id: string }>; page: number | null; nextCursor: string | null } } =
          await svc
            .http()
            .get(`/api/v1/incidents?pageSize=5${cursor ? `&cursor=${cursor}` : ''}`)
            .set(token)
            .expect(200);
        expect(res.body.page).toBe(cursor ? null : 1);
        seen.push(...res.body.items.map((i) => i.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(byPage.body.items.map((i: { id: string }) => i.id));
      // Filters apply to cursor pages too.
      const first = await svc.http().get('/api/v1/incidents?pageSize=1&state=triage').set(token).expect(200);
      const second = await svc
        .http()
        .get(`/api/v1/incidents?pageSize=1&state=triage&cursor=${first.body.nextCursor}`)
        .set(token)
        .expect(200);
      expect(second.body.items[0].state).toBe('triage');
      expect(second.body.items[0].id).toBe(byPage.body.items[1].id);
      for (const bad of ['nonsense', Buffer.from('[1,2]').toString('base64url'), `${first.body.nextCursor}&page=2`]) {
        const res = await svc.http().get(`/api/v1/incidents?cursor=${bad}`).set(token);
        expect(res.status).toBe(400);
        expect(res.body.details[0].field).toBe('cursor');
      }
    });

    it("isolates organisations: B gets 404 for A's incident and never sees it in lists", async () => {
      const a = await svc
        .http()
        .post('/api/v1/incidents')
        .set(bearer(opA.tokens.commander.token))
        .send(incidentInput({ title: 'A only' }))
        .expect(201);
      const res = await svc.http().get(`/api/v1/incidents/${a.body.id}`).set(bearer(opB.tokens.commander.token));
      expect(res.status).toBe(404);
      const list = await svc
        .http()
        .get('/api/v1/incidents?pageSize=100')
        .set(bearer(opB.tokens.commander.token))
        .expect(200);
      expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(a.body.id);
      await svc.http().get('/api/v1/incidents/not-a-uuid').set(bearer(opB.tokens.commander.token)).expect(400);
    });
  });

  describe('audit trail', () => {
    it('verifies true, then false naming the first broken entry after a row is altered in the database', async () => {
      const ok = await svc.http().get('/api/v1/audit/verify').set(bearer(svc.adminToken)).expect(200);
      expect(ok.body.ok).toBe(true);
      expect(ok.body.entries).toBeGreaterThan(10);

      const db = await openStorage(svc.sqlitePath);
      try {
        const row = (await db.get(
          'SELECT seq, chain, chain_seq, payload FROM audit_entry_named ' +
            "WHERE action = 'incident.declared' ORDER BY seq LIMIT 1",
        )) as { seq: number; chain: string; chain_seq: number; payload: string };
        await db.run('UPDATE audit_entry SET payload = ? WHERE seq = ?', [
          row.payload.replace('"grade":"II"', '"grade":"IV"'),
          row.seq,
        ]);
        const bad = await svc.http().get('/api/v1/audit/verify').set(bearer(svc.adminToken)).expect(200);
        expect(bad.body.ok).toBe(false);
        expect(bad.body.firstBroken).toMatchObject({
          seq: row.seq,
          chain: row.chain,
          chainSeq: row.chain_seq,
          // Hash version 3 stores no payload digest: the hash covers the payload's, so the hash no longer matches.
          reason: 'hash-mismatch',
          action: 'incident.declared',
        });
        await db.run('UPDATE audit_entry SET payload = ? WHERE seq = ?', [row.payload, row.seq]);
        await svc
          .http()
          .get('/api/v1/audit/verify')
          .set(bearer(svc.adminToken))
          .expect(200)
          .then((r) => expect(r.body.ok).toBe(true));

        // Cutting off the newest entry of a chain leaves a consistent chain; the chain's keyed head exposes it.
        const last = (await db.get('SELECT * FROM audit_entry ORDER BY seq DESC LIMIT 1')) as Record<string, unknown>;
        const { chain } = (await db.get<{ chain: string }>('SELECT chain FROM audit_entry_named WHERE seq = ?', [
          last.seq,
        ]))!;
        await db.run('DELETE FROM audit_entry WHERE seq = ?', [last.seq]);
        const cut = await svc.http().get('/api/v1/audit/verify').set(bearer(svc.adminToken)).expect(200);
        expect(cut.body).toMatchObject({
          ok: false,
          firstBroken: { chain, chainSeq: Number(last.chain_seq), reason: 'head-mismatch' },
        });
        await db.insert('audit_entry', [last]);
        await svc
          .http()
          .get('/api/v1/audit/verify')
          .set(bearer(svc.adminToken))
          .expect(200)
          .then((r) => expect(r.body.ok).toBe(true));
      } finally {
        await db.close();
      }
    });

    it('every mutation above left an entry with actor and organisation', async () => {
      const db = await openStorage(svc.sqlitePath, { readonly: true });
      try {
        // An entry's organisation is its chain's name (hash version 3 stores no org_id).
        const actions = await db.all<{ action: string; actor_id: string; org_id: string | null }>(
          "SELECT action, actor_id, NULLIF(chain, 'system') AS org_id FROM audit_entry_named ORDER BY seq",
        );
        const counts = actions.reduce<Record<string, number>>(
          (m, a) => ({ ...m, [a.action]: (m[a.action] ?? 0) + 1 }),
          {},
        );
        expect(counts['token.revoked']).toBe(1);
        expect(counts['incident.declared']).toBe(14);
        expect(actions.every((a) => a.actor_id && a.org_id)).toBe(true);
      } finally {
        await db.close();
      }
    });

    it('audit verify is for admins and leaders', async () => {
      await svc.http().get('/api/v1/audit/verify').set(bearer(opA.tokens.commander.token)).expect(403);
    });
  });

  it('ready reports Redis down while health stays up', async () => {
    await svc.handle.localRedis!.stop();
    const res = await svc.http().get('/ready');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'not-ready', checks: { database: 'up', redis: 'down' } });
    await svc.http().get('/health').expect(200);
  });
});
