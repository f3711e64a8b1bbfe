import { createSecretKey, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditWitness, legacyWitnessMac, WITNESS_WRITE_SPACING_MS } from '../../../src/audit/audit-witness';
import { headMac } from '../../../src/audit/hash-chain';
import { waitFor } from '../../support/wait';

describe('AuditWitness (the chain heads kept outside the database)', () => {
  const key = createSecretKey(randomBytes(32));
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lianfang-witness-'));
    path = join(dir, 'keys', 'audit.witness');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const hash = (n: number) => n.toString(16).padStart(64, '0');

  it('is absent until a head is recorded, then holds the highest per chain, written once a turn, 0600', async () => {
    const w = new AuditWitness(path, key);
    expect(w.read()).toEqual({ kind: 'absent' });
    w.record('a', { seq: 3, hash: hash(3) });
    w.record('a', { seq: 5, hash: hash(5) });
    w.record('a', { seq: 4, hash: hash(4) });
    w.record('b', { seq: 1, hash: hash(1) });
    await new Promise((r) => setImmediate(r));
    expect(w.read()).toEqual({
      kind: 'valid',
      checkpoint: null,
      legacy: null,
      heads: { a: { seq: 5, hash: hash(5) }, b: { seq: 1, hash: hash(1) } },
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('never moves a head backwards, even when another process wrote a higher one', () => {
    const a = new AuditWitness(path, key);
    a.record('x', { seq: 9, hash: hash(9) });
    a.flush();
    const b = new AuditWitness(path, key);
    b.record('x', { seq: 7, hash: hash(7) });
    b.record('y', { seq: 2, hash: hash(2) });
    b.flush();
    expect(a.read()).toMatchObject({ kind: 'valid', heads: { x: { seq: 9 }, y: { seq: 2 } } });
  });

  it('keeps the newest checkpoint and drops the heads it covers', () => {
    const w = new AuditWitness(path, key);
    w.record('x', { seq: 4, hash: hash(4) });
    w.record('y', { seq: 8, hash: hash(8) });
    w.flush();
    w.checkpointed({ id: 3, hash: hash(33) }, [
      ['x', 4, hash(4)],
      ['y', 6, hash(6)],
    ]);
    w.flush();
    expect(w.read()).toEqual({
      kind: 'valid',
      checkpoint: { id: 3, hash: hash(33) },
      legacy: null,
      heads: { y: { seq: 8, hash: hash(8) } },
    });
    // An older checkpoint seen later does not replace it.
    w.checkpointed({ id: 2, hash: hash(22) }, []);
    w.flush();
    expect(w.read()).toMatchObject({ checkpoint: { id: 3 } });
  });

  it('reads a witness of the one global chain as its head, and carries it on', () => {
    mkdirSync(join(dir, 'keys'));
    writeFileSync(path, JSON.stringify({ seq: 12, hash: hash(12), mac: legacyWitnessMac(key, 12, hash(12)) }));
    const w = new AuditWitness(path, key);
    expect(w.read()).toEqual({ kind: 'valid', checkpoint: null, heads: {}, legacy: { seq: 12, hash: hash(12) } });
    w.record('a', { seq: 1, hash: hash(1) });
    w.flush();
    expect(w.read()).toMatchObject({ legacy: { seq: 12, hash: hash(12) }, heads: { a: { seq: 1 } } });
  });

  it('refuses a file edited without the key, and the head row MAC as a witness MAC', () => {
    const w = new AuditWitness(path, key);
    w.record('a', { seq: 2, hash: hash(2) });
    w.flush();
    const stored = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...stored, heads: { a: { seq: 20, hash: hash(2) } } }));
    expect(w.read()).toMatchObject({ kind: 'invalid' });
    // The keyed head row's MAC over the same seq and hash is not a valid witness (domain separation).
    writeFileSync(path, JSON.stringify({ seq: 2, hash: hash(2), mac: headMac(key, 2, hash(2)) }));
    expect(w.read()).toMatchObject({ kind: 'invalid' });
    writeFileSync(path, 'not json');
    expect(w.read()).toEqual({ kind: 'invalid', problem: 'not JSON' });
  });
  it('spaces its writes while heads keep coming, and a flush writes what is pending at once', async () => {
    const w = new AuditWitness(path, key);
    const head = (n: number) => ({ seq: n, hash: hash(n) });
    const seqOfA = () => {
      const r = w.read();
      return r.kind === 'valid' ? r.heads.a?.seq : undefined;
    };
    const start = Date.now();
    w.record('a', head(1));
    await new Promise((r) => setImmediate(r));
    expect(seqOfA()).toBe(1);
    // A head right after a write waits for the spacing, then is written without another record.
    w.record('a', head(2));
    await new Promise((r) => setImmediate(r));
    expect(seqOfA()).toBe(1);
    await waitFor('the spaced write', () => Promise.resolve(seqOfA() === 2), 5_000, 10);
    // The first write came after `start`, the second no sooner than the spacing after the first.
    expect(Date.now() - start).toBeGreaterThanOrEqual(WITNESS_WRITE_SPACING_MS);
    // flush() (the shutdown) does not wait for the spacing, and cancels the scheduled write.
    w.record('a', head(3));
    w.flush();
    expect(seqOfA()).toBe(3);
  });
});
