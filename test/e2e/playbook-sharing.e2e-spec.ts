import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { startService, type ServiceHandle } from '../../src/bootstrap';
import { MIGRATIONS } from '../../src/database/migrations';
import { SharedPlaybookSteps1765300000000 } from '../../src/database/migrations/1765300000000-shared-playbook-steps';
import { bearer, enrol, incidentInput, resetPostgres, serviceHttp } from '../support/harness';
import { openStorage } from '../support/storage';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

type Step = { id: string; title: { zh: string; en: string } };

/**
 * The step definitions an incident is declared with are stored once per distinct text (playbook_steps,
 * by SHA-256) and referenced from incident_playbook; migration 1765300000000 turns the copy every
 * incident had into that, and each incident keeps exactly the steps it was declared with. Runs on
 * the SQLite file, or on Postgres with TEST_DATABASE_URL (npm run test:pg).
 */
describe('playbook steps stored once per playbook version (real app, real database)', () => {
  jest.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'lianfang-playbooks-'));
  const sqlitePath = join(dir, 'db.sqlite');
  const adminToken = `test-admin-${randomBytes(16).toString('hex')}`;
  const url = () => process.env.TEST_DATABASE_URL ?? `sqlite:${sqlitePath}`;
  let handle: ServiceHandle | undefined;
  let token = '';
  const ids: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };
  const http = () => serviceHttp(handle!);
  const start = async (name: string) => {
    handle = await startService({
      env: {
        DATABASE_URL: url(),
        VAR_DIR: join(dir, 'var'),
        BOOTSTRAP_ADMIN_TOKEN: adminToken,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        TZ: 'UTC',
      },
      api: true,
      workers: false,
      listen: false,
      processName: name,
    });
  };
  const declare = async (input: Record<string, unknown>) =>
    (await http().post('/api/v1/incidents').set(bearer(token)).send(incidentInput(input)).expect(201)).body as {
      id: string;
      steps: Step[];
    };
  const stepsOf = async (id: string) =>
    ((await http().get(`/api/v1/incidents/${id}`).set(bearer(token)).expect(200)).body as { steps: Step[] }).steps;

  beforeAll(async () => {
    if (process.env.TEST_DATABASE_URL) await resetPostgres(process.env.TEST_DATABASE_URL);
    await start('test-a');
    const org = await http()
      .post('/api/v1/admin/organisations')
      .set(bearer(adminToken))
      .send({ name: 'Op', kind: 'operator', sector: 'energy', operatorKind: 'cii' })
      .expect(201);
    const user = await http()
      .post(`/api/v1/admin/organisations/${org.body.id}/users`)
      .set(bearer(adminToken))
      .send({ name: 'cmd', role: 'commander' })
      .expect(201);
    token = await enrol(http, adminToken, user.body.id, 't');
  });

  afterAll(async () => {
    await handle?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('two incidents of one playbook version share one stored copy; another playbook has its own', async () => {
    const a = await declare({ category: 'ransomware', grade: 'II' });
    const b = await declare({ category: 'ransomware', grade: 'II', title: 'Second ransomware incident' });
    const c = await declare({ category: 'ddos', grade: 'III' });
    Object.assign(ids, { a: a.id, b: b.id, c: c.id });
    const db = await openStorage(sqlitePath, { readonly: true });
    try {
      const rows = await db.all<{ incident_id: string; playbook: string; steps_hash: string }>(
        'SELECT incident_id, playbook, steps_hash FROM incident_playbook WHERE incident_id IN (?, ?, ?)',
        [a.id, b.id, c.id],
      );
      const of = (id: string) => rows.find((r) => r.incident_id === id)!;
      expect(of(a.id).playbook).toBe(of(b.id).playbook);
      expect(of(a.id).steps_hash).toBe(of(b.id).steps_hash);
      expect(of(c.id).steps_hash).not.toBe(of(a.id).steps_hash);
      const stored = await db.all<{ hash: string; steps: string }>('SELECT hash, steps FROM playbook_steps');
      // One row per distinct set of steps, named by the hash of its text.
      expect(stored).toHaveLength(2);
      for (const s of stored) expect(sha256(s.steps)).toBe(s.hash);
      const shared = stored.find((s) => s.hash === of(a.id).steps_hash)!;
      expect((JSON.parse(shared.steps) as Step[]).map((s) => s.id)).toEqual(a.steps.map((s) => s.id));
    } finally {
      await db.close();
    }
    expect((await stepsOf(b.id)).map((s) => s.title)).toEqual(a.steps.map((s) => s.title));
  });

  it(
    'a database with a copy of the steps per incident is deduplicated by the migration, ' +
      'and each incident keeps the steps of the version it was declared with',
    async () => {
      const before = { a: await stepsOf(ids.a), c: await stepsOf(ids.c) };
      await handle!.close();
      handle = undefined;
      // Back to the layout before the migration: a copy per incident. Incident b is made one declared
      // with an older version of the same playbook (another title on its first step).
      const ds = new DataSource(
        url().startsWith('sqlite:')
          ? { type: 'better-sqlite3', database: sqlitePath, migrations: MIGRATIONS }
          : { type: 'postgres', url: url(), migrations: MIGRATIONS },
      );
      await ds.initialize();
      // Undone down to and including it: the later migrations first, newest first (each one's down()).
      const at = MIGRATIONS.indexOf(SharedPlaybookSteps1765300000000);
      expect(at).toBeGreaterThan(0);
      for (let i = MIGRATIONS.length - 1; i >= at; i--) await ds.undoLastMigration();
      await ds.destroy();
      const db = await openStorage(sqlitePath);
      let olderSteps: Step[];
      let copies: Array<{ incident_id: string; steps: string }>;
      try {
        copies = await db.all('SELECT incident_id, steps FROM incident_playbook ORDER BY incident_id');
        expect(copies.map((r) => r.incident_id).sort()).toEqual([ids.a, ids.b, ids.c].sort());
        expect(copies.find((r) => r.incident_id === ids.a)!.steps).toBe(
          copies.find((r) => r.incident_id === ids.b)!.steps,
        );
        olderSteps = JSON.parse(copies.find((r) => r.incident_id === ids.b)!.steps) as Step[];
        olderSteps[0]!.title = { zh: '旧版第一步', en: 'First step, older version' };
        await db.run("UPDATE incident_playbook SET steps = ?, playbook = 'ransomware@0' WHERE incident_id = ?", [
          JSON.stringify(olderSteps),
          ids.b,
        ]);
      } finally {
        await db.close();
      }

      await start('test-b');
      const after = await openStorage(sqlitePath, { readonly: true });
      try {
        const rows = await after.all<{ incident_id: string; playbook: string; steps_hash: string }>(
          'SELECT incident_id, playbook, steps_hash FROM incident_playbook',
        );
        const of = (id: string) => rows.find((r) => r.incident_id === id)!;
        expect(rows).toHaveLength(3);
        expect(of(ids.a).steps_hash).toBe(sha256(copies.find((r) => r.incident_id === ids.a)!.steps));
        expect(of(ids.b).steps_hash).toBe(sha256(JSON.stringify(olderSteps)));
        expect(of(ids.b).playbook).toBe('ransomware@0');
        const stored = await after.all<{ hash: string }>('SELECT hash FROM playbook_steps');
        expect(stored.map((s) => s.hash).sort()).toEqual(
          [of(ids.a).steps_hash, of(ids.b).steps_hash, of(ids.c).steps_hash].sort(),
        );
      } finally {
        await after.close();
      }
      expect(await stepsOf(ids.a)).toEqual(before.a);
      expect(await stepsOf(ids.c)).toEqual(before.c);
      const b = await stepsOf(ids.b);
      expect(b[0]!.title).toEqual(olderSteps[0]!.title);
      expect(b.slice(1).map((s) => s.title)).toEqual(before.a.slice(1).map((s) => s.title));
      // The incident goes on with its own steps, and a new incident of the current version shares a's.
      const changed = await http()
        .post(`/api/v1/incidents/${ids.b}/events`)
        .set(bearer(token))
        .send({ type: 'REGRADE', grade: 'III', reason: 'after the upgrade' })
        .expect(200);
      expect(changed.body.steps[0].title).toEqual(olderSteps[0]!.title);
      const d = await declare({ category: 'ransomware', grade: 'II', title: 'After the upgrade' });
      const check = await openStorage(sqlitePath, { readonly: true });
      try {
        const [ra, rd] = await Promise.all(
          [ids.a, d.id].map((id) =>
            check.get<{ steps_hash: string }>('SELECT steps_hash FROM incident_playbook WHERE incident_id = ?', [id]),
          ),
        );
        expect(rd!.steps_hash).toBe(ra!.steps_hash);
        expect(Number((await check.get<{ n: number }>('SELECT COUNT(*) AS n FROM playbook_steps'))!.n)).toBe(3);
      } finally {
        await check.close();
      }
      const verify = await http().get('/api/v1/audit/verify').set(bearer(adminToken)).expect(200);
      expect(verify.body.ok).toBe(true);
    },
  );
});
