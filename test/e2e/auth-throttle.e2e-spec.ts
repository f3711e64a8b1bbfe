import { createHash, randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { INestApplication } from '@nestjs/common';
import { AuthThrottle } from '../../src/accounts/auth-throttle';
import { startService, type ServiceHandle } from '../../src/bootstrap';
import { bearer, createOrg, startTestService, TestService } from '../support/harness';
import { openStorage } from '../support/storage';
import { waitFor } from '../support/wait';

const LOCKOUT_SECONDS = 3;
const wrong = () => `lf_${randomBytes(32).toString('base64url')}`;

/**
 * Failed-authentication throttling against the real app and its real redis-server. Sources are
 * told apart by X-Forwarded-For, which the app trusts from loopback here (TRUST_PROXY=loopback),
 * so one test process can play several clients.
 */
describe('authentication throttling and token handles', () => {
  let svc: TestService;
  let second: ServiceHandle | undefined;
  let viewer: string;

  beforeAll(async () => {
    svc = await startTestService({
      env: {
        AUTH_FAILURES_PER_SOURCE: '5',
        AUTH_FAILURES_PER_CREDENTIAL: '3',
        AUTH_FAILURE_WINDOW_SECONDS: '600',
        AUTH_LOCKOUT_SECONDS: String(LOCKOUT_SECONDS),
        TRUST_PROXY: 'loopback',
      },
    });
    viewer = (
      await createOrg(svc, { name: 'Grid', kind: 'operator', sector: 'energy', operatorKind: 'cii' }, ['viewer'])
    ).tokens.viewer.token;
  });
  afterAll(async () => {
    await second?.close();
    await svc?.close();
  });

  const get = (app: INestApplication, from: string, token: string) =>
    request(app.getHttpServer()).get('/api/v1/incidents').set('X-Forwarded-For', from).set(bearer(token));

  it(
    'locks a source out after the allowed failures, valid token or not, ' +
      'with 429 and Retry-After; other sources are unaffected',
    async () => {
      for (let i = 0; i < 5; i++) await get(svc.app, '198.51.100.7', wrong()).expect(401);
      const refused = await get(svc.app, '198.51.100.7', wrong()).expect(429);
      expect(refused.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(LOCKOUT_SECONDS);
      expect(refused.body.retryAfterSeconds).toBe(retryAfter);

      // A right guess from a locked-out source is refused too: otherwise the lock-out bounds nothing.
      await get(svc.app, '198.51.100.7', viewer).expect(429);
      await get(svc.app, '198.51.100.8', viewer).expect(200);

      // The lock-out ends by itself.
      await waitFor(
        'the lock-out to end',
        async () => (await get(svc.app, '198.51.100.7', viewer)).status === 200,
        10_000,
        250,
      );
    },
  );

  it('an IPv6 client is counted by its /64', async () => {
    for (let i = 0; i < 5; i++) await get(svc.app, `2001:db8:1:2::${i + 1}`, wrong()).expect(401);
    await get(svc.app, '2001:db8:1:2:ffff::9', wrong()).expect(429);
    await get(svc.app, '2001:db8:1:3::1', viewer).expect(200);
  });

  it('locks one credential out whatever the source, by its non-secret handle', async () => {
    const handle = 'lf_abcdefgh';
    for (let i = 0; i < 3; i++)
      await get(svc.app, `203.0.113.${i + 1}`, `${handle}_${randomBytes(32).toString('base64url')}`).expect(401);
    const refused = await get(svc.app, '203.0.113.50', `${handle}_${randomBytes(32).toString('base64url')}`).expect(
      429,
    );
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another credential from the same fresh source is fine.
    await get(svc.app, '203.0.113.50', viewer).expect(200);
  });

  it('successful requests from a clean source and credential read nothing from Redis', async () => {
    const throttle = svc.app.get(AuthThrottle);
    await waitFor('the throttle to know its suspects', async () => throttle.selective);
    const before = throttle.lockoutReads;
    for (let i = 0; i < 20; i++) await get(svc.app, '192.0.2.200', viewer).expect(200);
    expect(throttle.lockoutReads).toBe(before);
    // Once that source has failed, its requests are checked.
    await get(svc.app, '192.0.2.200', wrong()).expect(401);
    await get(svc.app, '192.0.2.200', viewer).expect(200);
    expect(throttle.lockoutReads).toBeGreaterThan(before);
  });

  it('successful requests consume nothing', async () => {
    const from = '192.0.2.10';
    for (let i = 0; i < 4; i++) await get(svc.app, from, wrong()).expect(401);
    for (let i = 0; i < 30; i++) await get(svc.app, from, viewer).expect(200);
    await get(svc.app, from, wrong()).expect(401);
    await get(svc.app, from, wrong()).expect(429);
  });

  it('the counters live in Redis: a second app process sharing it sees the lock-out', async () => {
    second = await startService({
      env: {
        DATABASE_URL: svc.handle.config.DATABASE_URL,
        VAR_DIR: `${svc.dir}/var`,
        REDIS_URL: svc.handle.redisUrl,
        LOG_LEVEL: 'silent',
        TZ: 'UTC',
        AUTH_FAILURES_PER_SOURCE: '5',
        AUTH_FAILURES_PER_CREDENTIAL: '3',
        AUTH_LOCKOUT_SECONDS: String(LOCKOUT_SECONDS),
        TRUST_PROXY: 'loopback',
      },
      api: true,
      workers: false,
      listen: false,
      processName: 'test-second',
    });
    const other = second.app as INestApplication;
    const from = '198.51.100.99';
    await get(other, from, viewer).expect(200);
    for (let i = 0; i < 5; i++) await get(svc.app, from, wrong()).expect(401);
    await get(svc.app, from, wrong()).expect(429);
    // The other process hears of the failures on a Redis channel: within a round trip, not at once.
    await waitFor(
      'the other process to refuse the locked-out source',
      async () => (await get(other, from, viewer)).status === 429,
      5000,
      20,
    );
    await get(other, '198.51.100.100', viewer).expect(200);
  });

  it('a process started after a lock-out finds it in Redis', async () => {
    const from = '198.51.100.120';
    for (let i = 0; i < 6; i++) await get(svc.app, from, wrong());
    await get(svc.app, from, viewer).expect(429);
    const third = await startService({
      env: {
        DATABASE_URL: svc.handle.config.DATABASE_URL,
        VAR_DIR: `${svc.dir}/var`,
        REDIS_URL: svc.handle.redisUrl,
        LOG_LEVEL: 'silent',
        TZ: 'UTC',
        AUTH_FAILURES_PER_SOURCE: '5',
        AUTH_FAILURES_PER_CREDENTIAL: '3',
        AUTH_LOCKOUT_SECONDS: String(LOCKOUT_SECONDS),
        TRUST_PROXY: 'loopback',
      },
      api: true,
      workers: false,
      listen: false,
      processName: 'test-third',
    });
    try {
      const app = third.app as INestApplication;
      await waitFor('the new process to know its suspects', async () => app.get(AuthThrottle).selective);
      await get(app, from, viewer).expect(429);
      await get(app, '198.51.100.121', viewer).expect(200);
    } finally {
      await third.close();
    }
  });

  it(
    'lists only a random handle for the bootstrap token, stores no plain ' +
      'digest, and keeps pre-handle tokens working',
    async () => {
      const me = await svc.http().get('/api/v1/admin/organisations').set(bearer(svc.adminToken)).expect(200);
      const platform = me.body.find((o: { isPlatform: boolean }) => o.isPlatform);
      const tokens = await svc
        .http()
        .get(`/api/v1/admin/organisations/${platform.id}/tokens`)
        .set(bearer(svc.adminToken))
        .expect(200);
      const boot = tokens.body.find((t: { name: string }) => t.name === 'bootstrap');
      expect(boot.prefix).toMatch(/^lf_[a-z2-7]{8}$/);
      expect(svc.adminToken.startsWith(boot.prefix.slice(0, 4))).toBe(false);
      expect(JSON.stringify(tokens.body)).not.toContain(svc.adminToken.slice(0, 6));

      const db = await openStorage(svc.sqlitePath);
      try {
        const sha = (s: string) => createHash('sha256').update(s).digest('hex');
        const stored = (await db.get('SELECT token_hash FROM api_token WHERE id = ?', [boot.id])) as {
          token_hash: string;
        };
        expect(stored.token_hash).not.toBe(sha(svc.adminToken));
        const audit = await db.all<{ payload: string }>(
          "SELECT payload FROM audit_entry_named WHERE action = 'token.issued'",
        );
        expect(audit.map((a) => a.payload).join()).not.toContain(svc.adminToken.slice(0, 6));

        // A token issued before handles existed: `lf_` + 43 characters, stored as its plain SHA-256.
        const legacy = wrong();
        const admin = (await db.get('SELECT user_id, org_id FROM api_token WHERE id = ?', [boot.id])) as {
          user_id: string;
          org_id: string;
        };
        await db.run(
          'INSERT INTO api_token (id, org_id, user_id, role, name, token_hash, ' +
            'prefix, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)',
          [
            randomUUID(),
            admin.org_id,
            admin.user_id,
            'admin',
            'legacy',
            sha(legacy),
            'lf_legacyxx',
            new Date().toISOString(),
          ],
        );
        await svc.http().get('/api/v1/admin/organisations').set(bearer(legacy)).expect(200);
      } finally {
        await db.close();
      }
    },
  );

  it('a newly issued token starts with the handle it is listed by', async () => {
    const me = await svc.http().get('/api/v1/admin/organisations').set(bearer(svc.adminToken)).expect(200);
    const platform = me.body.find((o: { isPlatform: boolean }) => o.isPlatform);
    const users = await svc
      .http()
      .get(`/api/v1/admin/organisations/${platform.id}/users`)
      .set(bearer(svc.adminToken))
      .expect(200);
    const issued = await svc
      .http()
      .post(`/api/v1/admin/users/${users.body[0].id}/tokens`)
      .set(bearer(svc.adminToken))
      .send({ name: 'laptop' })
      .expect(201);
    expect(issued.body.prefix).toMatch(/^lf_[a-z2-7]{8}$/);
    expect(issued.body.token).toMatch(new RegExp(`^${issued.body.prefix}_[A-Za-z0-9_-]{43}$`));
    await svc.http().get('/api/v1/admin/organisations').set(bearer(issued.body.token)).expect(200);
  });
});
