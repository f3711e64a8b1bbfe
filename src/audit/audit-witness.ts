import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { headMac, macMatches } from './hash-chain';

export interface WitnessedHead {
  seq: number;
  hash: string;
}

export type WitnessState =
  { kind: 'absent' } | { kind: 'invalid'; problem: string } | ({ kind: 'valid' } & WitnessedHead);

/**
 * A record of the highest audit entry this process has ever committed, kept outside the database
 * beside the audit key (VAR_DIR/keys/audit.witness, or AUDIT_WITNESS_FILE). The database alone cannot
 * tell an emptied or truncated trail from a young one: whoever deletes the tail can also write back an
 * older head row. The witness only ever grows, so a chain whose head is behind it, or whose entry at
 * the witnessed sequence has another hash, was rolled back. It carries the head MAC, so it cannot be
 * edited without the audit key either.
 *
 * Written after commit, at most once per event-loop turn (the newest committed entry wins), to a
 * temporary file renamed into place. A crash can lose the last few updates; that leaves the witness
 * behind the chain, which verification accepts (it proves a floor, not the exact head).
 */
export class AuditWitness {
  private highest: WitnessedHead | null = null;
  private scheduled = false;

  constructor(
    readonly path: string,
    private readonly key: KeyObject,
  ) {}

  read(): WitnessState {
    if (!existsSync(this.path)) return { kind: 'absent' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch {
      return { kind: 'invalid', problem: 'not JSON' };
    }
    const w = parsed as { seq?: unknown; hash?: unknown; mac?: unknown };
    if (
      typeof w.seq !== 'number' ||
      !Number.isSafeInteger(w.seq) ||
      w.seq < 1 ||
      typeof w.hash !== 'string' ||
      typeof w.mac !== 'string'
    ) {
      return { kind: 'invalid', problem: 'missing or malformed seq, hash or mac' };
    }
    if (!macMatches(this.key, w.seq, witnessed(w.hash), w.mac))
      return { kind: 'invalid', problem: 'its MAC does not match the audit key' };
    return { kind: 'valid', seq: w.seq, hash: w.hash };
  }

  /** Remembers a committed entry and writes it out once the current turn of the event loop is done. */
  record(head: WitnessedHead): void {
    if (this.highest && this.highest.seq >= head.seq) return;
    this.highest = head;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Writes the highest head seen, never moving the file's witness backwards (several processes may share it). */
  flush(): void {
    const head = this.highest;
    if (!head) return;
    const onDisk = this.read();
    if (onDisk.kind === 'valid' && onDisk.seq >= head.seq) return;
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(
      tmp,
      `${JSON.stringify({ seq: head.seq, hash: head.hash, mac: headMac(this.key, head.seq, witnessed(head.hash)) })}\n`,
      { mode: 0o600 },
    );
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
  }
}

/** Domain separation: the head row's MAC must not double as a witness MAC (or the other way round). */
const witnessed = (hash: string): string => `witness:${hash}`;
