import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { startService, type ServiceHandle } from '../../src/bootstrap';
import { ENTITIES } from '../../src/entities';
import { MIGRATIONS } from '../../src/database/migrations';
import { stepsFromTouched, type StepDefinition, type StepProgress } from '../../workflows/incident/steps';
import { bearer, enrol, incidentInput, serviceHttp } from '../support/harness';

/**
 * An incident's snapshot keeps only its steps' progress; the definitions live in playbook_steps, named
 * by incident_playbook (see WorkflowRuntime.serialise). These suites run the service on a SQLite file and restart it or
 * run a second instance beside it, so the in-memory snapshot and row caches are empty or stale
 * and the stored form has to be read back.
 *
 * SQLite only, whatever TEST_DATABASE_URL says: it takes the database file back to an older version's
 * layout (undoing migrations, looking in sqlite_master) and starts instances on that file. The
 * migrations are the same code on both databases; test/e2e/audit-migration.e2e-spec.ts runs an upgrade
 * of an older layout on Postgres too.
 */
describe('stored snapshots: step progress in the row, definitions beside it (real SQLite, real Redis)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lianfang-snap-'));
  const adminToken = `test-admin-${randomBytes(16).toString('hex')}`;
  const sqlitePath = join(dir, 'db.sqlite');
  const env = (extra: Record<string, string> = {}) => ({
    DATABASE_URL: `sqlite:${sqlitePath}`,
    VAR_DIR: join(dir, 'var'),
    BOOTSTRAP_ADMIN_TOKEN: adminToken,
    LOG_LEVEL: 'silent',
    TZ: 'UTC',
    ...extra,
  });
  const http = serviceHttp;
  let token = '';
  let incidentId = '';

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function setUp(h: ServiceHandle) {
    const org = await http(h)
      .post('/api/v1/admin/organisations')
      .set(bearer(adminToken))
      .send({ name: 'Op', kind: 'operator', sector: 'energy', operatorKind: 'cii' })
      .expect(201);
    const user = await http(h)
      .post(`/api/v1/admin/organisations/${org.body.id}/users`)
      .set(bearer(adminToken))
      .send({ name: 'cmd', role: 'commander' })
      .expect(201);
    token = await enrol(() => http(h), adminToken, user.body.id, 't');
    const declared = await http(h)
      .post('/api/v1/incidents')
      .set(bearer(token))
      .send(incidentInput({ grade: 'III', category: 'ddos' }))
      .expect(201);
    incidentId = declared.body.id;
    const step = declared.body.steps.find(
      (s: { phase: string; roles: string[] }) => s.phase === 'triage' && s.roles.includes('commander'),
    );
    await http(h)
      .post(`/api/v1/incidents/${incidentId}/steps/${step.id}/complete`)
      .set(bearer(token))
      .send({ note: '已核实' })
      .expect(200);
    return declared.body;
  }

  it('a second instance on the same database reads the compact row back, and the first sees its change', async () => {
    const a = await startService({ env: env(), api: true, workers: true, listen: false, processName: 'test-a' });
    try {
      const declared = await setUp(a);
      const sqlite = new DataSource({ type: 'better-sqlite3', database: sqlitePath });
      await sqlite.initialize();
      const [row] = await sqlite.query('SELECT snapshot FROM incident WHERE id = ?', [incidentId]);
      const [playbook] = await sqlite.query(
        'SELECT p.playbook AS playbook, s.steps AS steps FROM incident_playbook p ' +
          'JOIN playbook_steps s ON s.hash = p.steps_hash WHERE p.incident_id = ?',
        [incidentId],
      );
      await sqlite.destroy();
      expect(row.snapshot).not.toContain('"title"');
      expect(row.snapshot.length).toBeLessThan(1600);
      // Only the step that was done: the untouched ones are given back by the definitions.
      const context = JSON.parse(row.snapshot).context;
      expect(context.steps).toBeUndefined();
      expect(context.touchedSteps.map((s: { status: string }) => s.status)).toEqual(['done']);
      expect(declared.steps.length).toBeGreaterThan(5);
      expect(playbook.playbook).toMatch(/@\d+$/);
      expect(JSON.parse(playbook.steps).map((s: StepDefinition) => s.id)).toEqual(
        declared.steps.map((s: { id: string }) => s.id),
      );

      const b = await startService({
        env: env({ REDIS_URL: a.redisUrl }),
        api: true,
        workers: false,
        listen: false,
        processName: 'test-b',
      });
      try {
        const seen = await http(b).get(`/api/v1/incidents/${incidentId}`).set(bearer(token)).expect(200);
        expect(seen.body.version).toBe(2);
        expect(seen.body.steps).toEqual(
          expect.arrayContaining([
            expect.objectContaining({
              status: 'done',
              note: '已核实',
              title: expect.objectContaining({ zh: expect.any(String) }),
            }),
          ]),
        );
        expect(seen.body.steps.map((s: { title: unknown }) => s.title)).toEqual(
          declared.steps.map((s: { title: unknown }) => s.title),
        );
        await http(b)
          .post(`/api/v1/incidents/${incidentId}/events`)
          .set(bearer(token))
          .send({ type: 'REGRADE', grade: 'IV', reason: 'b' })
          .expect(200);
      } finally {
        await b.close();
      }
      // A remembered version 2 in the first instance must not hide version 3 written by the second.
      const after = await http(a)
        .post(`/api/v1/incidents/${incidentId}/events`)
        .set(bearer(token))
        .send({ type: 'REGRADE', grade: 'III', reason: 'a', expectedVersion: 3 });
      expect(after.status).toBe(200);
      expect(after.body).toMatchObject({ version: 4, grade: 'III' });
      const verify = await http(a).get('/api/v1/audit/verify').set(bearer(adminToken)).expect(200);
      expect(verify.body.ok).toBe(true);
    } finally {
      await a.close();
    }
  });

  it(
    'an incident stored before the split (whole steps in the snapshot) ' +
      'gets its definitions from the migration and keeps working',
    async () => {
      // Turn the incident back into what an older version stored: whole steps, no incident_playbook table.
      const ds = new DataSource({
        type: 'better-sqlite3',
        database: sqlitePath,
        entities: ENTITIES,
        migrations: MIGRATIONS,
      });
      await ds.initialize();
      const [row] = await ds.query('SELECT snapshot FROM incident WHERE id = ?', [incidentId]);
      const [playbook] = await ds.query(
        'SELECT s.steps AS steps FROM incident_playbook p JOIN playbook_steps s ON s.hash = p.steps_hash ' +
          'WHERE p.incident_id = ?',
        [incidentId],
      );
      const stored = JSON.parse(row.snapshot);
      const { touchedSteps: touched, ...context } = stored.context;
      const whole = stepsFromTouched(touched as StepProgress[], JSON.parse(playbook.steps) as StepDefinition[]);
      await ds.query('UPDATE incident SET snapshot = ? WHERE id = ?', [
        JSON.stringify({ ...stored, context: { ...context, steps: whole } }),
        incidentId,
      ]);
      // Back to before the split: undo it and any migration that came after it.
      while ((await ds.query("SELECT name FROM sqlite_master WHERE name = 'incident_playbook'")).length > 0)
        await ds.undoLastMigration();
      expect(await ds.query("SELECT name FROM sqlite_master WHERE name = 'incident_playbook'")).toEqual([]);
      await ds.destroy();

      const s = await startService({ env: env(), api: true, workers: true, listen: false, processName: 'test-c' });
      try {
        const seen = await http(s).get(`/api/v1/incidents/${incidentId}`).set(bearer(token)).expect(200);
        expect(
          seen.body.steps.map((st: { id: string; title: unknown; status: string }) => [st.id, st.title, st.status]),
        ).toEqual(whole.map((st) => [st.id, st.title, st.status]));
        const changed = await http(s)
          .post(`/api/v1/incidents/${incidentId}/events`)
          .set(bearer(token))
          .send({ type: 'REGRADE', grade: 'IV', reason: 'after upgrade' })
          .expect(200);
        expect(changed.body.steps.map((st: { title: unknown }) => st.title)).toEqual(whole.map((st) => st.title));
        const check = new DataSource({ type: 'better-sqlite3', database: sqlitePath });
        await check.initialize();
        const [now] = await check.query('SELECT snapshot FROM incident WHERE id = ?', [incidentId]);
        const [back] = await check.query(
          'SELECT p.playbook AS playbook, s.steps AS steps FROM incident_playbook p ' +
            'JOIN playbook_steps s ON s.hash = p.steps_hash WHERE p.incident_id = ?',
          [incidentId],
        );
        await check.destroy();
        expect(now.snapshot).not.toContain('"title"');
        expect(back.playbook).toBeNull();
        expect(JSON.parse(back.steps)).toEqual(
          whole.map(({ id, phase, title, roles, mandatory, requirements }) => ({
            id,
            phase,
            title,
            roles,
            mandatory,
            requirements,
          })),
        );
      } finally {
        await s.close();
      }
    },
  );
});
