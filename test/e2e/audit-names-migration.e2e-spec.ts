import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { SecretBox } from '../../src/common';
import { migrationsFor } from '../../src/database/migrations';
import { resetPostgres } from '../support/harness';

/**
 * Migration 1765700000000 (audit names numbered, hash as bytes) on a real database, SQLite or Postgres
 * (TEST_DATABASE_URL): every entry keeps its names and its hash through the rebuild; a stored hash that
 * is not hexadecimal (an edited row) becomes no bytes instead of failing the upgrade; `down()` gives
 * the text columns back as they were. The service's own view of a migrated trail is covered by
 * audit-migration and audit-long-chain; this suite looks at the rows.
 */
describe('migration 1765700000000: audit names numbered, hash as bytes (real database)', () => {
  jest.setTimeout(60_000);
  let dir: string;
  let ds: DataSource;
  const org = randomUUID();
  const incident = randomUUID();
  const hex = () => randomBytes(32).toString('hex');
  const ENTRIES = [
    {
      seq: 1,
      chain: 'system',
      chain_seq: 1,
      actor_id: 'system:bootstrap',
      incident_id: null,
      action: 'a.one',
      hash: hex(),
    },
    { seq: 2, chain: org, chain_seq: 1, actor_id: 'user-1', incident_id: incident, action: 'a.two', hash: hex() },
    // Edited by hand: not a hash any more.
    { seq: 3, chain: org, chain_seq: 2, actor_id: 'user-1', incident_id: incident, action: 'a.two', hash: 'edited!' },
    {
      seq: 4,
      chain: org,
      chain_seq: 3,
      actor_id: 'user-2',
      incident_id: null,
      action: 'a.one',
      hash: hex().toUpperCase(),
    },
  ];
  /** What the rows hold after the migration: the hash in lower case, the edited one as no bytes. */
  const EXPECTED = ENTRIES.map((e) => ({ ...e, hash: e.hash === 'edited!' ? '' : e.hash.toLowerCase() }));
  const COLUMNS = 'seq, chain, chain_seq, actor_id, incident_id, action, hash';
  /** The rows of `table` as ENTRIES writes them (Postgres returns integers it computes as text). */
  const entriesIn = async (table: string): Promise<Array<Record<string, unknown>>> =>
    ((await ds.query(`SELECT ${COLUMNS} FROM ${table} ORDER BY seq`)) as Array<Record<string, unknown>>).map((r) => ({
      ...r,
      seq: Number(r.seq),
      chain_seq: Number(r.chain_seq),
    }));
  const stamp = (m: { name: string }) => Number(/(\d{13})$/.exec(m.name)?.[1]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lianfang-audit-names-'));
    const url = process.env.TEST_DATABASE_URL ?? `sqlite:${join(dir, 'db.sqlite')}`;
    const box = new SecretBox(randomBytes(32));
    const all = migrationsFor(() => box);
    const open = (migrations: ReturnType<typeof migrationsFor>) =>
      new DataSource(
        url.startsWith('sqlite:')
          ? { type: 'better-sqlite3', database: url.slice('sqlite:'.length), migrations }
          : { type: 'postgres', url, migrations },
      );
    if (!url.startsWith('sqlite:')) await resetPostgres(url);
    const before = open(all.filter((m) => stamp(m) < 1765700000000));
    await before.initialize();
    await before.runMigrations();
    const p = (n: number) => (before.options.type === 'postgres' ? `$${n}` : '?');
    for (const e of ENTRIES)
      await before.query(
        'INSERT INTO audit_entry (seq, at, actor_id, actor_role, org_id, incident_id, action, payload, ' +
          'payload_digest, prev_hash, hash, chain, chain_seq, hash_version) ' +
          `VALUES (${[...Array(14).keys()].map((i) => p(i + 1)).join(', ')})`,
        [
          e.seq,
          '2026-11-01T00:00:00.000Z',
          e.actor_id,
          'admin',
          e.chain === 'system' ? null : e.chain,
          e.incident_id,
          e.action,
          '{}',
          hex(),
          hex(),
          e.hash,
          e.chain,
          e.chain_seq,
          2,
        ],
      );
    await before.destroy();
    ds = open(all);
    await ds.initialize();
    await ds.runMigrations();
  });

  afterAll(async () => {
    await ds?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every name and hash; a non-hexadecimal hash becomes no bytes', async () => {
    expect(await entriesIn('audit_entry_named')).toEqual(EXPECTED);
    // Each name once, the entries holding its number.
    const counted: Array<{ n: number | string }> = await ds.query('SELECT COUNT(*) AS n FROM audit_name');
    expect(Number(counted[0]!.n)).toBe(
      new Set(ENTRIES.flatMap((e) => [e.chain, e.actor_id, e.incident_id, e.action]).filter(Boolean)).size,
    );
    const sizes: Array<{ n: number | string }> = await ds.query(
      `SELECT ${ds.options.type === 'postgres' ? 'octet_length' : 'length'}(hash) AS n FROM audit_entry ORDER BY seq`,
    );
    expect(sizes.map((s) => Number(s.n))).toEqual([32, 32, 0, 32]);
  });

  it('down() gives the names and hashes back as text', async () => {
    await ds.undoLastMigration();
    try {
      expect(await entriesIn('audit_entry')).toEqual(EXPECTED);
    } finally {
      // Up again, so the suite leaves the schema the code expects.
      await ds.runMigrations();
    }
    expect((await entriesIn('audit_entry_named')).map((r) => r.hash)).toEqual(EXPECTED.map((e) => e.hash));
  });
});
