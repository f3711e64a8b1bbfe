import { createSecretKey, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditWitness } from '../../../src/audit/audit-witness';
import { headMac } from '../../../src/audit/hash-chain';

describe('AuditWitness (the audit head kept outside the database)', () => {
  const key = createSecretKey(randomBytes(32));
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lianfang-witness-'));
    path = join(dir, 'keys', 'audit.witness');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const hash = (n: number) => n.toString(16).padStart(64, '0');

  it('is absent until a head is recorded, then holds the highest one, written once per turn, mode 0600', async () => {
    const w = new AuditWitness(path, key);
    expect(w.read()).toEqual({ kind: 'absent' });
    w.record({ seq: 3, hash: hash(3) });
    w.record({ seq: 5, hash: hash(5) });
    w.record({ seq: 4, hash: hash(4) });
    await new Promise((r) => setImmediate(r));
    expect(w.read()).toEqual({ kind: 'valid', seq: 5, hash: hash(5) });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('never moves the file backwards, even when another process wrote a higher head', () => {
    new AuditWitness(path, key).record({ seq: 9, hash: hash(9) });
    const a = new AuditWitness(path, key);
    a.record({ seq: 9, hash: hash(9) });
    a.flush();
    const b = new AuditWitness(path, key);
    b.record({ seq: 7, hash: hash(7) });
    b.flush();
    expect(a.read()).toMatchObject({ kind: 'valid', seq: 9 });
  });

  it('refuses a file edited without the key, and the head row MAC as a witness MAC', () => {
    const w = new AuditWitness(path, key);
    w.record({ seq: 2, hash: hash(2) });
    w.flush();
    const stored = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...stored, seq: 20 }));
    expect(w.read()).toMatchObject({ kind: 'invalid' });
    // The keyed head row's MAC over the same seq and hash is not a valid witness (domain separation).
    writeFileSync(path, JSON.stringify({ seq: 2, hash: hash(2), mac: headMac(key, 2, hash(2)) }));
    expect(w.read()).toMatchObject({ kind: 'invalid' });
    writeFileSync(path, 'not json');
    expect(w.read()).toEqual({ kind: 'invalid', problem: 'not JSON' });
  });
});
