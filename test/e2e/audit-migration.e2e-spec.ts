import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AuditService } from '../../src/audit';
import { legacyWitnessMac } from '../../src/audit/audit-witness';
import { entryHash, GENESIS_HASH, headMac } from '../../src/audit/hash-chain';
import { ServiceHandle, startService } from '../../src/bootstrap';
import { canonicalJson } from '../../src/common';
import { TransactionRunner } from '../../src/database';
import { migrationsFor, MIGRATIONS } from '../../src/database/migrations';
import { SecretBox } from '../../src/common';
import { bearer, resetPostgres, serviceHttp } from '../support/harness';
import { openStorage } from '../support/storage';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * An audit trail written by the code before chains per organisation (one global chain, one keyed head,
 * the witness file naming the global head) is migrated by 1764300000000 and still verifies, old
 * entries and new alike; each organisation's chain goes on from its old entries. The old layout is
 * built here with the migrations as they stood and entries hashed exactly as that code hashed them.
 */
describe('audit trail written before chains per organisation (real app, real database)', () => {
  jest.setTimeout(90_000);
  const key = randomBytes(32);
  const orgA = randomUUID();
  const orgB = randomUUID();
  let dir: string;
  let handle: ServiceHandle;
  const adminToken = `test-admin-${randomBytes(16).toString('hex')}`;
  const databaseUrl = () => process.env.TEST_DATABASE_URL ?? `sqlite:${join(dir, 'db.sqlite')}`;
  const http = () => serviceHttp(handle);
  const verify = async () => (await http().get('/api/v1/audit/verify').set(bearer(adminToken)).expect(200)).body;
  /** The old entries: [seq, org] in the order the old code wrote them (one global chain). */
  const OLD: Array<string | null> = [orgA, orgB, orgA, null, orgB, orgA, orgA, orgB];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lianfang-audit-migration-'));
    const url = databaseUrl();
    // Each migration's class name ends with its timestamp; later ones may need what 1764300000000 adds.
    const before = (m: { name: string }) => Number(/(\d{13})$/.exec(m.name)?.[1]) < 1764300000000;
    const old = MIGRATIONS.filter(before);
    const box = new SecretBox(randomBytes(32));
    if (!url.startsWith('sqlite:')) await resetPostgres(url);
    // The migrations as the old code ran them (everything before 1764300000000).
    const migrations = migrationsFor(() => box).filter((m) =>
      old.some((o) => m === o || Object.getPrototypeOf(m) === o),
    );
    const ds = new DataSource(
      url.startsWith('sqlite:')
        ? { type: 'better-sqlite3', database: url.slice('sqlite:'.length), migrations }
        : { type: 'postgres', url, migrations },
    );
    await ds.initialize();
    await ds.runMigrations();
    // The old append: seq = last + 1, the previous hash, the hash over the canonical fields with the seq,
    // and the keyed head row (id 1) over "seq:hash".
    let prev = GENESIS_HASH;
    for (let i = 0; i < OLD.length; i++) {
      const seq = i + 1;
      const payload = canonicalJson({ n: seq, note: 'written by the old code' });
      const fields = {
        seq,
        at: new Date(Date.UTC(2026, 10, 1, 0, 0, seq)).toISOString(),
        actorId: OLD[i] ? `user-${i}` : 'system:bootstrap',
        actorRole: OLD[i] ? 'admin' : 'system',
        orgId: OLD[i],
        incidentId: null,
        action: 'old.entry',
        payloadDigest: sha256(payload),
        prevHash: prev,
      };
      const hash = entryHash(fields);
      await ds.query(
        ds.options.type === 'postgres'
          ? 'INSERT INTO audit_entry (seq, at, actor_id, actor_role, org_id, incident_id, action, payload, ' +
              'payload_digest, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)'
          : 'INSERT INTO audit_entry (seq, at, actor_id, actor_role, org_id, incident_id, action, payload, ' +
              'payload_digest, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          seq,
          fields.at,
          fields.actorId,
          fields.actorRole,
          fields.orgId,
          null,
          fields.action,
          payload,
          fields.payloadDigest,
          prev,
          hash,
        ],
      );
      prev = hash;
    }
    const last = OLD.length;
    await ds.query(
      ds.options.type === 'postgres'
        ? 'INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, $1, $2, $3)'
        : 'INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, ?, ?, ?)',
      [last, prev, headMac(key, last, prev)],
    );
    await ds.destroy();
    // The witness file as the old code wrote it: the global head, under its MAC.
    mkdirSync(join(dir, 'var', 'keys'), { recursive: true, mode: 0o700 });
    writeFileSync(
      join(dir, 'var', 'keys', 'audit.witness'),
      JSON.stringify({ seq: last, hash: prev, mac: legacyWitnessMac(key, last, prev) }),
      { mode: 0o600 },
    );

    handle = await startService({
      env: {
        DATABASE_URL: url,
        VAR_DIR: join(dir, 'var'),
        AUDIT_KEY: key.toString('base64'),
        BOOTSTRAP_ADMIN_TOKEN: adminToken,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        AUDIT_CHECKPOINT_SECONDS: '3600',
      },
      api: true,
      workers: false,
      listen: false,
      processName: 'test',
    });
  });

  afterAll(async () => {
    await handle?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('verifies after the migration: the old global chain, its keyed head and the old witness', async () => {
    const v = await verify();
    expect(v).toMatchObject({ ok: true, witness: { state: 'valid', ok: true } });
    // The old entries and the bootstrap admin's new ones.
    expect(v.entries).toBeGreaterThan(OLD.length);
    const db = await openStorage(join(dir, 'db.sqlite'), { readonly: true });
    try {
      const rows = await db.all<{ seq: number; chain: string; chain_seq: number; hash_version: number }>(
        'SELECT seq, chain, chain_seq, hash_version FROM audit_entry_named WHERE seq <= ? ORDER BY seq',
        [OLD.length],
      );
      expect(rows.map((r) => [Number(r.seq), r.chain, Number(r.chain_seq), Number(r.hash_version)])).toEqual([
        [1, orgA, 1, 1],
        [2, orgB, 1, 1],
        [3, orgA, 2, 1],
        [4, 'system', 1, 1],
        [5, orgB, 2, 1],
        [6, orgA, 3, 1],
        [7, orgA, 4, 1],
        [8, orgB, 3, 1],
      ]);
    } finally {
      await db.close();
    }
  });

  it("an organisation's chain goes on from its old entries, and everything still verifies", async () => {
    const audit = handle.app.get(AuditService);
    const tx = handle.app.get(TransactionRunner);
    const appended = await tx.run(async (em) => [
      await audit.append(em, { actor: { system: 'test', orgId: orgA }, action: 'new.entry', payload: { n: 1 } }),
      await audit.append(em, { actor: { system: 'test', orgId: orgB }, action: 'new.entry', payload: { n: 2 } }),
      await audit.append(em, { actor: { system: 'test', orgId: orgA }, action: 'new.entry', payload: { n: 3 } }),
    ]);
    expect(appended.map((e) => [e.chain, e.chainSeq])).toEqual([
      [orgA, 5],
      [orgB, 4],
      [orgA, 6],
    ]);
    expect(appended.every((e) => e.seq > OLD.length)).toBe(true);
    const db = await openStorage(join(dir, 'db.sqlite'), { readonly: true });
    try {
      const lastOldOfA = await db.get<{ hash: string }>('SELECT hash FROM audit_entry_named WHERE seq = 7');
      expect(appended[0]!.prevHash).toBe(lastOldOfA!.hash);
    } finally {
      await db.close();
    }
    expect(await verify()).toMatchObject({ ok: true });
    for (const org of [orgA, orgB]) {
      const chain = await http().get(`/api/v1/audit/organisations/${org}/verify`).set(bearer(adminToken)).expect(200);
      expect(chain.body).toMatchObject({ ok: true, chain: org });
    }
    const a = await http().get(`/api/v1/audit/organisations/${orgA}/verify`).set(bearer(adminToken)).expect(200);
    expect(a.body).toMatchObject({ entries: 6, headChainSeq: 6 });
  });

  it('an old entry edited, or the old chain cut, still shows', async () => {
    const db = await openStorage(join(dir, 'db.sqlite'));
    try {
      const row = (await db.get('SELECT payload FROM audit_entry WHERE seq = 3')) as { payload: string };
      await db.run('UPDATE audit_entry SET payload = ? WHERE seq = 3', [row.payload.replace('old', 'new')]);
      expect(await verify()).toMatchObject({
        ok: false,
        firstBroken: { seq: 3, chain: 'global', reason: 'payload-digest-mismatch' },
      });
      const a = await http().get(`/api/v1/audit/organisations/${orgA}/verify`).set(bearer(adminToken)).expect(200);
      expect(a.body).toMatchObject({
        ok: false,
        firstBroken: { seq: 3, chainSeq: 2, reason: 'payload-digest-mismatch' },
      });
      await db.run('UPDATE audit_entry SET payload = ? WHERE seq = 3', [row.payload]);

      // The newest old entry removed: the frozen keyed head of the old chain no longer names the end.
      const last = (await db.get('SELECT * FROM audit_entry WHERE seq = ?', [OLD.length])) as Record<string, unknown>;
      await db.run('DELETE FROM audit_entry WHERE seq = ?', [OLD.length]);
      expect(await verify()).toMatchObject({ ok: false, firstBroken: { chain: 'global', reason: 'head-mismatch' } });
      await db.insert('audit_entry', [last]);
      expect((await verify()).ok).toBe(true);
    } finally {
      await db.close();
    }
  });
});
