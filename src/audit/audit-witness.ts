import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../common';
import { headMac, macMatches } from './hash-chain';

export interface WitnessedHead {
  seq: number;
  hash: string;
}

/** What the witness file holds: the newest checkpoint seen, chain heads committed since, the old global head. */
export interface WitnessContent {
  checkpoint: { id: number; hash: string } | null;
  /** Chain → its newest head this deployment committed (that no checkpoint seen here covers yet). */
  heads: Record<string, WitnessedHead>;
  /** The head of the old global chain (hash version 1), from a witness file written before chains existed. */
  legacy: WitnessedHead | null;
}

export type WitnessState =
  { kind: 'absent' } | { kind: 'invalid'; problem: string } | ({ kind: 'valid' } & WitnessContent);

const EMPTY: WitnessContent = { checkpoint: null, heads: {}, legacy: null };

/** Least time between two writes of the witness file while heads keep coming. */
export const WITNESS_WRITE_SPACING_MS = 100;

/**
 * A record, outside the database, of what this deployment has committed to its audit trail, kept
 * beside the audit key (VAR_DIR/keys/audit.witness, or AUDIT_WITNESS_FILE). The database alone cannot
 * tell an emptied or rolled-back trail from a young one: whoever deletes entries can also write back
 * older head rows. The witness only ever grows: the newest signed checkpoint seen (which commits to
 * every chain head as it stood then), and the head of each chain committed since that checkpoint.
 * A chain that ends before a head the witness names, or holds another hash there, was rolled back.
 * It carries a MAC under the audit key, so it cannot be edited without the key either.
 *
 * Written after commit, to a temporary file renamed into place: in the next event-loop turn, and when
 * commits come faster, at most once every WITNESS_WRITE_SPACING_MS with every head recorded meanwhile.
 * Each write reads, checks and merges the file and renames a new one into place, synchronously: once
 * per turn, with the transactions of a Postgres deployment committing in nearly every turn, that was
 * about a seventh of an API process's CPU (npm run bench:pg). Several processes may share the file,
 * so each write merges with what is on disk and never moves a head back. A crash can lose the updates
 * of that last fraction of a second (a shutdown writes them: AuditService.onModuleDestroy); that
 * leaves the witness behind the trail, which verification accepts (it proves a floor, not the exact
 * head). Once a checkpoint covers a chain's
 * head, the head leaves the file, so the file stays about as large as the chains written to between
 * two checkpoints.
 *
 * A file written by a version with one global chain ({seq, hash, mac}) is read as the head of that
 * chain (`legacy`) and carried on.
 */
export class AuditWitness {
  private pending: WitnessContent = { checkpoint: null, heads: {}, legacy: null };
  /** Per chain, the highest head a checkpoint this process verified covers (heads at or below it can go). */
  private readonly covered = new Map<string, number>();
  /** Cancels the scheduled write, if one is scheduled. */
  private scheduled: (() => void) | undefined;
  private dirty = false;
  /** When the file was last written (ms): writes are spaced WITNESS_WRITE_SPACING_MS apart. */
  private writtenAt = 0;

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
    const w = parsed as Record<string, unknown>;
    if (w.v === 2) {
      const content = parseContent(w);
      if (!content || typeof w.mac !== 'string') return { kind: 'invalid', problem: 'malformed content or mac' };
      if (!sameHex(witnessMac(this.key, content), w.mac))
        return { kind: 'invalid', problem: 'its MAC does not match the audit key' };
      return { kind: 'valid', ...content };
    }
    // Written before chains per organisation: the head of the one global chain.
    if (
      typeof w.seq !== 'number' ||
      !Number.isSafeInteger(w.seq) ||
      w.seq < 1 ||
      typeof w.hash !== 'string' ||
      typeof w.mac !== 'string'
    ) {
      return { kind: 'invalid', problem: 'missing or malformed seq, hash or mac' };
    }
    if (!macMatches(this.key, w.seq, legacyWitnessed(w.hash), w.mac))
      return { kind: 'invalid', problem: 'its MAC does not match the audit key' };
    return { kind: 'valid', ...EMPTY, heads: {}, legacy: { seq: w.seq, hash: w.hash } };
  }

  /** Remembers a committed chain head and writes it out once the current turn of the event loop is done. */
  record(chain: string, head: WitnessedHead): void {
    const known = this.pending.heads[chain];
    if (known && known.seq >= head.seq) return;
    this.pending.heads[chain] = head;
    this.schedule();
  }

  /** Remembers a checkpoint this process verified (or wrote) with the heads it names. */
  checkpointed(checkpoint: { id: number; hash: string }, heads: Array<[string, number, string]>): void {
    for (const [chain, seq] of heads) if ((this.covered.get(chain) ?? 0) < seq) this.covered.set(chain, seq);
    if (!this.pending.checkpoint || this.pending.checkpoint.id < checkpoint.id) this.pending.checkpoint = checkpoint;
    this.schedule();
  }

  /** Remembers the head of the old global chain (first start after the upgrade). */
  recordLegacy(head: WitnessedHead): void {
    if (this.pending.legacy && this.pending.legacy.seq >= head.seq) return;
    this.pending.legacy = head;
    this.schedule();
  }

  private schedule(): void {
    this.dirty = true;
    if (this.scheduled) return;
    const run = () => {
      this.scheduled = undefined;
      this.flush();
    };
    const wait = this.writtenAt + WITNESS_WRITE_SPACING_MS - Date.now();
    if (wait > 0) {
      const t = setTimeout(run, wait);
      this.scheduled = () => clearTimeout(t);
    } else {
      const i = setImmediate(run);
      this.scheduled = () => clearImmediate(i);
    }
  }

  /** Writes what was recorded, merged with the file on disk, never moving anything in it backwards. */
  flush(): void {
    this.scheduled?.();
    this.scheduled = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    this.writtenAt = Date.now();
    const onDisk = this.read();
    const base: WitnessContent = onDisk.kind === 'valid' ? onDisk : EMPTY;
    const merged: WitnessContent = {
      checkpoint:
        !base.checkpoint || (this.pending.checkpoint && this.pending.checkpoint.id > base.checkpoint.id)
          ? this.pending.checkpoint
          : base.checkpoint,
      legacy:
        !base.legacy || (this.pending.legacy && this.pending.legacy.seq > base.legacy.seq)
          ? this.pending.legacy
          : base.legacy,
      heads: { ...base.heads },
    };
    for (const [chain, head] of Object.entries(this.pending.heads)) {
      const known = merged.heads[chain];
      if (!known || known.seq < head.seq) merged.heads[chain] = head;
    }
    for (const [chain, head] of Object.entries(merged.heads))
      if ((this.covered.get(chain) ?? 0) >= head.seq) delete merged.heads[chain];
    // What was written is on disk now; only newer records need keeping in memory.
    this.pending = { checkpoint: null, heads: {}, legacy: null };
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ v: 2, ...merged, mac: witnessMac(this.key, merged) })}\n`, {
      mode: 0o600,
    });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
  }
}

/** Domain separation: the old head row's MAC must not double as a witness MAC (or the other way round). */
const legacyWitnessed = (hash: string): string => `witness:${hash}`;

/** The MAC of a version-2 witness: over the RFC 8785 form of its content, under its own label. */
function witnessMac(key: KeyObject, c: WitnessContent): string {
  return createHmac('sha256', key)
    .update(`witness:v2:${canonicalJson({ checkpoint: c.checkpoint, heads: c.heads, legacy: c.legacy })}`)
    .digest('hex');
}

/** The MAC the old global witness format carried, for a test that writes one (the upgrade path). */
export const legacyWitnessMac = (key: KeyObject | Buffer, seq: number, hash: string): string =>
  headMac(key, seq, legacyWitnessed(hash));

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

const isHead = (h: unknown): h is WitnessedHead => {
  const x = h as WitnessedHead | null;
  return !!x && typeof x === 'object' && Number.isSafeInteger(x.seq) && x.seq >= 1 && typeof x.hash === 'string';
};

function parseContent(w: Record<string, unknown>): WitnessContent | null {
  const cp = w.checkpoint as { id?: unknown; hash?: unknown } | null;
  if (cp !== null && (typeof cp !== 'object' || !Number.isSafeInteger(cp.id) || typeof cp.hash !== 'string'))
    return null;
  if (w.legacy !== null && !isHead(w.legacy)) return null;
  if (!w.heads || typeof w.heads !== 'object' || Array.isArray(w.heads)) return null;
  const heads: Record<string, WitnessedHead> = {};
  for (const [chain, h] of Object.entries(w.heads as Record<string, unknown>)) {
    if (!isHead(h)) return null;
    heads[chain] = { seq: h.seq, hash: h.hash };
  }
  return {
    checkpoint: cp ? { id: cp.id as number, hash: cp.hash as string } : null,
    heads,
    legacy: w.legacy ? { seq: (w.legacy as WitnessedHead).seq, hash: (w.legacy as WitnessedHead).hash } : null,
  };
}
