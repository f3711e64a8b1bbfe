import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { startService } from '../../src/bootstrap';
import { secretsBox } from '../../src/config/keys';
import { ENTITIES } from '../../src/entities';
import { migrationsFor } from '../../src/database/migrations';
import { bearer, enrol, serviceHttp } from '../support/harness';
import { json, Receiver, startReceiver } from '../unit/notifications/support/http-receiver';

/**
 * What lies on disk (SQLite only, whatever TEST_DATABASE_URL says: it stats the database file and its
 * WAL and SHM files, whose modes are the point; a Postgres server keeps its own files). The database, its
 * WAL and shared-memory files and the generated keys are readable by the service's user alone, and
 * channel configs written in clear by an older version (header values, robot tokens in URLs) are
 * sealed by the migration, then still sent.
 */
describe('secrets at rest: file modes, and the migration that seals channel configs (real SQLite)', () => {
  jest.setTimeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'lianfang-rest-'));
  const adminToken = `test-admin-${randomBytes(16).toString('hex')}`;
  const sqlitePath = join(dir, 'db.sqlite');
  const varDir = join(dir, 'var');
  const env = {
    DATABASE_URL: `sqlite:${sqlitePath}`,
    VAR_DIR: varDir,
    BOOTSTRAP_ADMIN_TOKEN: adminToken,
    LOG_LEVEL: 'silent',
    TZ: 'UTC',
    EGRESS_ALLOW: '127.0.0.1',
  };
  const http = serviceHttp;
  const mode = (path: string) => statSync(path).mode & 0o777;
  const AUTH = 'Bearer legacy-clear-api-key-1122';
  const DT_TOKEN = 'dt-legacy-token-3344';
  let rx: Receiver;
  let adminOfOrg = '';
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    rx = await startReceiver((req, res) =>
      json(res, 200, new URL(req.url, 'http://x').pathname.startsWith('/robot') ? { errcode: 0 } : { ok: true }),
    );
  });
  afterAll(async () => {
    await rx.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the database, its WAL and SHM, and the key files owner-only (0600), the key directory 0700', async () => {
    const process0 = process.umask(0o022); // the usual umask, under which files come out 0644
    const a = await startService({ env, api: true, workers: false, listen: false, processName: 'rest-a' });
    try {
      const org = await http(a)
        .post('/api/v1/admin/organisations')
        .set(bearer(adminToken))
        .send({ name: 'Op', kind: 'operator', sector: 'energy', operatorKind: 'cii' })
        .expect(201);
      const user = await http(a)
        .post(`/api/v1/admin/organisations/${org.body.id}/users`)
        .set(bearer(adminToken))
        .send({ name: 'adm', role: 'admin' })
        .expect(201);
      // The organisation's admin takes its own token by enrolment (no one issues another person's token).
      adminOfOrg = await enrol(() => http(a), adminToken, user.body.id, 't');
      for (const file of [
        sqlitePath,
        `${sqlitePath}-wal`,
        `${sqlitePath}-shm`,
        join(varDir, 'keys', 'secrets.key'),
        join(varDir, 'keys', 'audit.key'),
      ]) {
        expect([file, mode(file).toString(8)]).toEqual([file, '600']);
      }
      expect(mode(join(varDir, 'keys')).toString(8)).toBe('700');

      const sub = await http(a)
        .post('/api/v1/notification-subscriptions')
        .set(bearer(adminOfOrg))
        .send({
          name: 'siem',
          channel: 'webhook',
          events: ['incident.declared'],
          secret: 'whsec-rest-000111',
          config: { url: `${rx.baseUrl}/siem`, headers: { Authorization: AUTH } },
        })
        .expect(201);
      const robot = await http(a)
        .post('/api/v1/notification-subscriptions')
        .set(bearer(adminOfOrg))
        .send({
          name: 'dt',
          channel: 'dingtalk',
          events: ['incident.declared'],
          config: { url: `${rx.baseUrl}/robot/send?access_token=${DT_TOKEN}` },
        })
        .expect(201);
      const rec = await http(a)
        .post('/api/v1/report-recipients')
        .set(bearer(adminOfOrg))
        .send({
          kind: 'public-security',
          name: '网安',
          channel: 'webhook',
          secret: 'whsec-rest-000222',
          config: { url: `${rx.baseUrl}/report`, headers: { Authorization: AUTH } },
        })
        .expect(201);
      Object.assign(ids, { sub: sub.body.id, robot: robot.body.id, rec: rec.body.id });
    } finally {
      await a.close();
      process.umask(process0);
    }
  });

  it(
    'seals configs an older version stored in clear, keeps them working, ' + 'and tightens files left readable',
    async () => {
      // Back to what the previous version stored: the migration's down puts the sealed parts back in clear.
      const ds = new DataSource({
        type: 'better-sqlite3',
        database: sqlitePath,
        entities: ENTITIES,
        migrations: migrationsFor(() => secretsBox({ VAR_DIR: varDir })),
      });
      await ds.initialize();
      // Later migrations first, newest first, down to and including the one that seals.
      for (;;) {
        const [last] = await ds.query('SELECT name FROM migrations ORDER BY id DESC LIMIT 1');
        await ds.undoLastMigration();
        if (last.name === 'SealChannelConfig1764000000010') break;
      }
      const clear =
        JSON.stringify(await ds.query('SELECT config FROM notification_subscription')) +
        JSON.stringify(await ds.query('SELECT config FROM report_recipient'));
      expect(clear).toContain(AUTH);
      expect(clear).toContain(DT_TOKEN);
      await ds.destroy();
      chmodSync(sqlitePath, 0o644);
      chmodSync(join(varDir, 'keys', 'secrets.key'), 0o644);

      const b = await startService({ env, api: true, workers: false, listen: false, processName: 'rest-b' });
      try {
        expect(mode(sqlitePath).toString(8)).toBe('600');
        expect(mode(join(varDir, 'keys', 'secrets.key')).toString(8)).toBe('600');
        const check = new DataSource({ type: 'better-sqlite3', database: sqlitePath });
        await check.initialize();
        const rows = [
          ...(await check.query('SELECT id, config, config_sealed FROM notification_subscription')),
          ...(await check.query('SELECT id, config, config_sealed FROM report_recipient')),
        ] as Array<{ id: string; config: string; config_sealed: string | null }>;
        await check.destroy();
        expect(rows.map((r) => r.id).sort()).toEqual(Object.values(ids).sort());
        for (const r of rows) {
          expect(r.config).not.toContain(AUTH);
          expect(r.config).not.toContain(DT_TOKEN);
          expect(r.config_sealed).toMatch(/^v1\./);
        }
        const shown = await http(b)
          .get(`/api/v1/notification-subscriptions/${ids.sub}`)
          .set(bearer(adminOfOrg))
          .expect(200);
        expect(shown.body.config).toEqual({ url: `${rx.baseUrl}/siem`, headers: { Authorization: '***' } });
        const recipients = await http(b).get('/api/v1/report-recipients').set(bearer(adminOfOrg)).expect(200);
        expect(JSON.stringify(recipients.body)).not.toContain(AUTH);
        // Sealed, and still sent as configured.
        for (const id of [ids.sub, ids.robot]) {
          const t = await http(b)
            .post(`/api/v1/notification-subscriptions/${id}/test`)
            .set(bearer(adminOfOrg))
            .expect(200);
          expect(t.body).toMatchObject({ ok: true, status: 200 });
        }
        expect(rx.requests.find((r) => r.url === '/siem')!.headers.authorization).toBe(AUTH);
        expect(
          new URL(rx.requests.find((r) => r.url.startsWith('/robot/send'))!.url, 'http://x').searchParams.get(
            'access_token',
          ),
        ).toBe(DT_TOKEN);
      } finally {
        await b.close();
      }
    },
  );
});
