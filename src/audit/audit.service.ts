import { Injectable, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { WitnessedHeads } from './witnessed-heads';
import { join } from 'node:path';
import { TransactionRunner, sql } from '../database';
import { AuditWitness, type WitnessState } from './audit-witness';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig, resolveKey } from '../config';
import { isSystemActor, type Actor } from '../auth';
import { nowIso, canonicalJson } from '../common';
import { AuditEntry, AuditHead } from './audit-entry.entity';
import { BrokenReason, checkLink, entryHash, GENESIS_HASH, headMac, macMatches } from './hash-chain';
import { createHash, createSecretKey, type KeyObject } from 'node:crypto';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export interface AuditRecord {
  actor: Actor;
  action: string;
  /** Organisation the change belongs to; defaults to the actor's. */
  orgId?: string | null;
  incidentId?: string | null;
  /** What changed. Never put secrets or tokens here: the payload is readable in timelines. */
  payload: Record<string, unknown>;
  /**
   * Other organisations this change is news to, with the incident as that organisation knows it
   * (when it knows one): the departments a report is addressed to, the operator whose report a
   * department acknowledged, the operators a warning names. Not stored: an entry stays its own
   * organisation's. Committed-entry listeners (live updates) tell them too.
   */
  concerns?: ReadonlyArray<AuditConcern>;
}

export interface AuditConcern {
  orgId: string;
  incidentId?: string | null;
}

/** An entry as its listeners hear of it, once its transaction has committed. */
export interface CommittedAuditEntry {
  seq: number;
  at: string;
  orgId: string | null;
  incidentId: string | null;
  action: string;
  payload: Readonly<Record<string, unknown>>;
  concerns: ReadonlyArray<AuditConcern>;
}

export type AuditListener = (entry: CommittedAuditEntry) => void;

export type WitnessReason = 'behind-witness' | 'witness-mismatch' | 'witness-invalid' | 'report-head-mismatch';

export interface VerifyResult {
  ok: boolean;
  entries: number;
  headSeq: number | null;
  firstBroken?: { seq: number; reason: BrokenReason | WitnessReason; action?: string; at?: string };
  /** The witness file outside the database (AuditWitness): the chain must reach it and agree with it. */
  witness: { state: WitnessState['kind']; seq: number | null; ok: boolean; problem?: string };
  /**
   * The audit heads that submitted reports carried to their recipients: each must still be in the
   * chain with the same hash (a rollback past a head a department has seen shows here, and on the
   * department's side in its copy of the report).
   */
  reportHeads: { checked: number; broken: Array<{ reportId: string; reference: string; seq: number }> };
}

/** Postgres: one writer of the chain at a time, across every API and worker process. */
const PG_AUDIT_LOCK = 0x6c66_6175; // 'lfau'

@Injectable()
export class AuditService implements OnApplicationBootstrap {
  /** The head MAC key, imported once. */
  private readonly key: KeyObject;
  readonly witness: AuditWitness;
  private readonly listeners = new Set<AuditListener>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    config: AppConfig,
    // Absent where the service is built by hand (the admin CLI), which never verifies.
    @Optional() private readonly moduleRef?: ModuleRef,
  ) {
    this.key = createSecretKey(resolveKey(config.AUDIT_KEY, config.VAR_DIR, 'audit.key'));
    this.witness = new AuditWitness(
      config.AUDIT_WITNESS_FILE ?? join(config.VAR_DIR, 'keys', 'audit.witness'),
      this.key,
    );
  }

  /**
   * A deployment that had no witness yet (new, or upgraded from a version without one) starts it at
   * the current head: trust on first use. From then on the witness only grows.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (this.witness.read().kind !== 'absent') return;
    const [head] = await sql<{ seq: number | string; hash: string }>(
      this.dataSource.manager,
      'SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1',
    );
    if (!head) return;
    this.witness.record({ seq: Number(head.seq), hash: head.hash });
    this.witness.flush();
  }

  /**
   * Calls `listener` with every entry this process appends, once the transaction holding it has
   * committed (never for one rolled back), in commit order. Every mutation of the service writes
   * an entry, so a listener hears of every change. Returns the way to stop listening.
   */
  onCommitted(listener: AuditListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The newest entry of the chain as it stands inside `em` (null for an empty chain). */
  async head(em: EntityManager): Promise<{ seq: number; hash: string } | null> {
    const [row] = await sql<{ seq: number | string; hash: string }>(
      em,
      'SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1',
    );
    return row ? { seq: Number(row.seq), hash: row.hash } : null;
  }

  /** Appends one entry inside the caller's transaction (the change and its record commit together). */
  async append(em: EntityManager, rec: AuditRecord): Promise<AuditEntry> {
    if (em.connection.options.type === 'postgres') await em.query('SELECT pg_advisory_xact_lock($1)', [PG_AUDIT_LOCK]);
    const last = await sql<{ seq: number | string; hash: string }>(
      em,
      'SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1',
    );
    const prev = last[0];
    const actor = rec.actor;
    const entry = new AuditEntry();
    entry.seq = prev ? Number(prev.seq) + 1 : 1;
    entry.at = nowIso();
    entry.actorId = isSystemActor(actor) ? `system:${actor.system}` : actor.userId;
    entry.actorRole = isSystemActor(actor) ? 'system' : actor.role;
    entry.orgId = rec.orgId !== undefined ? rec.orgId : actor.orgId;
    entry.incidentId = rec.incidentId ?? null;
    entry.action = rec.action;
    entry.payload = canonicalJson(rec.payload);
    entry.payloadDigest = sha256(entry.payload);
    entry.prevHash = prev ? prev.hash : GENESIS_HASH;
    entry.hash = entryHash(entry);
    // Raw statements: this runs in every write transaction of the service.
    await sql(
      em,
      'INSERT INTO audit_entry (seq, at, actor_id, actor_role, org_id, ' +
        'incident_id, action, payload, payload_digest, prev_hash, hash) VALUES ' +
        '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        entry.seq,
        entry.at,
        entry.actorId,
        entry.actorRole,
        entry.orgId,
        entry.incidentId,
        entry.action,
        entry.payload,
        entry.payloadDigest,
        entry.prevHash,
        entry.hash,
      ],
    );
    await sql(
      em,
      'INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, ?, ?, ?) ON ' +
        'CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, ' +
        'mac = excluded.mac',
      [entry.seq, entry.hash, headMac(this.key, entry.seq, entry.hash)],
    );
    // Only a committed entry may raise the witness: a rolled-back one would read as a rollback attack.
    const witnessed = { seq: entry.seq, hash: entry.hash };
    this.tx.afterCommit(em, () => this.witness.record(witnessed));
    if (this.listeners.size > 0) {
      const committed: CommittedAuditEntry = {
        seq: entry.seq,
        at: entry.at,
        orgId: entry.orgId,
        incidentId: entry.incidentId,
        action: entry.action,
        payload: rec.payload,
        concerns: rec.concerns ?? [],
      };
      this.tx.afterCommit(em, () => this.tell(committed));
    }
    return entry;
  }

  /** A listener's failure is its own: the change has committed, and the other listeners still hear of it. */
  private tell(entry: CommittedAuditEntry): void {
    for (const listener of this.listeners) {
      try {
        listener(entry);
      } catch {
        // Listeners report their own failures; nothing here can undo a commit.
      }
    }
  }

  /**
   * The heads submitted reports carry, from the module that owns reports (found through ModuleRef:
   * reports sit above audit). Verification is an API of the service, which always has reports.
   */
  private witnessedHeads(): WitnessedHeads {
    try {
      if (!this.moduleRef) throw new Error('no application');
      return this.moduleRef.get(WitnessedHeads, { strict: false });
    } catch {
      throw new Error('No module provides WitnessedHeads: audit verification needs the reports module');
    }
  }

  /**
   * Walks the whole chain in seq order, in pages, and names the first broken link; then checks it
   * against the witnesses outside it: the witness file and the heads submitted reports carried.
   */
  async verify(pageSize = 2000): Promise<VerifyResult> {
    const repo = this.dataSource.getRepository(AuditEntry);
    const witness = this.witness.read();
    const reportHeads = await this.witnessedHeads().heads(this.dataSource.manager);
    // The hashes the chain holds at the sequences a witness names, collected during the walk.
    const wanted = new Set<number>(reportHeads.map((r) => Number(r.audit_head_seq)));
    if (witness.kind === 'valid') wanted.add(witness.seq);
    const seen = new Map<number, string>();
    const finish = (r: Omit<VerifyResult, 'witness' | 'reportHeads'>): VerifyResult =>
      this.withWitnesses(r, witness, reportHeads, seen);
    let prev: { seq: number; hash: string } | null = null;
    let count = 0;
    for (;;) {
      const page = await repo
        .createQueryBuilder('e')
        .where('e.seq > :after', { after: prev ? prev.seq : 0 })
        .orderBy('e.seq', 'ASC')
        .take(pageSize)
        .getMany();
      for (const e of page) {
        const check = checkLink(e, prev);
        if (!check.ok) {
          return finish({
            ok: false,
            entries: count,
            headSeq: prev?.seq ?? null,
            firstBroken: { seq: e.seq, reason: check.reason!, action: e.action, at: e.at },
          });
        }
        if (wanted.has(e.seq)) seen.set(e.seq, e.hash);
        prev = { seq: e.seq, hash: e.hash };
        count++;
      }
      if (page.length < pageSize) break;
    }
    const head = await this.dataSource.getRepository(AuditHead).findOneBy({ id: 1 });
    const headOk =
      prev === null
        ? head === null
        : !!head &&
          head.seq === prev.seq &&
          head.hash === prev.hash &&
          macMatches(this.key, head.seq, head.hash, head.mac);
    if (!headOk) {
      const seq = (prev?.seq ?? 0) + 1;
      return finish({
        ok: false,
        entries: count,
        headSeq: prev?.seq ?? null,
        firstBroken: { seq, reason: 'head-mismatch' },
      });
    }
    return finish({ ok: true, entries: count, headSeq: prev?.seq ?? null });
  }

  private withWitnesses(
    r: Omit<VerifyResult, 'witness' | 'reportHeads'>,
    w: WitnessState,
    reportHeads: Array<{ id: string; reference: string; audit_head_seq: number | string; audit_head_hash: string }>,
    seen: Map<number, string>,
  ): VerifyResult {
    const headSeq = r.headSeq ?? 0;
    let witness: VerifyResult['witness'];
    let reason: WitnessReason | undefined;
    if (w.kind === 'absent') witness = { state: 'absent', seq: null, ok: true };
    else if (w.kind === 'invalid') {
      witness = { state: 'invalid', seq: null, ok: false, problem: w.problem };
      reason = 'witness-invalid';
    } else if (w.seq > headSeq) {
      witness = {
        state: 'valid',
        seq: w.seq,
        ok: false,
        problem: `the chain ends at ${headSeq}, before entry ${w.seq} the witness saw committed`,
      };
      reason = 'behind-witness';
    } else if (r.ok && seen.get(w.seq) !== w.hash) {
      witness = { state: 'valid', seq: w.seq, ok: false, problem: `entry ${w.seq} is not the one the witness saw` };
      reason = 'witness-mismatch';
    } else witness = { state: 'valid', seq: w.seq, ok: true };
    // Only a chain that verified up to a head can be compared; a broken chain is already reported.
    const broken = reportHeads
      .filter(
        (h) => Number(h.audit_head_seq) > headSeq || (r.ok && seen.get(Number(h.audit_head_seq)) !== h.audit_head_hash),
      )
      .map((h) => ({ reportId: h.id, reference: h.reference, seq: Number(h.audit_head_seq) }));
    if (!reason && broken.length) reason = 'report-head-mismatch';
    const result: VerifyResult = { ...r, witness, reportHeads: { checked: reportHeads.length, broken } };
    if (r.ok && reason) {
      result.ok = false;
      result.firstBroken = {
        seq: reason === 'report-head-mismatch' ? broken[0]!.seq : (witness.seq ?? headSeq + 1),
        reason,
      };
    }
    return result;
  }

  /** Whether the keyed head row names entry `seq` with `hash` (and its MAC is ours). */
  async headNames(seq: number, hash: string): Promise<boolean> {
    const head = await this.dataSource.getRepository(AuditHead).findOneBy({ id: 1 });
    return !!head && head.seq === seq && head.hash === hash && macMatches(this.key, head.seq, head.hash, head.mac);
  }

  async timeline(incidentId: string): Promise<AuditEntry[]> {
    return this.dataSource.getRepository(AuditEntry).find({ where: { incidentId }, order: { seq: 'ASC' } });
  }
}
