import Database from 'better-sqlite3';
import { execFile, spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/redis/local-redis';
import { bearer, createOrg, startTestService, TestService } from '../support/harness';
import { waitFor } from '../support/wait';
import { checkedFetch } from '../contract/contract-recorder';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** The compiled CLI (the package's `lianfang` bin) as a separate process, as a user runs it. */
function lianfang(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out: out.replace(/\n$/, ''), err: err.replace(/\n$/, '') }));
  });
}

/**
 * The CLI against a real listening server over loopback HTTP; the server built first, exactly as `npm run build`
 * builds it (`build:server`: the console's build is not needed here, and another suite may be running meanwhile).
 */
describe('cli', () => {
  jest.setTimeout(60_000);
  let svc: TestService;
  let env: Record<string, string>;
  let serviceEnv: Record<string, string>;
  let tokens: Awaited<ReturnType<typeof createOrg>>['tokens'];

  beforeAll(async () => {
    await promisify(execFile)('npm', ['run', 'build:server'], { cwd: ROOT, timeout: 300_000 });
    svc = await startTestService({ listen: true });
    tokens = (
      await createOrg(svc, { name: 'Water utility', kind: 'operator', sector: 'water', operatorKind: 'other' }, [
        'commander',
        'viewer',
      ])
    ).tokens;
    env = { LIANFANG_URL: svc.handle.url!, LIANFANG_TOKEN: tokens.commander.token };
    serviceEnv = { DATABASE_URL: svc.handle.config.DATABASE_URL, VAR_DIR: join(svc.dir, 'var') };
  }, 360_000);
  afterAll(async () => svc?.close());

  const cli = (args: string[], e: Record<string, string> = env) => lianfang(args, e);

  it('declares, lists, shows, completes a step, sends an event and prints the timeline', async () => {
    const declared = await cli([
      'declare',
      '--title',
      '水厂SCADA异常',
      '--category',
      'intrusion',
      '--grade',
      'III',
      '--system',
      'scada-01',
      '--drill',
      '--detected-at',
      new Date(Date.now() - 60_000).toISOString(),
    ]);
    expect(declared.code).toBe(0);
    const ref = /INC-\d{4}-\d{6}/.exec(declared.out)![0];
    expect(declared.out).toContain('[DRILL 演练]');
    expect(declared.out).toMatch(/state "?triage/);

    const list = await cli(['list', '--drill', 'true']);
    expect(list.code).toBe(0);
    expect(list.out).toContain(ref);

    const shown = await cli(['show', ref, '--json']);
    const incident = JSON.parse(shown.out);
    expect(incident.reference).toBe(ref);
    const step = incident.steps.find(
      (s: { phase: string; roles: string[] }) => s.phase === 'triage' && s.roles.includes('commander'),
    );

    const done = await cli(['complete', ref, step.id, '--note', 'checked', '--evidence', 'sha256:abc']);
    expect(done.code).toBe(0);
    expect(done.out).toContain(`[x] triage`);

    const refused = await cli(['event', ref, 'ADVANCE']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/error 409/);
    expect(refused.err).toMatch(/allowed now: .*DISMISS/);

    const unknown = await cli(['complete', ref, 'isolate-hosts']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/error 404: .*its steps: .*confirm-incident/);

    const dismissed = await cli([
      'event',
      ref,
      'DISMISS',
      'reason=drill over',
      '--expected-version',
      String(incident.version + 1),
    ]);
    expect(dismissed.code).toBe(0);
    expect(dismissed.out).toContain('state dismissed');

    const timeline = await cli(['timeline', ref]);
    expect(timeline.out.split('\n').map((l) => l.split('  ')[2])).toEqual([
      'incident.declared',
      'incident.event.COMPLETE_STEP',
      'incident.event.DISMISS',
    ]);
  });

  it('reports field errors, usage errors and a missing token', async () => {
    const bad = await cli(['declare', '--title', 'x', '--category', 'malware', '--grade', 'V']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/error 400/);
    expect(bad.err).toMatch(/grade:/);
    expect((await cli(['declare', '--title', 'x'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['list'], { LIANFANG_URL: env.LIANFANG_URL })).code).toBe(2);
    const viewer = await cli(['declare', '--title', 'x', '--category', 'malware', '--grade', 'IV'], {
      ...env,
      LIANFANG_TOKEN: tokens.viewer.token,
    });
    expect(viewer.code).toBe(1);
    expect(viewer.err).toMatch(/error 403/);
    expect((await cli(['show', 'INC-1999-000001'])).err).toMatch(/404/);
  });

  it("admin reset-token refuses to run against anything but the service's own database and keys", async () => {
    // A database that is not there: a SQLite path (whatever database the suite runs on), the one kind
    // the command could otherwise create by opening it.
    const elsewhere = await cli(['admin', 'reset-token'], {
      DATABASE_URL: `sqlite:${join(svc.dir, 'nothing.sqlite')}`,
      VAR_DIR: join(svc.dir, 'var'),
    });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.err).toMatch(/no database at .*nothing\.sqlite/);
    const noKeys = await cli(['admin', 'reset-token'], { ...serviceEnv, VAR_DIR: join(svc.dir, 'other-var') });
    expect(noKeys.code).toBe(2);
    expect(noKeys.err).toMatch(/SECRETS_KEY is not set and there is no .*other-var/);
    expect(noKeys.out).toBe('');
  });

  it('a restart with another BOOTSTRAP_ADMIN_TOKEN says it is ignored and how to get a token', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        ...serviceEnv,
        REDIS_URL: svc.handle.redisUrl,
        PORT: String(port),
        LOG_LEVEL: 'info',
        BOOTSTRAP_ADMIN_TOKEN: 'a-different-token-0123456789abcdef',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    try {
      await waitFor('the second service to listen', async () => out.includes('"msg":"listening"'), 45_000);
      const warning = out.split('\n').filter((l) => l.includes('BOOTSTRAP_ADMIN_TOKEN ignored'));
      expect(warning).toHaveLength(1);
      expect(JSON.parse(warning[0]!)).toMatchObject({ level: 40, msg: expect.stringMatching(/admin reset-token/) });
      expect(out).not.toContain('a-different-token-0123456789abcdef');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });

  it(
    'a first start without BOOTSTRAP_ADMIN_TOKEN creates the platform admin "admin" with an initial password ' +
      'in a 0600 file (the log says where, not what); reset-token prints a token for it',
    async () => {
      const port = await freePort();
      // A new installation of its own: a new SQLite file whatever database the suite runs on (the
      // suite's Postgres database is the running service's).
      const fresh = { DATABASE_URL: `sqlite:${join(svc.dir, 'fresh.sqlite')}`, VAR_DIR: join(svc.dir, 'fresh-var') };
      const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          ...fresh,
          PORT: String(port),
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise((r) => child.once('exit', r));
      try {
        await waitFor('the fresh service to listen', async () => out.includes('"msg":"listening"'), 45_000);
        const file = join(fresh.VAR_DIR, 'initial-admin-password');
        const hint = out.split('\n').filter((l) => l.includes('platform admin created'));
        expect(hint).toHaveLength(1);
        expect(JSON.parse(hint[0]!).msg).toContain(file);
        expect(JSON.parse(hint[0]!).msg).toMatch(/lianfang admin reset-token/);
        expect(statSync(file).mode & 0o777).toBe(0o600);
        const password = readFileSync(file, 'utf8').trim();
        expect(password.length).toBeGreaterThanOrEqual(12);
        expect(out).not.toContain(password);
        const signedIn = await checkedFetch(`http://127.0.0.1:${port}/api/v1/session`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password }),
        });
        expect(signedIn.status).toBe(200);
        expect(await signedIn.json()).toMatchObject({ restricted: 'password-change-required' });

        const first = await cli(['admin', 'reset-token', '--json'], fresh);
        expect(first.code).toBe(0);
        const issued = JSON.parse(first.out);
        expect(issued.created).toBe(false);
        const me = await checkedFetch(`http://127.0.0.1:${port}/api/v1/me`, { headers: bearer(issued.token) });
        expect(me.status).toBe(200);
        expect(await me.json()).toMatchObject({ isPlatformAdmin: true, orgName: 'Default operator' });
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
    },
  );

  it(
    'admin reset-password prints a new initial password and ends the sessions of that person; "admin" names a ' +
      'platform admin from before sign-in',
    async () => {
      const before = await svc
        .http()
        .post('/api/v1/session')
        .send({
          username: 'admin',
          password: readFileSync(join(svc.dir, 'var', 'initial-admin-password'), 'utf8').trim(),
        })
        .expect(200);
      const cookie = String(before.headers['set-cookie']).split(';')[0]!;
      // An installation from before sign-in: its platform admin has no username; "admin" names it.
      const db = new Database(svc.sqlitePath);
      try {
        db.prepare("UPDATE app_user SET username = NULL WHERE username = 'admin'").run();
      } finally {
        db.close();
      }
      const reset = await cli(['admin', 'reset-password', 'ADMIN'], serviceEnv);
      expect(reset.code).toBe(0);
      expect(reset.err).toMatch(/new initial password for Administrator \(admin, .*ended 1 console session/);
      expect(reset.out).toMatch(/^[A-Za-z0-9_-]{24}$/);
      await svc.http().get('/api/v1/session').set('Cookie', cookie).expect(401);
      const after = await svc
        .http()
        .post('/api/v1/session')
        .send({ username: 'admin', password: reset.out })
        .expect(200);
      expect(after.body).toMatchObject({ user: { username: 'admin' }, restricted: 'password-change-required' });

      const unknown = await cli(['admin', 'reset-password', 'nobody'], serviceEnv);
      expect(unknown.code).toBe(1);
      expect(unknown.err).toMatch(/no user with the username nobody/);
      expect((await cli(['admin', 'reset-password'], serviceEnv)).code).toBe(2);
    },
    // Each command is a process of its own that opens the database: two of them, on a shared machine.
    120_000,
  );

  it('admin reset-token prints a new platform-admin token that works at once, and can revoke the others', async () => {
    const reset = await cli(['admin', 'reset-token', '--name', 'recovered'], serviceEnv);
    expect(reset.code).toBe(0);
    expect(reset.out).toMatch(/^lf_[a-z2-7]{8}_[A-Za-z0-9_-]{43}$/);
    expect(reset.err).toMatch(/new token for platform admin/);
    const me = await svc.http().get('/api/v1/me').set(bearer(reset.out)).expect(200);
    expect(me.body).toMatchObject({ role: 'admin', isPlatformAdmin: true });
    await svc.http().get('/api/v1/me').set(bearer(svc.adminToken)).expect(200);

    const again = await cli(['admin', 'reset-token', '--revoke-others', '--json'], serviceEnv);
    expect(again.code).toBe(0);
    const issued = JSON.parse(again.out);
    expect(issued).toMatchObject({ revoked: 2, created: false, user: { id: me.body.userId } });
    await svc.http().get('/api/v1/me').set(bearer(issued.token)).expect(200);
    await svc.http().get('/api/v1/me').set(bearer(reset.out)).expect(401);
    await svc.http().get('/api/v1/me').set(bearer(svc.adminToken)).expect(401);

    const audit = await svc.http().get('/api/v1/audit/entries?limit=5').set(bearer(issued.token)).expect(200);
    expect(audit.body.items.map((e: { action: string; actorId: string }) => [e.action, e.actorId])).toContainEqual([
      'token.issued',
      'system:admin-cli',
    ]);
    expect(audit.body.items.every((e: { verification: { ok: boolean } }) => e.verification.ok)).toBe(true);
  });
});
