import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'otplib';
import type { Response } from 'supertest';
import { Clock } from '../../src/common';
import { bearer, createOrg, incidentInput, startTestService, type TestService } from '../support/harness';
import { waitFor } from '../support/wait';

const LOCKOUT_SECONDS = 2;
const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'staple battery horse correct';

/** The `lf_session=…` pair of a response's Set-Cookie, to send back as the browser would. */
function cookieOf(res: Response): string {
  const header = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('lf_session='));
  if (!header) throw new Error(`no lf_session cookie in ${JSON.stringify(res.headers['set-cookie'])}`);
  return header.split(';')[0]!;
}

const setCookieOf = (res: Response): string =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('lf_session=')) ?? '';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * People signing in to the console (contract "People sign in"): the session cookie, its CSRF
 * token, timeouts, restricted sessions and the lock-out, against the real app. Clients are told
 * apart by X-Forwarded-For (TRUST_PROXY=loopback), so each test fails from addresses of its own.
 * The timeouts are reached by moving the application's Clock forward, not by waiting.
 */
describe('console sessions', () => {
  let svc: TestService;
  let orgId: string;
  let otherOrg: { orgId: string; token: string };
  let clock: Clock;
  let offsetMs = 0;
  let n = 0;

  const http = () => svc.http();
  const admin = () => bearer(svc.adminToken);

  /** A new person of the operator with a username and an initial password. */
  async function person(role = 'commander', password = PASSWORD): Promise<{ id: string; username: string }> {
    const username = `person.${++n}`;
    const res = await http()
      .post(`/api/v1/admin/organisations/${orgId}/users`)
      .set(admin())
      .send({ name: `Person ${n}`, role, username, initialPassword: password })
      .expect(201);
    return { id: res.body.id, username };
  }

  const signIn = (username: string, password: string, from = '192.0.2.1', extra: Record<string, unknown> = {}) =>
    http()
      .post('/api/v1/session')
      .set('X-Forwarded-For', from)
      .send({ username, password, ...extra });

  /** A person who has changed the initial password: an unrestricted session (no 2FA needed for a commander). */
  async function signedIn(
    role = 'commander',
  ): Promise<{ cookie: string; csrf: string; userId: string; username: string }> {
    const p = await person(role);
    const first = await signIn(p.username, PASSWORD).expect(200);
    const cookie = cookieOf(first);
    const changed = await http()
      .post('/api/v1/session/password')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', first.body.csrfToken)
      .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })
      .expect(200);
    expect(changed.body.restricted).toBeNull();
    return { cookie, csrf: first.body.csrfToken, userId: p.id, username: p.username };
  }

  const db = () => new Database(svc.sqlitePath, { readonly: true });
  function auditOf(action: string): Array<{ actor_id: string; org_id: string | null; payload: string }> {
    const d = db();
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
  function sessionRow(cookie: string): { ended_at: string | null; ended_reason: string | null } {
    const d = db();
    try {
      return d
        .prepare('SELECT ended_at, ended_reason FROM user_session WHERE id = ?')
        .get(sha256(cookie.slice('lf_session='.length))) as { ended_at: string | null; ended_reason: string | null };
    } finally {
      d.close();
    }
  }

  beforeAll(async () => {
    svc = await startTestService({
      workers: false,
      env: {
        TRUST_PROXY: 'loopback',
        AUTH_FAILURES_PER_USERNAME: '3',
        AUTH_FAILURES_PER_SOURCE: '8',
        AUTH_LOCKOUT_SECONDS: String(LOCKOUT_SECONDS),
        SESSION_IDLE_MINUTES: '30',
        SESSION_ABSOLUTE_HOURS: '1',
      },
    });
    orgId = (
      await createOrg(svc, { name: 'Grid', kind: 'operator', sector: 'energy', operatorKind: 'cii' }, ['commander'])
    ).orgId;
    const other = await createOrg(svc, { name: 'Rail', kind: 'operator', sector: 'transport', operatorKind: 'cii' }, [
      'commander',
    ]);
    otherOrg = { orgId: other.orgId, token: other.tokens.commander.token };
    clock = svc.app.get(Clock);
    jest.spyOn(clock, 'now').mockImplementation(() => new Date(Date.now() + offsetMs));
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await svc?.close();
  });

  it('an admin gives a person a username and an initial password; the views say so, never the password', async () => {
    const res = await http()
      .post(`/api/v1/admin/organisations/${orgId}/users`)
      .set(admin())
      .send({ name: '王芳', role: 'responder', username: 'Wang.Fang', initialPassword: PASSWORD })
      .expect(201);
    expect(res.body).toMatchObject({ username: 'wang.fang', hasPassword: true, twoFactorEnrolled: false });
    const list = await http().get(`/api/v1/admin/organisations/${orgId}/users`).set(admin()).expect(200);
    expect(list.body.find((u: { id: string }) => u.id === res.body.id)).toMatchObject({ username: 'wang.fang' });
    expect(JSON.stringify(auditOf('user.created'))).not.toContain(PASSWORD);

    const bad = async (body: Record<string, unknown>, field: string, status = 400) => {
      const r = await http()
        .post(`/api/v1/admin/organisations/${orgId}/users`)
        .set(admin())
        .send({ name: 'x', role: 'responder', ...body })
        .expect(status);
      expect(r.body.details?.[0]?.field).toBe(field);
    };
    await bad({ username: 'wang.fang', initialPassword: PASSWORD }, 'username', 409);
    await bad({ username: 'li.lei', initialPassword: 'short' }, 'initialPassword');
    await bad({ username: 'li.lei', initialPassword: 'LI.LEI' }, 'initialPassword');
    await bad({ username: 'li.leilei.li', initialPassword: 'li.leilei.li' }, 'initialPassword');
    await bad({ initialPassword: PASSWORD }, 'initialPassword');
    await bad({ username: 'x!' }, 'username');
    await bad({ username: 'svc.one', serviceAccount: true }, 'username');
  });

  it('sign-in sets an HttpOnly SameSite=Strict cookie, without Secure over plain HTTP', async () => {
    const p = await person();
    const res = await signIn(p.username.toUpperCase(), PASSWORD).expect(200);
    const set = setCookieOf(res);
    expect(set).toMatch(/^lf_session=[A-Za-z0-9_-]{43};/);
    expect(set).toMatch(/; HttpOnly/i);
    expect(set).toMatch(/; SameSite=Strict/i);
    expect(set).toMatch(/; Path=\//i);
    expect(set).not.toMatch(/; Secure/i);
    expect(res.body).toMatchObject({
      user: { id: p.id, username: p.username, role: 'commander', orgId, orgName: 'Grid', orgKind: 'operator' },
      mustChangePassword: true,
      twoFactor: { enrolled: false, required: false },
      restricted: 'password-change-required',
    });
    expect(Date.parse(res.body.absoluteExpiresAt) - Date.parse(res.body.serverTime)).toBeCloseTo(3_600_000, -4);
    expect(Date.parse(res.body.idleExpiresAt) - Date.parse(res.body.serverTime)).toBeCloseTo(1_800_000, -4);

    // The row keeps only the SHA-256 of the cookie value.
    expect(sessionRow(cookieOf(res))).toEqual({ ended_at: null, ended_reason: null });
    const [entry] = auditOf('session.signed-in').slice(-1);
    expect(entry!.actor_id).toBe(p.id);
    expect(entry!.payload).not.toContain(PASSWORD);
    expect(entry!.payload).not.toContain(cookieOf(res).slice('lf_session='.length));
  });

  it('sets Secure when a trusted proxy says the request came over TLS', async () => {
    const p = await person();
    const res = await signIn(p.username, PASSWORD).set('X-Forwarded-Proto', 'https').expect(200);
    expect(setCookieOf(res)).toMatch(/; Secure/i);
  });

  it('answers a wrong password and an unknown user with the same 401, audited without secrets', async () => {
    const p = await person();
    const wrong = await signIn(p.username, 'not the password at all', '192.0.2.20').expect(401);
    const unknown = await signIn('nobody.here', PASSWORD, '192.0.2.21').expect(401);
    expect(wrong.body).toMatchObject({ code: 'invalid-credentials' });
    expect(unknown.body.code).toBe(wrong.body.code);
    expect(unknown.body.message).toBe(wrong.body.message);
    expect(setCookieOf(wrong)).toBe('');

    const failed = auditOf('session.sign-in-failed');
    const mine = failed.find((e) => e.actor_id === p.id)!;
    expect(JSON.parse(mine.payload)).toMatchObject({ reason: 'invalid-credentials', username: p.username });
    const anon = failed.find((e) => e.payload.includes(sha256('nobody.here')))!;
    expect(anon.actor_id).toBe('system:sign-in');
    expect(anon.org_id).toBeNull();
    expect(anon.payload).not.toContain('nobody.here');
    expect(failed.map((e) => e.payload).join()).not.toContain('not the password at all');
  });

  it('a restricted session reaches only the session routes and GET /me until the password is changed', async () => {
    const p = await person();
    const res = await signIn(p.username, PASSWORD).expect(200);
    const cookie = cookieOf(res);
    const csrf = res.body.csrfToken as string;
    const blocked = await http().get('/api/v1/incidents').set('Cookie', cookie).expect(403);
    expect(blocked.body.code).toBe('password-change-required');
    const me = await http().get('/api/v1/me').set('Cookie', cookie).expect(200);
    expect(me.body).toMatchObject({ userId: p.id, username: p.username, tokenId: null });
    expect(Math.abs(Date.parse(me.body.serverTime) - Date.now())).toBeLessThan(60_000);
    await http().get('/api/v1/session').set('Cookie', cookie).expect(200);

    const change = (body: Record<string, unknown>) =>
      http()
        .post('/api/v1/session/password')
        .set('Cookie', cookie)
        .set('X-CSRF-Token', csrf)
        .set('X-Forwarded-For', '192.0.2.30')
        .send(body);
    const wrong = await change({ currentPassword: 'wrong wrong wrong', newPassword: NEW_PASSWORD }).expect(400);
    expect(wrong.body).toMatchObject({ code: 'invalid-credentials', details: [{ field: 'currentPassword' }] });
    expect((await change({ currentPassword: PASSWORD, newPassword: 'short' }).expect(400)).body.details[0].field).toBe(
      'newPassword',
    );
    await change({ currentPassword: PASSWORD, newPassword: PASSWORD }).expect(400);
    await change({ currentPassword: PASSWORD, newPassword: p.username }).expect(400);
    const done = await change({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }).expect(200);
    expect(done.body).toMatchObject({ mustChangePassword: false, restricted: null, csrfToken: csrf });
    await http().get('/api/v1/incidents').set('Cookie', cookie).expect(200);
    expect(auditOf('session.password-changed').some((e) => e.actor_id === p.id)).toBe(true);
    // The old password no longer signs in; the new one does.
    await signIn(p.username, PASSWORD, '192.0.2.31').expect(401);
    await signIn(p.username, NEW_PASSWORD, '192.0.2.31').expect(200);
  });

  it('an admin must enrol a second factor: the session stays restricted after the password change', async () => {
    const p = await person('admin');
    const res = await signIn(p.username, PASSWORD).expect(200);
    expect(res.body.twoFactor).toEqual({ enrolled: false, required: true });
    const cookie = cookieOf(res);
    const changed = await http()
      .post('/api/v1/session/password')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', res.body.csrfToken)
      .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })
      .expect(200);
    expect(changed.body.restricted).toBe('second-factor-enrolment-required');
    const blocked = await http().get(`/api/v1/admin/organisations/${orgId}/users`).set('Cookie', cookie).expect(403);
    expect(blocked.body.code).toBe('second-factor-enrolment-required');
    await http().get('/api/v1/me').set('Cookie', cookie).expect(200);
  });

  it('a cookie write needs the X-CSRF-Token of its session', async () => {
    const s = await signedIn();
    const other = await signedIn();
    const declare = () => http().post('/api/v1/incidents').set('Cookie', s.cookie);
    expect((await declare().send(incidentInput()).expect(403)).body.code).toBe('csrf-token-invalid');
    await declare().set('X-CSRF-Token', 'x'.repeat(43)).send(incidentInput()).expect(403);
    await declare().set('X-CSRF-Token', other.csrf).send(incidentInput()).expect(403);
    const created = await declare().set('X-CSRF-Token', s.csrf).send(incidentInput()).expect(201);
    // Reads need none.
    await http().get(`/api/v1/incidents/${created.body.id}`).set('Cookie', s.cookie).expect(200);
    // GET /session hands the same token out again (after a reload the console has only the cookie).
    expect((await http().get('/api/v1/session').set('Cookie', s.cookie).expect(200)).body.csrfToken).toBe(s.csrf);
  });

  it("another organisation's records stay 404 through a cookie session", async () => {
    const s = await signedIn();
    const theirs = await http().post('/api/v1/incidents').set(bearer(otherOrg.token)).send(incidentInput()).expect(201);
    await http().get(`/api/v1/incidents/${theirs.body.id}`).set('Cookie', s.cookie).expect(404);
    await http().get(`/api/v1/admin/organisations/${otherOrg.orgId}/users`).set('Cookie', s.cookie).expect(403);
  });

  it('a bearer token wins over a cookie, and needs no CSRF token', async () => {
    const s = await signedIn();
    const me = await http().get('/api/v1/me').set('Cookie', s.cookie).set(bearer(otherOrg.token)).expect(200);
    expect(me.body.orgId).toBe(otherOrg.orgId);
    expect(me.body.tokenId).not.toBeNull();
    await http()
      .post('/api/v1/incidents')
      .set('Cookie', s.cookie)
      .set(bearer(otherOrg.token))
      .send(incidentInput())
      .expect(201);
    // A bad token is refused even with a good cookie: no falling back.
    await http().get('/api/v1/me').set('Cookie', s.cookie).set(bearer('lf_nothing')).expect(401);
    // The session routes are for cookies: a token has no session.
    expect((await http().get('/api/v1/session').set(bearer(otherOrg.token)).expect(401)).body.code).toBe('no-session');
    expect((await http().get('/api/v1/session').expect(401)).body.code).toBe('no-session');
  });

  it('signing out ends the session: the old cookie is refused afterwards', async () => {
    const s = await signedIn();
    expect((await http().delete('/api/v1/session').set('Cookie', s.cookie).expect(403)).body.code).toBe(
      'csrf-token-invalid',
    );
    const out = await http().delete('/api/v1/session').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).expect(204);
    expect(setCookieOf(out)).toMatch(/^lf_session=;.*Expires=Thu, 01 Jan 1970/i);
    expect(sessionRow(s.cookie)).toMatchObject({ ended_reason: 'signed-out' });
    const replay = await http().get('/api/v1/session').set('Cookie', s.cookie).expect(401);
    expect(replay.body.code).toBe('no-session');
    await http().get('/api/v1/incidents').set('Cookie', s.cookie).expect(401);
    expect(auditOf('session.signed-out').some((e) => e.actor_id === s.userId)).toBe(true);
  });

  it('changing the password ends the other sessions of that person', async () => {
    const p = await person();
    const a = await signIn(p.username, PASSWORD).expect(200);
    const b = await signIn(p.username, PASSWORD).expect(200);
    await http()
      .post('/api/v1/session/password')
      .set('Cookie', cookieOf(a))
      .set('X-CSRF-Token', a.body.csrfToken)
      .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })
      .expect(200);
    await http().get('/api/v1/session').set('Cookie', cookieOf(a)).expect(200);
    await http().get('/api/v1/session').set('Cookie', cookieOf(b)).expect(401);
    expect(sessionRow(cookieOf(b))).toMatchObject({ ended_reason: 'password-changed' });
  });

  describe('second factor', () => {
    afterEach(() => {
      offsetMs = 0;
    });

    /** The TOTP code of `secret` at the application's clock, as the person's authenticator app shows it. */
    const code = (secret: string, shiftMs = 0) =>
      generate({ secret, epoch: Math.floor((Date.now() + offsetMs + shiftMs) / 1000) });

    /** Sets up an authenticator app for a signed-in session; returns its secret. */
    async function enrol(s: { cookie: string; csrf: string }): Promise<string> {
      const started = await http()
        .post('/api/v1/session/totp')
        .set('Cookie', s.cookie)
        .set('X-CSRF-Token', s.csrf)
        .send({})
        .expect(200);
      expect(started.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/lianfang:.+\?.*secret=/);
      expect(started.body.otpauthUri).toContain(`secret=${started.body.secret}`);
      expect(started.body.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
      const confirmed = await http()
        .post('/api/v1/session/totp/confirm')
        .set('Cookie', s.cookie)
        .set('X-CSRF-Token', s.csrf)
        .send({ code: await code(started.body.secret) })
        .expect(200);
      expect(confirmed.body.twoFactor.enrolled).toBe(true);
      return started.body.secret as string;
    }

    it('enrols an authenticator app; then sign-ins need a code, each code accepted once', async () => {
      const s = await signedIn();
      const started = await http()
        .post('/api/v1/session/totp')
        .set('Cookie', s.cookie)
        .set('X-CSRF-Token', s.csrf)
        .send({})
        .expect(200);
      const secret = started.body.secret as string;
      const wrongCode = String((Number(await code(secret)) + 500_000) % 1_000_000).padStart(6, '0');
      const refused = await http()
        .post('/api/v1/session/totp/confirm')
        .set('Cookie', s.cookie)
        .set('X-CSRF-Token', s.csrf)
        .send({ code: wrongCode })
        .expect(400);
      expect(refused.body).toMatchObject({ code: 'invalid-second-factor', details: [{ field: 'code' }] });
      const done = await http()
        .post('/api/v1/session/totp/confirm')
        .set('Cookie', s.cookie)
        .set('X-CSRF-Token', s.csrf)
        .send({ code: await code(secret) })
        .expect(200);
      expect(done.body).toMatchObject({ twoFactor: { enrolled: true, required: false }, restricted: null });
      const again = await http()
        .post('/api/v1/session/totp')
        .set('Cookie', s.cookie)
        .set('X-CSRF-Token', s.csrf)
        .send({})
        .expect(409);
      expect(again.body.code).toBe('second-factor-already-enrolled');
      const users = await http().get(`/api/v1/admin/organisations/${orgId}/users`).set(admin()).expect(200);
      expect(users.body.find((u: { id: string }) => u.id === s.userId).twoFactorEnrolled).toBe(true);

      const from = '192.0.2.50';
      const missing = await signIn(s.username, NEW_PASSWORD, from).expect(401);
      expect(missing.body.code).toBe('second-factor-required');
      expect(setCookieOf(missing)).toBe('');
      const wrong = await signIn(s.username, NEW_PASSWORD, from, { code: wrongCode }).expect(401);
      expect(wrong.body.code).toBe('invalid-second-factor');
      // The code the enrolment was confirmed with has been used.
      const used = await signIn(s.username, NEW_PASSWORD, from, { code: await code(secret) }).expect(401);
      expect(used.body.code).toBe('invalid-second-factor');

      offsetMs = 30_000;
      const next = await code(secret);
      const ok = await signIn(s.username, NEW_PASSWORD, from, { code: next }).expect(200);
      expect(ok.body.restricted).toBeNull();
      const replayed = await signIn(s.username, NEW_PASSWORD, '192.0.2.51', { code: next }).expect(401);
      expect(replayed.body.code).toBe('invalid-second-factor');

      const failures = auditOf('session.sign-in-failed')
        .filter((e) => e.actor_id === s.userId)
        .map((e) => JSON.parse(e.payload) as { reason: string; detail: string });
      expect(failures.map((f) => `${f.reason}/${f.detail}`)).toEqual([
        'second-factor-required/code missing',
        'invalid-second-factor/wrong-code',
        'invalid-second-factor/replayed-code',
        'invalid-second-factor/replayed-code',
      ]);
      expect(JSON.stringify(auditOf('session.sign-in-failed'))).not.toContain(next);
      expect(JSON.parse(auditOf('session.signed-in').slice(-1)[0]!.payload).secondFactor).toBe(true);
    });

    it('the first start gives "admin" an initial password in a 0600 file; it signs in, enrols, gets in', async () => {
      const file = join(svc.dir, 'var', 'initial-admin-password');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const initial = readFileSync(file, 'utf8').trim();
      const first = await signIn('admin', initial, '192.0.2.60').expect(200);
      expect(first.body).toMatchObject({
        user: { username: 'admin', role: 'admin', isPlatformAdmin: true },
        restricted: 'password-change-required',
        twoFactor: { enrolled: false, required: true },
      });
      const s = { cookie: cookieOf(first), csrf: first.body.csrfToken as string };
      // The password comes first.
      const early = await http()
        .post('/api/v1/session/totp')
        .set('Cookie', s.cookie)
        .set('X-CSRF-Token', s.csrf)
        .send({})
        .expect(403);
      expect(early.body.code).toBe('password-change-required');
      const changed = await http()
        .post('/api/v1/session/password')
        .set('Cookie', s.cookie)
        .set('X-CSRF-Token', s.csrf)
        .send({ currentPassword: initial, newPassword: NEW_PASSWORD })
        .expect(200);
      expect(changed.body.restricted).toBe('second-factor-enrolment-required');
      await enrol(s);
      const orgs = await http().get('/api/v1/admin/organisations').set('Cookie', s.cookie).expect(200);
      expect(orgs.body.length).toBeGreaterThanOrEqual(3);
    });

    it("an organisation's requireTwoFactor restricts its sessions without a second factor at once", async () => {
      const s = await signedIn();
      const other = await createOrg(svc, { name: 'Port', kind: 'operator', sector: 'transport', operatorKind: 'cii' }, [
        'admin',
      ]);
      // Another organisation's admin does not administer this one.
      await http()
        .put(`/api/v1/admin/organisations/${orgId}/security`)
        .set(bearer(other.tokens.admin.token))
        .send({ requireTwoFactor: true })
        .expect(404);
      const bad = await http()
        .put(`/api/v1/admin/organisations/${orgId}/security`)
        .set(admin())
        .send({ requireTwoFactor: 'yes' })
        .expect(400);
      expect(bad.body.details[0].field).toBe('requireTwoFactor');
      try {
        const set = await http()
          .put(`/api/v1/admin/organisations/${orgId}/security`)
          .set(admin())
          .send({ requireTwoFactor: true })
          .expect(200);
        expect(set.body).toEqual({ orgId, requireTwoFactor: true });
        const orgs = await http().get('/api/v1/admin/organisations').set(admin()).expect(200);
        expect(orgs.body.find((o: { id: string }) => o.id === orgId).requireTwoFactor).toBe(true);
        const blocked = await http().get('/api/v1/incidents').set('Cookie', s.cookie).expect(403);
        expect(blocked.body.code).toBe('second-factor-enrolment-required');
        const view = await http().get('/api/v1/session').set('Cookie', s.cookie).expect(200);
        expect(view.body.twoFactor).toEqual({ enrolled: false, required: true });
        await enrol(s);
        await http().get('/api/v1/incidents').set('Cookie', s.cookie).expect(200);
        expect(auditOf('organisation.security-updated').length).toBeGreaterThanOrEqual(1);
      } finally {
        await http()
          .put(`/api/v1/admin/organisations/${orgId}/security`)
          .set(admin())
          .send({ requireTwoFactor: false })
          .expect(200);
      }
    });

    it("an admin resets a person's password and second factor; their sessions end", async () => {
      const s = await signedIn();
      const secret = await enrol(s);
      const reset = await http()
        .post(`/api/v1/admin/users/${s.userId}/password`)
        .set(admin())
        .send({ initialPassword: 'a fresh initial one' })
        .expect(200);
      expect(reset.body).toMatchObject({ id: s.userId, hasPassword: true, twoFactorEnrolled: true });
      expect((await http().get('/api/v1/session').set('Cookie', s.cookie).expect(401)).body.code).toBe('no-session');
      offsetMs = 30_000;
      const again = await signIn(s.username, 'a fresh initial one', '192.0.2.70', { code: await code(secret) }).expect(
        200,
      );
      expect(again.body.restricted).toBe('password-change-required');

      const cleared = await http().post(`/api/v1/admin/users/${s.userId}/second-factor/reset`).set(admin()).expect(200);
      expect(cleared.body.twoFactorEnrolled).toBe(false);
      await http().get('/api/v1/session').set('Cookie', cookieOf(again)).expect(401);
      // No code is asked for any more.
      await signIn(s.username, 'a fresh initial one', '192.0.2.70').expect(200);
      expect(auditOf('user.password-reset').some((e) => e.payload.includes(s.userId))).toBe(true);
      expect(auditOf('user.second-factor-reset').some((e) => e.payload.includes(s.userId))).toBe(true);
      expect(JSON.stringify(auditOf('user.password-reset'))).not.toContain('a fresh initial one');
    });

    it('an admin gives a person created without a username one with their password', async () => {
      const created = await http()
        .post(`/api/v1/admin/organisations/${orgId}/users`)
        .set(admin())
        .send({ name: 'Old hand', role: 'responder' })
        .expect(201);
      expect(created.body).toMatchObject({ username: null, hasPassword: false });
      const missing = await http()
        .post(`/api/v1/admin/users/${created.body.id}/password`)
        .set(admin())
        .send({ initialPassword: PASSWORD })
        .expect(400);
      expect(missing.body.details[0].field).toBe('username');
      const given = await http()
        .post(`/api/v1/admin/users/${created.body.id}/password`)
        .set(admin())
        .send({ initialPassword: PASSWORD, username: 'old.hand' })
        .expect(200);
      expect(given.body).toMatchObject({ username: 'old.hand', hasPassword: true });
      await signIn('old.hand', PASSWORD).expect(200);
      const svcAccount = await http()
        .post(`/api/v1/admin/organisations/${orgId}/users`)
        .set(admin())
        .send({ name: 'SIEM', role: 'viewer', serviceAccount: true })
        .expect(201);
      await http()
        .post(`/api/v1/admin/users/${svcAccount.body.id}/password`)
        .set(admin())
        .send({ initialPassword: PASSWORD, username: 'siem.bot' })
        .expect(409);
    });
  });

  describe('timeouts', () => {
    afterEach(() => {
      offsetMs = 0;
    });

    it('requests slide the idle expiry', async () => {
      const s = await signedIn();
      offsetMs = 20 * 60_000;
      const slid = await http().get('/api/v1/session').set('Cookie', s.cookie).expect(200);
      expect(Date.parse(slid.body.idleExpiresAt)).toBeCloseTo(Date.now() + 50 * 60_000, -4);
      // 45 minutes after sign-in: past the first idle expiry, within the slid one.
      offsetMs = 45 * 60_000;
      await http().get('/api/v1/incidents').set('Cookie', s.cookie).expect(200);
    });

    it('answers session-expired once the idle timeout has passed, and keeps answering it', async () => {
      const s = await signedIn();
      offsetMs = 31 * 60_000;
      expect((await http().get('/api/v1/incidents').set('Cookie', s.cookie).expect(401)).body.code).toBe(
        'session-expired',
      );
      expect(sessionRow(s.cookie)).toMatchObject({ ended_reason: 'idle-timeout' });
      offsetMs = 0;
      expect((await http().get('/api/v1/session').set('Cookie', s.cookie).expect(401)).body.code).toBe(
        'session-expired',
      );
      expect(auditOf('session.expired').some((e) => e.actor_id === s.userId)).toBe(true);
    });

    it('ends a session at SESSION_ABSOLUTE_HOURS however active it is', async () => {
      const s = await signedIn();
      for (const minutes of [25, 50]) {
        offsetMs = minutes * 60_000;
        const ok = await http().get('/api/v1/session').set('Cookie', s.cookie).expect(200);
        // The idle expiry never passes the absolute one.
        expect(ok.body.idleExpiresAt <= ok.body.absoluteExpiresAt).toBe(true);
      }
      offsetMs = 61 * 60_000;
      expect((await http().get('/api/v1/session').set('Cookie', s.cookie).expect(401)).body.code).toBe(
        'session-expired',
      );
      expect(sessionRow(s.cookie)).toMatchObject({ ended_reason: 'absolute-timeout' });
    });
  });

  describe('lock-out', () => {
    it('locks a username out after AUTH_FAILURES_PER_USERNAME failures from any address', async () => {
      const p = await person();
      for (let i = 0; i < 3; i++) await signIn(p.username, 'wrong password!', `198.51.100.${i + 1}`).expect(401);
      const refused = await signIn(p.username, 'wrong password!', '198.51.100.9').expect(429);
      expect(refused.body).toMatchObject({ statusCode: 429, code: 'too-many-failures' });
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(LOCKOUT_SECONDS);
      // The right password is refused too while it lasts, and nothing about it is said.
      await signIn(p.username, PASSWORD, '198.51.100.10').expect(429);
      const locked = auditOf('session.sign-in-failed').filter((e) => e.actor_id === p.id);
      expect(locked.some((e) => JSON.parse(e.payload).lockedOutSeconds > 0)).toBe(true);
      await waitFor(
        'the lock-out to end',
        async () => (await signIn(p.username, PASSWORD, '198.51.100.11')).status === 200,
        10_000,
        250,
      );

      // The next lock-out of the same username within the day lasts twice as long.
      for (let i = 0; i < 3; i++) await signIn(p.username, 'wrong password!', `198.51.100.${i + 20}`).expect(401);
      const second = await signIn(p.username, 'wrong password!', '198.51.100.30').expect(429);
      expect(Number(second.headers['retry-after'])).toBeGreaterThan(LOCKOUT_SECONDS);
      expect(Number(second.headers['retry-after'])).toBeLessThanOrEqual(2 * LOCKOUT_SECONDS);
    });

    it('locks a source address out after AUTH_FAILURES_PER_SOURCE failures, whatever usernames it tries', async () => {
      const p = await person();
      const from = '203.0.113.5';
      for (let i = 0; i < 8; i++) await signIn(`guess.${i}`, 'whatever whatever', from).expect(401);
      const refused = await signIn('guess.9', 'whatever whatever', from).expect(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      await signIn(p.username, PASSWORD, from).expect(429);
      await signIn(p.username, PASSWORD, '203.0.113.6').expect(200);
    });
  });
});
