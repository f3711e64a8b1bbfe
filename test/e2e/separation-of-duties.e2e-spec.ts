import { bearer, createOrg, enrol, incidentInput, startTestService, TestService } from '../support/harness';
import { openStorage } from '../support/storage';
import { IncidentDriver, type StepJson, type Tokens } from '../support/incident-driver';

/**
 * Separation of duties: an admin cannot take a token that acts as another person (so it cannot
 * stand in for a leader or commander), and a report's approver is never its drafter or submitter.
 */
describe('separation of duties', () => {
  let svc: TestService;
  let org: Awaited<ReturnType<typeof createOrg>>;
  let fin: Tokens;

  beforeAll(async () => {
    svc = await startTestService({ workers: false });
    org = await createOrg(svc, { name: '某证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
      'admin',
      'leader',
      'commander',
      'liaison',
    ]);
    fin = org.tokens;
  });
  afterAll(async () => svc?.close());

  const http = () => svc.http();
  const createUser = async (token: string, body: Record<string, unknown>) =>
    http().post(`/api/v1/admin/organisations/${org.orgId}/users`).set(bearer(token)).send(body);

  it('an admin issues tokens only for itself or a service account, never for another person', async () => {
    const admin = fin.admin.token;
    for (const role of ['leader', 'commander', 'liaison', 'admin']) {
      const person = (await createUser(admin, { name: `another ${role}`, role }).then((r) => r.body)) as { id: string };
      const res = await http()
        .post(`/api/v1/admin/users/${person.id}/tokens`)
        .set(bearer(admin))
        .send({ name: 'stand-in' });
      expect({ role, status: res.status }).toEqual({ role, status: 403 });
      expect(res.body.message).toMatch(/enrolment/);
      // Nor may the platform admin, for a person of another organisation.
      const platform = await http()
        .post(`/api/v1/admin/users/${person.id}/tokens`)
        .set(bearer(svc.adminToken))
        .send({ name: 'stand-in' });
      expect(platform.status).toBe(403);
    }
    await http()
      .post(`/api/v1/admin/users/${fin.leader.userId}/tokens`)
      .set(bearer(admin))
      .send({ name: 'stand-in' })
      .expect(403);

    const own = await http()
      .post(`/api/v1/admin/users/${fin.admin.userId}/tokens`)
      .set(bearer(admin))
      .send({ name: 'second laptop' })
      .expect(201);
    expect((await http().get('/api/v1/me').set(bearer(own.body.token)).expect(200)).body).toMatchObject({
      userId: fin.admin.userId,
      role: 'admin',
    });

    const siem = await createUser(admin, { name: 'SIEM', role: 'responder', serviceAccount: true });
    expect(siem.status).toBe(201);
    expect(siem.body.serviceAccount).toBe(true);
    const siemToken = await http()
      .post(`/api/v1/admin/users/${siem.body.id}/tokens`)
      .set(bearer(admin))
      .send({ name: 'siem' })
      .expect(201);
    await http().post('/api/v1/incidents').set(bearer(siemToken.body.token)).send(incidentInput()).expect(201);

    // A service account may not hold a role that decides or signs off.
    for (const role of ['leader', 'commander', 'liaison', 'admin']) {
      const res = await createUser(admin, { name: 'robot', role, serviceAccount: true });
      expect({ role, status: res.status }).toEqual({ role, status: 400 });
      expect(res.body.details[0].field).toBe('role');
    }
  });

  it('a person takes their own first token with a one-time enrolment code', async () => {
    const admin = fin.admin.token;
    const person = (await createUser(admin, { name: '李娜', role: 'leader' })).body as { id: string };
    const first = await http().post(`/api/v1/admin/users/${person.id}/enrolment`).set(bearer(admin)).send().expect(201);
    expect(first.body.code).toMatch(new RegExp(`^${first.body.prefix}_`));
    const second = await http()
      .post(`/api/v1/admin/users/${person.id}/enrolment`)
      .set(bearer(admin))
      .send()
      .expect(201);

    // A newer code ends the earlier one.
    const stale = await http().post('/api/v1/enrolments/redeem').send({ code: first.body.code, tokenName: 'laptop' });
    expect(stale.status).toBe(400);
    expect(stale.body.details[0].field).toBe('code');

    const redeemed = await http()
      .post('/api/v1/enrolments/redeem')
      .send({ code: second.body.code, tokenName: 'laptop' })
      .expect(201);
    expect((await http().get('/api/v1/me').set(bearer(redeemed.body.token)).expect(200)).body).toMatchObject({
      userId: person.id,
      role: 'leader',
      serviceAccount: false,
    });
    const again = await http().post('/api/v1/enrolments/redeem').send({ code: second.body.code, tokenName: 'again' });
    expect(again.status).toBe(400);

    // With an active token, no code: the person issues further tokens for themself.
    await http().post(`/api/v1/admin/users/${person.id}/enrolment`).set(bearer(admin)).send().expect(409);
    const more = await http()
      .post('/api/v1/me/tokens')
      .set(bearer(redeemed.body.token))
      .send({ name: 'phone' })
      .expect(201);
    expect(more.body.userId).toBe(person.id);

    const siem = (await createUser(admin, { name: 'robot', role: 'viewer', serviceAccount: true })).body as {
      id: string;
    };
    await http().post(`/api/v1/admin/users/${siem.id}/enrolment`).set(bearer(admin)).send().expect(409);

    // The redemption is on the record, with the address it came from.
    const db = await openStorage(svc.sqlitePath, { readonly: true });
    try {
      const entry = (await db.get(
        "SELECT actor_id, payload FROM audit_entry_named WHERE action = 'enrolment.redeemed' AND actor_id = ?",
        [person.id],
      )) as { actor_id: string; payload: string };
      expect(JSON.parse(entry.payload)).toMatchObject({
        userId: person.id,
        from: expect.stringMatching(/127\.0\.0\.1/),
      });
    } finally {
      await db.close();
    }
  });

  it('an expired code is refused', async () => {
    const person = (await createUser(fin.admin.token, { name: 'late', role: 'commander' })).body as { id: string };
    const code = await http()
      .post(`/api/v1/admin/users/${person.id}/enrolment`)
      .set(bearer(fin.admin.token))
      .send()
      .expect(201);
    const db = await openStorage(svc.sqlitePath);
    try {
      await db.run('UPDATE enrolment SET expires_at = ? WHERE id = ?', [
        new Date(Date.now() - 1000).toISOString(),
        code.body.id,
      ]);
    } finally {
      await db.close();
    }
    const res = await http().post('/api/v1/enrolments/redeem').send({ code: code.body.code, tokenName: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/expired/);
  });

  it('the drafter of a report does not approve it, and its approver does not submit it', async () => {
    const extra = await createUser(fin.admin.token, { name: 'second commander', role: 'commander' });
    const commander2 = await enrol(http, fin.admin.token, extra.body.id, 'c2');
    const tokens: Tokens = { ...fin };
    const res = await http()
      .post('/api/v1/incidents')
      .set(bearer(fin.commander.token))
      .send(incidentInput({ grade: 'II' }))
      .expect(201);
    const inc = new IncidentDriver(svc, tokens, res.body.id);
    for (const step of (res.body.steps as StepJson[]).filter((s) => s.phase === 'triage' && s.mandatory)) {
      expect(
        (
          await inc.completeStep(
            step.roles.find((r) => tokens[r])!,
            step.id,
            {},
          )
        ).status,
      ).toBe(200);
    }
    await inc.send('commander', { type: 'CONFIRM', grade: 'II' });

    const drafted = await http()
      .post(`/api/v1/incidents/${res.body.id}/reports`)
      .set(bearer(fin.commander.token))
      .send({ kind: 'initial', partial: true })
      .expect(201);
    const reportId = drafted.body.id as string;
    const fields: Record<string, string> = {};
    for (const code of drafted.body.missingFields as string[]) fields[code] = `${code} 的内容`;
    await http().patch(`/api/v1/reports/${reportId}`).set(bearer(fin.liaison.token)).send({ fields }).expect(200);
    const own = await http().post(`/api/v1/reports/${reportId}/approve`).set(bearer(fin.commander.token));
    expect(own.status).toBe(403);
    expect(own.body.message).toMatch(/drafted/);
    await http().post(`/api/v1/reports/${reportId}/approve`).set(bearer(commander2)).expect(200);

    // Roles keep approver and submitter apart today; the rule holds by person even if a role
    // changes. Stand in for that by recording the liaison as the approver.
    const db = await openStorage(svc.sqlitePath);
    try {
      await db.run('UPDATE report SET approved_by = ? WHERE id = ?', [fin.liaison.userId, reportId]);
    } finally {
      await db.close();
    }
    const self = await http().post(`/api/v1/reports/${reportId}/submit`).set(bearer(fin.liaison.token));
    expect(self.status).toBe(403);
    expect(self.body.message).toMatch(/approved/);
  });
});
