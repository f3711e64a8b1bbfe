import Database from 'better-sqlite3';
import { bearer, createOrg, startTestService, type TestService } from '../support/harness';

const PASSWORD = 'correct horse battery';

/**
 * What the department desk and the admin screens of the console need beyond the earlier API:
 * changing a user's role, disabling and enabling a user, and the operators a department may warn.
 */
describe('desk and admin API', () => {
  let svc: TestService;
  let operator: Awaited<ReturnType<typeof createOrg>>;
  let other: Awaited<ReturnType<typeof createOrg>>;
  let department: Awaited<ReturnType<typeof createOrg>>;
  const http = () => svc.http();

  function auditOf(action: string): Array<{ actor_id: string; org_id: string | null; payload: string }> {
    const d = new Database(svc.sqlitePath, { readonly: true });
    try {
      // An entry's organisation is its chain's name (hash version 3 stores no org_id).
      return d
        .prepare(
          "SELECT actor_id, NULLIF(chain, 'system') AS org_id, payload FROM audit_entry_named " +
            'WHERE action = ? ORDER BY seq',
        )
        .all(action) as Array<{ actor_id: string; org_id: string | null; payload: string }>;
    } finally {
      d.close();
    }
  }

  beforeAll(async () => {
    svc = await startTestService({ workers: false });
    operator = await createOrg(svc, { name: '华东电网', kind: 'operator', sector: 'energy', operatorKind: 'cii' }, [
      'admin',
      'responder',
      'commander',
    ]);
    other = await createOrg(svc, { name: '城市燃气', kind: 'operator', sector: 'energy', operatorKind: 'cii' }, [
      'admin',
    ]);
    await createOrg(svc, { name: '上海银行', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, []);
    department = await createOrg(svc, { name: '能源保护部门', kind: 'department', sector: 'energy' }, [
      'department-officer',
      'viewer',
    ]);
  });
  afterAll(async () => {
    await svc?.close();
  });

  describe('PATCH /api/v1/admin/users/{userId}', () => {
    it("changes a user's role: the user's tokens carry the new role at once, audited", async () => {
      const { userId, token } = operator.tokens.responder!;
      expect((await http().get('/api/v1/me').set(bearer(token)).expect(200)).body.role).toBe('responder');
      const res = await http()
        .patch(`/api/v1/admin/users/${userId}`)
        .set(bearer(operator.tokens.admin!.token))
        .send({ role: 'liaison' })
        .expect(200);
      expect(res.body).toMatchObject({ id: userId, role: 'liaison', disabledAt: null });
      expect((await http().get('/api/v1/me').set(bearer(token)).expect(200)).body.role).toBe('liaison');
      const entry = auditOf('user.updated').find((e) => JSON.parse(e.payload).userId === userId);
      expect(JSON.parse(entry!.payload).changes).toEqual({ role: { before: 'responder', after: 'liaison' } });
      expect(entry!.org_id).toBe(operator.orgId);
    });

    it('refuses a role the organisation kind does not have, naming the field', async () => {
      const res = await http()
        .patch(`/api/v1/admin/users/${operator.tokens.responder!.userId}`)
        .set(bearer(operator.tokens.admin!.token))
        .send({ role: 'department-officer' })
        .expect(400);
      expect(JSON.stringify(res.body)).toContain('role');
      await http()
        .patch(`/api/v1/admin/users/${operator.tokens.responder!.userId}`)
        .set(bearer(operator.tokens.admin!.token))
        .send({ role: 'nobody' })
        .expect(400);
      await http()
        .patch(`/api/v1/admin/users/${operator.tokens.responder!.userId}`)
        .set(bearer(operator.tokens.admin!.token))
        .send({})
        .expect(400);
    });

    it('disables a user: sign-in, sessions and tokens stop; enabling restores the tokens', async () => {
      const admin = bearer(operator.tokens.admin!.token);
      const person = await http()
        .post(`/api/v1/admin/organisations/${operator.orgId}/users`)
        .set(admin)
        .send({ name: '王五', role: 'viewer', username: 'wang.wu', initialPassword: PASSWORD })
        .expect(201);
      const signedIn = await http()
        .post('/api/v1/session')
        .send({ username: 'wang.wu', password: PASSWORD })
        .expect(200);
      const cookie = ([] as string[])
        .concat(signedIn.headers['set-cookie'] ?? [])
        .find((c) => c.startsWith('lf_session='))!
        .split(';')[0]!;
      await http().get('/api/v1/session').set('Cookie', cookie).expect(200);

      const { userId, token } = operator.tokens.commander!;
      await http().patch(`/api/v1/admin/users/${userId}`).set(admin).send({ disabled: true }).expect(200);
      await http().get('/api/v1/me').set(bearer(token)).expect(401);

      const disabled = await http()
        .patch(`/api/v1/admin/users/${person.body.id}`)
        .set(admin)
        .send({ disabled: true })
        .expect(200);
      expect(disabled.body.disabledAt).toEqual(expect.any(String));
      await http().get('/api/v1/session').set('Cookie', cookie).expect(401);
      const refused = await http()
        .post('/api/v1/session')
        .send({ username: 'wang.wu', password: PASSWORD })
        .expect(401);
      expect(refused.body.code).toBe('invalid-credentials');
      const failure = auditOf('session.sign-in-failed').at(-1)!;
      expect(failure.payload).toContain('disabled');

      const listed = await http().get(`/api/v1/admin/organisations/${operator.orgId}/users`).set(admin).expect(200);
      expect(listed.body.find((u: { id: string }) => u.id === userId).disabledAt).toEqual(expect.any(String));

      await http().patch(`/api/v1/admin/users/${userId}`).set(admin).send({ disabled: false }).expect(200);
      await http().get('/api/v1/me').set(bearer(token)).expect(200);
      const entries = auditOf('user.updated').filter((e) => JSON.parse(e.payload).userId === person.body.id);
      expect(JSON.parse(entries[0]!.payload)).toMatchObject({
        changes: { disabled: { before: false, after: true } },
        sessionsEnded: 1,
      });
    });

    it('an admin neither disables themself nor changes their own role', async () => {
      const { userId, token } = operator.tokens.admin!;
      const res = await http().patch(`/api/v1/admin/users/${userId}`).set(bearer(token)).send({ disabled: true });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('disabled');
      await http().patch(`/api/v1/admin/users/${userId}`).set(bearer(token)).send({ role: 'viewer' }).expect(400);
    });

    it("another organisation's user is not found; a non-admin is refused", async () => {
      await http()
        .patch(`/api/v1/admin/users/${operator.tokens.responder!.userId}`)
        .set(bearer(other.tokens.admin!.token))
        .send({ disabled: true })
        .expect(404);
      await http()
        .patch(`/api/v1/admin/users/${operator.tokens.responder!.userId}`)
        .set(bearer(department.tokens['department-officer']!.token))
        .send({ disabled: true })
        .expect(403);
      // The platform admin administers every organisation.
      await http()
        .patch(`/api/v1/admin/users/${operator.tokens.responder!.userId}`)
        .set(bearer(svc.adminToken))
        .send({ role: 'responder' })
        .expect(200);
    });
  });

  describe('PATCH /api/v1/admin/organisations/{orgId}', () => {
    it("lets a platform admin set an operator's sector and operator kind, audited with before and after", async () => {
      const org = await createOrg(
        svc,
        { name: '临时运营者', kind: 'operator', sector: 'water', operatorKind: 'other' },
        ['admin'],
      );
      const res = await http()
        .patch(`/api/v1/admin/organisations/${org.orgId}`)
        .set(bearer(svc.adminToken))
        .send({ sector: 'transport', operatorKind: 'cii' })
        .expect(200);
      expect(res.body).toMatchObject({ id: org.orgId, sector: 'transport', operatorKind: 'cii' });
      const entry = auditOf('organisation.updated').find((e) => e.org_id === org.orgId)!;
      expect(JSON.parse(entry.payload)).toMatchObject({
        before: { sector: 'water', operatorKind: 'other' },
        after: { sector: 'transport', operatorKind: 'cii' },
      });
      const refused = await http()
        .patch(`/api/v1/admin/organisations/${department.orgId}`)
        .set(bearer(svc.adminToken))
        .send({ operatorKind: 'cii' })
        .expect(400);
      expect(JSON.stringify(refused.body)).toContain('operatorKind');
      // The organisation's own admin does not change it.
      await http()
        .patch(`/api/v1/admin/organisations/${org.orgId}`)
        .set(bearer(org.tokens.admin!.token))
        .send({ sector: 'water' })
        .expect(403);
    });
  });

  describe('GET /api/v1/warnings/targets', () => {
    // By name in the database's order (code points: 华 U+534E before 城 U+57CE), the same on every page.
    it("lists the department's own sector's operators, by name, a page at a time", async () => {
      for (const role of ['department-officer', 'viewer']) {
        const res = await http()
          .get('/api/v1/warnings/targets')
          .set(bearer(department.tokens[role]!.token))
          .expect(200);
        expect(res.body).toMatchObject({ sector: 'energy', total: 2, page: 1, pageSize: 20 });
        expect(res.body.operators.map((o: { name: string }) => o.name)).toEqual(['华东电网', '城市燃气']);
        expect(res.body.operators[1]).toEqual({ id: other.orgId, name: '城市燃气', operatorKind: 'cii', region: null });
      }
      const token = department.tokens['department-officer']!.token;
      const second = await http().get('/api/v1/warnings/targets?pageSize=1&page=2').set(bearer(token)).expect(200);
      expect(second.body).toMatchObject({ total: 2, page: 2, pageSize: 1, operators: [{ id: other.orgId }] });
    });

    it('finds operators by part of their name; LIKE wildcards are plain text; bad input names the field', async () => {
      const token = department.tokens['department-officer']!.token;
      const find = (q: string) => http().get('/api/v1/warnings/targets').query({ q }).set(bearer(token));
      const gas = await find('燃气').expect(200);
      expect(gas.body).toMatchObject({ total: 1, operators: [{ id: other.orgId, name: '城市燃气' }] });
      // Another sector's operator (上海银行) is never found; % and _ match only themselves.
      for (const q of ['银行', '%', '_']) expect((await find(q).expect(200)).body).toMatchObject({ total: 0 });
      for (const [query, field] of [
        ['q=', 'q'],
        [`q=${'x'.repeat(101)}`, 'q'],
        ['pageSize=0', 'pageSize'],
      ]) {
        const bad = await http().get(`/api/v1/warnings/targets?${query}`).set(bearer(token));
        expect({ field, status: bad.status }).toEqual({ field, status: 400 });
        expect(bad.body.details.map((d: { field: string }) => d.field)).toContain(field);
      }
    });

    it('is refused to an operator', async () => {
      await http().get('/api/v1/warnings/targets').set(bearer(operator.tokens.admin!.token)).expect(403);
    });
  });
});
