import { createHash } from 'node:crypto';
import { AuditService } from '../../src/audit';
import { chainedHashV3, entryHash } from '../../src/audit/hash-chain';
import { TransactionRunner } from '../../src/database';
import { bearer, createOrg, startTestService, type TestService } from '../support/harness';
import { openStorage, type Storage } from '../support/storage';
import { waitFor } from '../support/wait';

type Row = Record<string, unknown>;

/**
 * Verification of a chain many pages long (it reads keyset pages in one snapshot, checks each
 * payload against its digest from the stored text and writes the hashed fields out directly): an
 * entry edited in the middle, a chain rolled back to an earlier keyed head, and entries placed where
 * no walk reads them all still show. Real app, real database (SQLite, or Postgres with
 * TEST_DATABASE_URL), tampered with directly as an attacker with the database and not the key would.
 */
describe('audit verification over a long chain (real app, real database)', () => {
  jest.setTimeout(120_000);
  let svc: TestService;
  let orgId: string;
  /** The head row as it stood after three batches: an attacker's copy, with its valid MAC. */
  let savedHead: Row;
  const BATCHES = 6;
  const PER_BATCH = 1000;

  const verify = async () =>
    (await svc.http().get('/api/v1/audit/verify').set(bearer(svc.adminToken)).expect(200)).body;
  const verifyOrg = async () =>
    (await svc.http().get(`/api/v1/audit/organisations/${orgId}/verify`).set(bearer(svc.adminToken)).expect(200)).body;
  const audit = () => svc.app.get(AuditService);

  beforeAll(async () => {
    svc = await startTestService({ workers: false, env: { AUDIT_CHECKPOINT_SECONDS: '3600' } });
    orgId = (await createOrg(svc, { name: 'Op', kind: 'operator', sector: 'energy', operatorKind: 'cii' }, ['admin']))
      .orgId;
    const tx = svc.app.get(TransactionRunner);
    for (let b = 0; b < BATCHES; b++) {
      await tx.run(async (em) => {
        for (let i = 0; i < PER_BATCH; i++)
          await audit().append(em, {
            actor: { system: 'test', orgId },
            action: 'test.entry',
            payload: { batch: b, i, note: `条目 ${b}-${i}`, nested: { z: [1, 'x'], a: null } },
          });
      });
      if (b === 2) {
        const db = await openStorage(svc.sqlitePath, { readonly: true });
        savedHead = (await db.get('SELECT * FROM audit_chain WHERE chain = ?', [orgId]))!;
        await db.close();
      }
      // A checkpoint after four batches: it names the head a rollback to the saved one goes behind.
      if (b === 3) expect(await audit().checkpoint()).toMatchObject({ heads: expect.any(Number) });
    }
  });

  afterAll(async () => {
    await svc?.close();
  });

  /** Runs `tamper` on the database, then puts the organisation's entries and head back as they were. */
  async function tampered(tamper: (db: Storage, own: Row[]) => Promise<void>): Promise<void> {
    const db = await openStorage(svc.sqlitePath);
    const own = await db.all(
      'SELECT * FROM audit_entry WHERE chain_ref = (SELECT id FROM audit_name WHERE name = ?) ORDER BY chain_seq',
      [orgId],
    );
    const head = await db.all('SELECT * FROM audit_chain');
    try {
      await tamper(db, own);
    } finally {
      await db.run('DELETE FROM audit_entry WHERE chain_ref IN (SELECT id FROM audit_name WHERE name IN (?, ?))', [
        orgId,
        'forged',
      ]);
      await db.insert('audit_entry', own);
      await db.run('DELETE FROM audit_chain');
      await db.insert('audit_chain', head);
      await db.close();
    }
    expect((await verify()).ok).toBe(true);
  }

  it('verifies the whole chain, many pages long, whole deployment and the organisation alone', async () => {
    const v = await waitFor('the witness to follow the last commit', async () => {
      const r = await verify();
      return r.ok ? r : null;
    });
    expect(v.entries).toBeGreaterThan(BATCHES * PER_BATCH);
    const org = await verifyOrg();
    expect(org).toMatchObject({ ok: true, checkpoint: { ok: true } });
    expect(org.entries).toBeGreaterThan(BATCHES * PER_BATCH);
    expect(org.headChainSeq).toBe(org.entries);
  });

  it('names an entry edited in the middle, and the next entry when the edit was re-hashed', async () => {
    await tampered(async (db, own) => {
      const middle = own[Math.floor(own.length / 2)]!;
      const chainSeq = Number(middle.chain_seq);
      const payload = String(middle.payload).replace('条目', '篡改');
      await db.run('UPDATE audit_entry SET payload = ? WHERE seq = ?', [payload, middle.seq]);
      // Hash version 3 stores no payload digest: its hash covers the payload's, so the hash no longer matches.
      expect(Number(middle.hash_version)).toBe(3);
      const broken = { reason: 'hash-mismatch', chain: orgId, chainSeq, seq: Number(middle.seq) };
      expect(await verify()).toMatchObject({ ok: false, firstBroken: broken });
      expect(await verifyOrg()).toMatchObject({ ok: false, firstBroken: broken });

      // The same edit with its hash recomputed (no key needed): the next entry, which hashed the old one, breaks.
      const before = own.find((e) => Number(e.chain_seq) === chainSeq - 1)!;
      // The stored row numbers its names (audit_name); the hash covers the names themselves.
      const named = (await db.get('SELECT * FROM audit_entry_named WHERE seq = ?', [middle.seq]))!;
      const rehashed = chainedHashV3(
        {
          chain: orgId,
          chainSeq,
          at: String(middle.at),
          actorId: String(named.actor_id),
          actorRole: (middle.actor_role as string | null) ?? null,
          incidentId: (named.incident_id as string | null) ?? null,
          action: String(named.action),
          payload,
        },
        Buffer.from(before.hash as Uint8Array).toString('hex'),
      );
      // The row stores the hash's 32 bytes.
      await db.run('UPDATE audit_entry SET hash = ? WHERE seq = ?', [Buffer.from(rehashed, 'hex'), middle.seq]);
      const next = { reason: 'hash-mismatch', chain: orgId, chainSeq: chainSeq + 1 };
      expect(await verify()).toMatchObject({ ok: false, firstBroken: next });
      expect(await verifyOrg()).toMatchObject({ ok: false, firstBroken: next });
    });
  });

  it('shows a name changed under the entries that use it, and an entry whose chain number names nothing', async () => {
    await tampered(async (db, own) => {
      // Entries store their names as numbers (audit_name); the hashes cover the names themselves.
      const first = (await db.get<{ chain_seq: number | string; seq: number | string }>(
        'SELECT chain_seq, seq FROM audit_entry_named WHERE chain = ? AND action = ? ORDER BY chain_seq LIMIT 1',
        [orgId, 'test.entry'],
      ))!;
      await db.run("UPDATE audit_name SET name = 'test.entrx' WHERE name = 'test.entry'");
      try {
        const broken = {
          reason: 'hash-mismatch',
          chain: orgId,
          chainSeq: Number(first.chain_seq),
          seq: Number(first.seq),
        };
        expect(await verify()).toMatchObject({ ok: false, firstBroken: broken });
        expect(await verifyOrg()).toMatchObject({ ok: false, firstBroken: broken });
      } finally {
        await db.run("UPDATE audit_name SET name = 'test.entry' WHERE name = 'test.entrx'");
      }
      expect((await verify()).ok).toBe(true);

      // A copy of an entry under a chain number no name has: no chain's walk reads it.
      const [maxRow] = await db.all<{ m: number | string }>('SELECT MAX(seq) AS m FROM audit_entry');
      const [maxName] = await db.all<{ r: number | string }>('SELECT MAX(id) AS r FROM audit_name');
      const seq = Number(maxRow!.m) + 1;
      await db.insert('audit_entry', [{ ...own[10]!, seq, chain_ref: Number(maxName!.r) + 1000 }]);
      try {
        expect(await verify()).toMatchObject({ ok: false, firstBroken: { reason: 'unchained-entries' } });
      } finally {
        await db.run('DELETE FROM audit_entry WHERE seq = ?', [seq]);
      }
    });
  });

  it('shows the chain rolled back to an earlier keyed head (valid MAC) behind the checkpoint', async () => {
    await tampered(async (db) => {
      const cutAt = Number(savedHead.seq);
      await db.run(
        'DELETE FROM audit_entry WHERE chain_ref = (SELECT id FROM audit_name WHERE name = ?) AND chain_seq > ?',
        [orgId, cutAt],
      );
      await db.run('UPDATE audit_chain SET seq = ?, hash = ?, mac = ? WHERE chain = ?', [
        cutAt,
        savedHead.hash,
        savedHead.mac,
        orgId,
      ]);
      // The chain itself is consistent up to the restored head; the checkpoint names a later one.
      expect(await verify()).toMatchObject({ ok: false, firstBroken: { reason: 'checkpoint-mismatch', chain: orgId } });
      expect(await verifyOrg()).toMatchObject({
        ok: false,
        entries: cutAt,
        checkpoint: { ok: false },
        firstBroken: { reason: 'checkpoint-mismatch' },
      });
    });
  });

  it('shows entries put where no walk of a chain reads', async () => {
    await tampered(async (db, own) => {
      const [maxRow] = await db.all<{ m: number }>('SELECT MAX(seq) AS m FROM audit_entry');
      let seq = Number(maxRow!.m);
      // Before the chain's first place.
      await db.insert('audit_entry', [{ ...own[10]!, seq: ++seq, chain_seq: 0 }]);
      expect(await verify()).toMatchObject({
        ok: false,
        firstBroken: { reason: 'seq-gap', chain: orgId, chainSeq: 0 },
      });
      expect(await verifyOrg()).toMatchObject({ ok: false, firstBroken: { reason: 'seq-gap', chainSeq: 0 } });
      await db.run('DELETE FROM audit_entry WHERE seq = ?', [seq]);

      // A chain of its own whose one entry claims to be of the old global chain (its version-1 hash
      // needs no key, and a head still at a version-1 entry carries no MAC): the old chain does not hold it.
      const forged = {
        seq: ++seq,
        at: new Date().toISOString(),
        actorId: 'someone',
        actorRole: 'admin',
        orgId: 'forged',
        incidentId: null,
        action: 'test.forged',
        payloadDigest: createHash('sha256').update('{}').digest('hex'),
        prevHash: '0'.repeat(64),
      };
      const hash = entryHash(forged);
      // The names the forged row uses, numbered as the service numbers them.
      for (const name of ['forged', forged.actorId, forged.action])
        await db.run('INSERT INTO audit_name (name) VALUES (?) ON CONFLICT (name) DO NOTHING', [name]);
      const ref = async (name: string) =>
        Number((await db.get<{ id: number | string }>('SELECT id FROM audit_name WHERE name = ?', [name]))!.id);
      await db.insert('audit_entry', [
        {
          ...own[0]!,
          seq,
          chain_ref: await ref('forged'),
          chain_seq: 1,
          hash_version: 1,
          at: forged.at,
          actor_ref: await ref(forged.actorId),
          actor_role: forged.actorRole,
          org_id: 'forged',
          incident_ref: null,
          action_ref: await ref(forged.action),
          payload: '{}',
          payload_digest: forged.payloadDigest,
          prev_hash: forged.prevHash,
          hash: Buffer.from(hash, 'hex'),
        },
      ]);
      await db.insert('audit_chain', [{ chain: 'forged', seq: 1, hash, mac: '', updated_at: forged.at }]);
      expect(await verify()).toMatchObject({ ok: false, firstBroken: { reason: 'unchained-entries' } });
    });
  });
  it('numbers a name again after the transaction that first numbered it rolled back', async () => {
    const tx = svc.app.get(TransactionRunner);
    const append = (em: Parameters<AuditService['append']>[0], action: string) =>
      audit().append(em, { actor: { system: 'test', orgId }, action, payload: { action } });
    const rolledBack = `test.rolled-back-${Date.now()}`;
    // Fails after the audit trail linked (and numbered) its entry, just before COMMIT.
    await expect(
      tx.run(async (em) => {
        await append(em, rolledBack);
        tx.beforeCommit(em, () => Promise.reject(new Error('rolled back after linking')));
      }),
    ).rejects.toThrow('rolled back after linking');
    // Another name takes the number the rolled-back one had; then the first name is used for real.
    await tx.run((em) => append(em, `${rolledBack}-other`));
    const entry = await tx.run((em) => append(em, rolledBack));
    const db = await openStorage(svc.sqlitePath, { readonly: true });
    try {
      const row = await db.get<{ action: string }>('SELECT action FROM audit_entry_named WHERE seq = ?', [entry.seq]);
      expect(row?.action).toBe(rolledBack);
      const named = await db.all<{ name: string }>('SELECT name FROM audit_name WHERE name LIKE ? ORDER BY name', [
        `${rolledBack}%`,
      ]);
      expect(named.map((n) => n.name)).toEqual([rolledBack, `${rolledBack}-other`]);
    } finally {
      await db.close();
    }
    expect((await verify()).ok).toBe(true);
  });
});
