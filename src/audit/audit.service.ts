import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { join } from 'node:path';
import { createSecretKey, type KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { WitnessedHeads, type HeadReads as Reads } from './witnessed-heads';
import { Expectations, ReportHeadFeeds, type ReportHeadFeed } from './expectations';
import { chunks, openSnapshot, sql, TransactionRunner } from '../database';
import { AuditWitness, type WitnessState } from './audit-witness';
import { AppConfig, resolveKey } from '../config';
import { isSystemActor, type Actor } from '../auth';
import { nowIso, canonicalJson } from '../common';
import { LOGGER } from '../logging';
import { AuditEntry } from './audit-entry.entity';
import {
  type BrokenReason,
  chainedHashV3,
  chainHeadMac,
  chainHeadMacMatches,
  chainOf,
  checkChainLink,
  checkLink,
  checkpointHash,
  checkpointMac,
  checkpointMacMatches,
  CURRENT_HASH_VERSION,
  GENESIS_HASH,
  type HashVersion,
  macMatches,
  storedPayloadDigest,
  type StoredChainedEntry,
} from './hash-chain';
import { TimeSlices } from './time-slices';
import { AuditNames } from './audit-names';
import {
  ENTRY_VIEW,
  entryColumnsWithBefore,
  entryOfRow,
  nameId,
  orgOfRow,
  STORED_COLUMNS,
  storedHash,
} from './entry-rows';

export interface AuditRecord {
  actor: Actor;
  action: string;
  /** Organisation the change belongs to; defaults to the actor's. Its chain takes the entry. */
  orgId?: string | null;
  incidentId?: string | null;
  /** What changed. Never put secrets or tokens here: the payload is readable in timelines. */
  payload: Record<string, unknown>;
  /**
   * Other organisations this change is news to, with the incident as that organisation knows it
   * (when it knows one): the departments a report is addressed to, the operator whose report a
   * department acknowledged, the operators a warning names. Not stored: an entry stays its own
   * organisation's (and in its chain). Committed-entry listeners (live updates) tell them too.
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

/** An entry as a projection reads it back from the trail (AuditService.entriesAfter): payload as stored. */
export interface TrailEntry {
  seq: number;
  at: string;
  orgId: string | null;
  incidentId: string | null;
  action: string;
  payload: string;
}

export type WitnessReason =
  | 'behind-witness'
  | 'witness-mismatch'
  | 'witness-invalid'
  | 'report-head-mismatch'
  | 'checkpoint-invalid'
  | 'checkpoint-mismatch'
  | 'unchained-entries';

export interface BrokenLink {
  /** The entry's deployment-wide id; null when the break is past the chain's end (a head names more). */
  seq: number | null;
  /** The chain it breaks (an organisation id, `system`; `global` for the chain of version-1 entries). */
  chain: string;
  chainSeq: number | null;
  reason: BrokenReason | WitnessReason;
  action?: string;
  at?: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Entries checked and found intact. */
  entries: number;
  /** The highest entry id (`seq`) of the deployment. */
  headSeq: number | null;
  /** Chains walked (one per organisation that has entries, and `system`). */
  chains: number;
  firstBroken?: BrokenLink;
  /** The witness file outside the database (AuditWitness): every head it names must be in the chains. */
  witness: { state: WitnessState['kind']; checkpoint: number | null; heads: number; ok: boolean; problem?: string };
  /** The signed checkpoints: their own chain and MACs, and every chain reaching the heads they name. */
  checkpoints: { count: number; latest: { id: number; at: string } | null; ok: boolean };
  /**
   * The audit heads that submitted reports carried to their recipients: each must still be in its
   * chain with the same hash (a rollback past a head a department has seen shows here, and on the
   * department's side in its copy of the report).
   */
  reportHeads: { checked: number; broken: Array<{ reportId: string; reference: string; seq: number }> };
}

export interface ChainVerifyResult {
  ok: boolean;
  chain: string;
  entries: number;
  /** The chain's newest place (its head row's `seq`), 0 for a chain without entries. */
  headChainSeq: number;
  firstBroken?: BrokenLink;
  /** The newest checkpoint naming this chain, and whether the chain still holds the head it names. */
  checkpoint: { id: number; chainSeq: number; ok: boolean } | null;
  reportHeads: { checked: number; broken: Array<{ reportId: string; reference: string; seq: number }> };
}

/** The chain name under which verification reports breaks in the version-1 global chain. */
export const GLOBAL_CHAIN = 'global';

/** Postgres: one checkpoint writer at a time (the others skip that round). */
const PG_CHECKPOINT_LOCK = 0x6c66_6370; // 'lfcp'

/**
 * What verification reads of an entry (from ENTRY_VIEW), named as StoredChainedEntry names them, so
 * each row is the entry as it is checked (no copy per entry). All are integers or text on both databases.
 */
const WALK_COLUMNS =
  'seq, chain, chain_seq AS "chainSeq", hash_version AS "hashVersion", at, actor_id AS "actorId", ' +
  'actor_role AS "actorRole", org_id AS "orgId", incident_id AS "incidentId", action, payload, ' +
  'payload_digest AS "payloadDigest", prev_hash AS "prevHash", hash';

/**
 * Entries per page of a walk: a page is read in one statement and checked within about one time
 * slice, and is garbage as soon as the next page is read.
 */
const WALK_PAGE = 500;

// Verification reads from a snapshot (openSnapshot) or, for checkpoints, from the service connection:
// the same reads the report heads are given (HeadReads, imported here as Reads).
const serviceReads = (em: EntityManager): Reads => ({ query: (text, params) => sql(em, text, params) });

/** An entry appended in an open transaction, not yet linked to its chain. */
interface Pending {
  entries: AuditEntry[];
  /** SQLite: the next id to give (one writer at a time, so MAX + 1 is safe within the transaction). */
  nextSeq?: number;
}

type CheckpointRow = { id: number | string; at: string; prev_hash: string; hash: string; mac: string };

/**
 * The audit trail: one hash chain per organisation (README "Audit trail"), so organisations never wait
 * for each other's writes.
 *
 * `append` records an entry in the caller's transaction and gives it its deployment-wide id at once;
 * the entry is linked to its chain (place, previous hash, hash) and written just before the
 * transaction commits (TransactionRunner.beforeCommit), under a row lock on that chain's head. So the
 * lock an organisation's writes share is taken last and held only for the end of a transaction,
 * every transaction takes it after its own row locks, and several chains are locked in name order:
 * one lock order everywhere (README "Locks and transactions").
 *
 * Every AUDIT_CHECKPOINT_SECONDS one process writes a signed checkpoint over the heads that moved
 * (AuditService.checkpoint). Verification walks each chain, the old global chain of entries written
 * before chains existed, and the checkpoints, and compares them with the witnesses outside the
 * database (the witness file and the heads submitted reports carried).
 */
@Injectable()
export class AuditService implements OnApplicationBootstrap, OnModuleDestroy {
  /** The MAC key, imported once. */
  private readonly key: KeyObject;
  readonly witness: AuditWitness;
  private readonly pending = new WeakMap<EntityManager, Pending>();
  private readonly listeners = new Set<AuditListener>();
  private readonly postgres: boolean;
  private readonly names: AuditNames;
  private timer?: NodeJS.Timeout;
  /** The newest checkpoint this process has verified and given to the witness. */
  private seenCheckpoint = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly config: AppConfig,
    // Absent where the service is built by hand (the admin CLI), which never verifies.
    @Optional() private readonly moduleRef?: ModuleRef,
    @Optional() @Inject(LOGGER) private readonly logger?: Logger,
  ) {
    this.key = createSecretKey(resolveKey(config.AUDIT_KEY, config.VAR_DIR, 'audit.key'));
    this.witness = new AuditWitness(
      config.AUDIT_WITNESS_FILE ?? join(config.VAR_DIR, 'keys', 'audit.witness'),
      this.key,
    );
    this.postgres = dataSource.options.type === 'postgres';
    this.names = new AuditNames(tx);
  }

  /**
   * A deployment that had no witness yet (new, or upgraded from a version without one) starts it at
   * what the database holds now: trust on first use. From then on the witness only grows. Then the
   * periodic checkpoint starts.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (this.witness.read().kind === 'absent') {
      const em = this.dataSource.manager;
      const [legacy] = await sql<{ seq: number | string; hash: string }>(
        em,
        `SELECT seq, hash FROM ${ENTRY_VIEW} WHERE hash_version = 1 ORDER BY seq DESC LIMIT 1`,
      );
      if (legacy) this.witness.recordLegacy({ seq: Number(legacy.seq), hash: legacy.hash });
      for (const h of await sql<{ chain: string; seq: number | string; hash: string }>(
        em,
        'SELECT chain, seq, hash FROM audit_chain WHERE seq > 0',
      ))
        this.witness.record(h.chain, { seq: Number(h.seq), hash: h.hash });
      this.witness.flush();
    }
    const every = this.config.AUDIT_CHECKPOINT_SECONDS * 1000;
    this.timer = setInterval(() => {
      this.checkpoint().catch((err: unknown) => this.logger?.warn({ err }, 'audit checkpoint failed; next round'));
    }, every);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    // Heads recorded in the last fraction of a second wait for the next spaced write: write them now.
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

  /** The newest committed entry of `chain` (an organisation id; `system` for entries without one), or null. */
  async head(em: EntityManager, chain: string): Promise<{ chain: string; seq: number; hash: string } | null> {
    const [row] = await sql<{ seq: number | string; hash: string }>(
      em,
      'SELECT seq, hash FROM audit_chain WHERE chain = ?',
      [chain],
    );
    return row && Number(row.seq) > 0 ? { chain, seq: Number(row.seq), hash: row.hash } : null;
  }

  /**
   * Appends one entry inside the caller's transaction (the change and its record commit together).
   * The entry has its `seq` at once; its place in its chain and its hash are set just before the
   * transaction commits (on the same object), and it is on disk only then.
   */
  async append(em: EntityManager, rec: AuditRecord): Promise<AuditEntry> {
    const actor = rec.actor;
    const entry = new AuditEntry();
    entry.at = nowIso();
    entry.actorId = isSystemActor(actor) ? `system:${actor.system}` : actor.userId;
    entry.actorRole = isSystemActor(actor) ? 'system' : actor.role;
    entry.orgId = rec.orgId !== undefined ? rec.orgId : actor.orgId;
    entry.chain = chainOf(entry.orgId);
    entry.incidentId = rec.incidentId ?? null;
    entry.action = rec.action;
    entry.payload = canonicalJson(rec.payload);
    // The entry as read back (entryOfRow); the row itself stores neither this digest nor, at link, prevHash.
    entry.payloadDigest = storedPayloadDigest(entry.payload);
    entry.hashVersion = CURRENT_HASH_VERSION;
    let pending = this.pending.get(em);
    const fresh = !pending;
    if (!pending) this.pending.set(em, (pending = { entries: [] }));
    entry.seq = await this.nextSeq(em, pending);
    pending.entries.push(entry);
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
    if (fresh) {
      const linkAll = async () => {
        this.pending.delete(em);
        await this.link(em, pending.entries);
      };
      // Outside a transaction of the runner (a test's own) there is no commit to wait for: link now.
      if (!this.tx.beforeCommit(em, linkAll)) await linkAll();
    }
    return entry;
  }

  private async nextSeq(em: EntityManager, pending: Pending): Promise<number> {
    if (this.postgres) {
      const [row] = await sql<{ seq: number | string }>(em, "SELECT nextval('audit_entry_seq') AS seq");
      return Number(row!.seq);
    }
    if (pending.nextSeq === undefined) {
      const [row] = await sql<{ seq: number | null }>(em, 'SELECT MAX(seq) AS seq FROM audit_entry');
      pending.nextSeq = Number(row?.seq ?? 0) + 1;
    }
    return pending.nextSeq++;
  }

  /** Links a transaction's entries to their chains (chains locked in name order) and writes them. */
  private async link(em: EntityManager, entries: AuditEntry[]): Promise<void> {
    // Before any chain is locked: numbering a new name may wait on another transaction numbering it.
    const ids = await this.names.ids(
      em,
      entries.flatMap((e) => [e.chain, e.actorId, e.action, ...(e.incidentId === null ? [] : [e.incidentId])]),
    );
    const byChain = new Map<string, AuditEntry[]>();
    for (const e of entries) {
      const list = byChain.get(e.chain);
      if (list) list.push(e);
      else byChain.set(e.chain, [e]);
    }
    for (const chain of [...byChain.keys()].sort()) {
      let head = await this.lockHead(em, chain);
      const list = byChain.get(chain)!;
      for (const e of list) {
        e.chainSeq = head.seq + 1;
        e.prevHash = head.hash;
        e.hash = chainedHashV3(e, head.hash);
        head = { seq: e.chainSeq, hash: e.hash };
      }
      // Raw statements: this runs in every write transaction of the service.
      const parts = chunks(list, 100);
      const moveHead = 'UPDATE audit_chain SET seq = ?, hash = ?, mac = ?, updated_at = ? WHERE chain = ?';
      const headParams = [head.seq, head.hash, chainHeadMac(this.key, chain, head.seq, head.hash), nowIso(), chain];
      for (const [i, part] of parts.entries()) {
        const insert =
          `INSERT INTO audit_entry (${STORED_COLUMNS}) VALUES ` +
          part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
        // Version 3 stores neither the organisation (the chain's name), the digest nor the previous hash.
        const values = part.flatMap((e) => [
          e.seq,
          ids.get(e.chain)!,
          e.chainSeq,
          e.hashVersion,
          e.at,
          ids.get(e.actorId)!,
          e.actorRole,
          null,
          e.incidentId === null ? null : ids.get(e.incidentId)!,
          ids.get(e.action)!,
          e.payload,
          '',
          '',
          storedHash(e.hash),
        ]);
        // Postgres: the last entries and the new head in one statement (a data-modifying WITH always runs
        // to completion), so the chain's lock, held from lockHead to COMMIT, waits on one round trip
        // fewer; under load each round trip is also a turn of a busy event loop. SQLite has no such
        // statement, and its statements are calls, not round trips.
        if (this.postgres && i === parts.length - 1) {
          await sql(em, `WITH written AS (${insert}) ${moveHead}`, [...values, ...headParams]);
          continue;
        }
        await sql(em, insert, values);
        if (i === parts.length - 1) await sql(em, moveHead, headParams);
      }
      // Only a committed entry may raise the witness: a rolled-back one would read as a rollback attack.
      const committed = head;
      this.tx.afterCommit(em, () => this.witness.record(chain, committed));
    }
  }

  /** The head of `chain`, locked until commit (Postgres); created empty for an organisation's first entry. */
  private async lockHead(em: EntityManager, chain: string): Promise<{ seq: number; hash: string }> {
    const select = `SELECT seq, hash FROM audit_chain WHERE chain = ?${this.postgres ? ' FOR UPDATE' : ''}`;
    let [row] = await sql<{ seq: number | string; hash: string }>(em, select, [chain]);
    if (!row) {
      await sql(
        em,
        "INSERT INTO audit_chain (chain, seq, hash, mac, updated_at) VALUES (?, 0, ?, '', ?) " +
          'ON CONFLICT (chain) DO NOTHING',
        [chain, GENESIS_HASH, nowIso()],
      );
      [row] = await sql<{ seq: number | string; hash: string }>(em, select, [chain]);
    }
    return { seq: Number(row!.seq), hash: row!.hash };
  }

  /**
   * Writes a signed checkpoint over the chain heads that moved since the last one, if any moved;
   * then hands every checkpoint this process has not seen yet, once verified, to the witness (so the
   * witness can drop the heads they cover). On Postgres one process writes at a time; the others skip.
   */
  async checkpoint(): Promise<{ id: number; heads: number } | null> {
    const written = await this.tx.run(async (em) => {
      if (this.postgres) {
        const [got] = await sql<{ ok: boolean }>(em, 'SELECT pg_try_advisory_xact_lock(?) AS ok', [PG_CHECKPOINT_LOCK]);
        if (!got?.ok) return null;
      }
      const moved = await sql<{ chain: string; seq: number | string; hash: string }>(
        em,
        'SELECT c.chain AS chain, c.seq AS seq, c.hash AS hash FROM audit_chain c ' +
          'LEFT JOIN audit_checkpointed k ON k.chain = c.chain ' +
          'WHERE c.seq > 0 AND (k.seq IS NULL OR c.seq > k.seq) ORDER BY c.chain',
      );
      if (moved.length === 0) return null;
      const [last] = await sql<{ id: number | string; hash: string }>(
        em,
        'SELECT id, hash FROM audit_checkpoint ORDER BY id DESC LIMIT 1',
      );
      const heads: Array<[string, number, string]> = moved.map((m) => [m.chain, Number(m.seq), m.hash]);
      // Code-point order, the same on both databases (their ORDER BY collations may differ).
      heads.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const id = last ? Number(last.id) + 1 : 1;
      const fields = { id, at: nowIso(), prevHash: last?.hash ?? GENESIS_HASH, heads };
      const hash = checkpointHash(fields);
      await sql(em, 'INSERT INTO audit_checkpoint (id, at, prev_hash, hash, mac) VALUES (?, ?, ?, ?, ?)', [
        id,
        fields.at,
        fields.prevHash,
        hash,
        checkpointMac(this.key, id, hash),
      ]);
      for (const part of chunks(heads, 200)) {
        await sql(
          em,
          'INSERT INTO audit_checkpoint_head (checkpoint_id, chain, seq, hash) VALUES ' +
            part.map(() => '(?, ?, ?, ?)').join(', '),
          part.flatMap(([chain, seq, h]) => [id, chain, seq, h]),
        );
        await sql(
          em,
          'INSERT INTO audit_checkpointed (chain, seq) VALUES ' +
            part.map(() => '(?, ?)').join(', ') +
            ' ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq',
          part.flatMap(([chain, seq]) => [chain, seq]),
        );
      }
      return { id, heads: heads.length };
    });
    await this.followCheckpoints();
    return written;
  }

  /** Verifies the checkpoints written since the last one this process saw and gives them to the witness. */
  private async followCheckpoints(): Promise<void> {
    const em = this.dataSource.manager;
    const rows = await sql<{ id: number | string; at: string; prev_hash: string; hash: string; mac: string }>(
      em,
      'SELECT id, at, prev_hash, hash, mac FROM audit_checkpoint WHERE id > ? ORDER BY id LIMIT 100',
      [this.seenCheckpoint],
    );
    for (const r of rows) {
      const id = Number(r.id);
      const heads = await this.checkpointHeads(serviceReads(em), id);
      const fields = { id, at: r.at, prevHash: r.prev_hash, heads };
      if (checkpointHash(fields) !== r.hash || !checkpointMacMatches(this.key, id, r.hash, r.mac)) {
        this.logger?.error({ checkpoint: id }, 'audit checkpoint does not verify; the witness does not follow it');
        return;
      }
      this.witness.checkpointed({ id, hash: r.hash }, heads);
      this.seenCheckpoint = id;
    }
  }

  private async checkpointHeads(q: Reads, id: number): Promise<Array<[string, number, string]>> {
    const rows = await q.query<{ chain: string; seq: number | string; hash: string }>(
      'SELECT chain, seq, hash FROM audit_checkpoint_head WHERE checkpoint_id = ?',
      [id],
    );
    return rows
      .map((r): [string, number, string] => [r.chain, Number(r.seq), r.hash])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
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
   * The whole deployment: the old global chain (entries of hash version 1) as it always was, every
   * organisation's chain with its keyed head, the signed checkpoints, the witness file and the heads
   * submitted reports carried. Names the first thing that does not hold.
   */
  async verify(pageSize = WALK_PAGE): Promise<VerifyResult> {
    // The witness file is read first, then the chains in one snapshot taken after: every head it names
    // was committed before the snapshot, so a chain that holds less was cut back. The heads reports
    // carry are read in that snapshot, beside their chains (a report's head was committed with it).
    const witness = this.witness.read();
    const q = await openSnapshot(this.dataSource);
    try {
      return await this.verifySnapshot(q, pageSize, witness);
    } finally {
      await q.close();
    }
  }

  private async verifySnapshot(q: Reads, pageSize: number, witness: WitnessState): Promise<VerifyResult> {
    const expectations = new Expectations();
    const reports = new ReportHeadFeeds(q, this.witnessedHeads(), GLOBAL_CHAIN);
    const breaks: BrokenLink[] = [];

    // The signed checkpoints: their own chain, and the newest head each names per chain.
    const cp = await this.walkCheckpoints(q);
    if (cp.broken) breaks.push(cp.broken);
    for (const [chain, h] of cp.fold) expectations.add(chain, h.seq, h.hash, { kind: 'checkpoint' });
    let witnessProblem: string | undefined;
    let witnessReason: WitnessReason | undefined;
    if (witness.kind === 'invalid') {
      witnessProblem = witness.problem;
      witnessReason = 'witness-invalid';
    } else if (witness.kind === 'valid') {
      for (const [chain, h] of Object.entries(witness.heads))
        expectations.add(chain, h.seq, h.hash, { kind: 'witness' });
      if (witness.legacy) expectations.add(GLOBAL_CHAIN, witness.legacy.seq, witness.legacy.hash, { kind: 'witness' });
      if (witness.checkpoint) {
        const known = cp.hashes.get(witness.checkpoint.id);
        if (known === undefined) {
          witnessProblem = `checkpoint ${witness.checkpoint.id} the witness saw is gone`;
          witnessReason = 'behind-witness';
        } else if (known !== witness.checkpoint.hash) {
          witnessProblem = `checkpoint ${witness.checkpoint.id} is not the one the witness saw`;
          witnessReason = 'witness-mismatch';
        }
      }
    }

    // The old global chain, by seq, ending at its frozen keyed head.
    let count = 0;
    let maxSeq = 0;
    const legacy = await this.walkLegacy(q, pageSize, expectations, reports.of(null));
    count += legacy.count;
    maxSeq = Math.max(maxSeq, legacy.last?.seq ?? 0);
    if (legacy.broken) breaks.push(legacy.broken);

    // Every chain: from the head rows, any chain something names (its head row may be gone), and any
    // chain an entry names (so an entry in a chain without a head row is walked, and fails there).
    const chains = new Set((await q.query<{ chain: string }>('SELECT chain FROM audit_chain')).map((r) => r.chain));
    for (const chain of expectations.chains()) if (chain !== GLOBAL_CHAIN) chains.add(chain);
    for (const chain of await reports.chains()) if (chain !== null) chains.add(chain);
    const named = await this.entryChains(q);
    for (const chain of named.chains) chains.add(chain);
    let walked = 0;
    let legacyInChains = 0;
    let unplaced = false;
    // Thousands of organisations' short chains are walked one after another: give way between them too.
    const slices = new TimeSlices();
    for (const chain of [...chains].sort()) {
      if (slices.due()) await slices.yield();
      const r = await this.walkChain(q, chain, pageSize, expectations, false, reports.of(chain));
      walked++;
      count += r.count;
      legacyInChains += r.legacy;
      unplaced ||= r.unplaced;
      maxSeq = Math.max(maxSeq, r.maxSeq);
      if (r.broken) breaks.push(r.broken);
    }
    // Entries no walk reached: without a chain (or with a chain number that names nothing) or a place
    // in it, or labelled as of the old global chain where that chain does not hold them. Index
    // look-ups, not a count of the whole trail (one statement over millions of rows would hold the
    // event loop for seconds).
    const [chainless] = await q.query('SELECT seq FROM audit_entry WHERE chain_ref IS NULL LIMIT 1');
    if ((chainless || named.unnamed || unplaced || legacyInChains !== legacy.count) && !breaks.length)
      breaks.push({ seq: null, chain: '?', chainSeq: null, reason: 'unchained-entries' });

    // What the chains did not hold of what the witnesses name.
    for (const miss of expectations.unmet()) {
      if (miss.source.kind === 'witness' && !witnessReason) {
        witnessReason = miss.reason === 'beyond' ? 'behind-witness' : 'witness-mismatch';
        witnessProblem =
          miss.reason === 'beyond'
            ? `chain ${miss.chain} ends before entry ${miss.seq}, which the witness saw committed`
            : `entry ${miss.seq} of chain ${miss.chain} is not the one the witness saw`;
      }
      if (miss.source.kind === 'checkpoint' && !breaks.some((b) => b.reason === 'checkpoint-mismatch'))
        breaks.push({ seq: null, chain: miss.chain, chainSeq: miss.seq, reason: 'checkpoint-mismatch' });
    }
    // The first break: one in a chain or the checkpoints, else what the witnesses say.
    let firstBroken: BrokenLink | undefined = breaks[0];
    if (!firstBroken && witnessReason) firstBroken = { seq: null, chain: '?', chainSeq: null, reason: witnessReason };
    const firstReport = reports.broken[0];
    if (!firstBroken && firstReport)
      firstBroken = { seq: null, chain: firstReport.chain, chainSeq: firstReport.seq, reason: 'report-head-mismatch' };
    const result: VerifyResult = {
      ok: !firstBroken,
      entries: count,
      headSeq: maxSeq || null,
      chains: walked,
      witness: {
        state: witness.kind,
        checkpoint: witness.kind === 'valid' ? (witness.checkpoint?.id ?? null) : null,
        heads: witness.kind === 'valid' ? Object.keys(witness.heads).length + (witness.legacy ? 1 : 0) : 0,
        ok: !witnessReason,
        ...(witnessProblem ? { problem: witnessProblem } : {}),
      },
      checkpoints: { count: cp.count, latest: cp.latest, ok: !cp.broken },
      reportHeads: reports.result(),
    };
    if (firstBroken) result.firstBroken = firstBroken;
    return result;
  }

  /**
   * One organisation's chain (or `system`): its links and keyed head, the newest checkpoint that
   * names it, and the heads its submitted reports carried. Reads that chain's entries only (and, for
   * entries written before chains, the hash of each one's predecessor in the old global chain).
   */
  async verifyChain(chain: string, pageSize = WALK_PAGE): Promise<ChainVerifyResult> {
    const q = await openSnapshot(this.dataSource);
    try {
      return await this.verifyChainSnapshot(q, chain, pageSize);
    } finally {
      await q.close();
    }
  }

  private async verifyChainSnapshot(q: Reads, chain: string, pageSize: number): Promise<ChainVerifyResult> {
    const expectations = new Expectations();
    const reports = new ReportHeadFeeds(q, this.witnessedHeads(), GLOBAL_CHAIN);
    let checkpoint: ChainVerifyResult['checkpoint'] = null;
    let checkpointBroken: BrokenLink | undefined;
    const [named] = await q.query<{ checkpoint_id: number | string; seq: number | string; hash: string }>(
      'SELECT checkpoint_id, seq, hash FROM audit_checkpoint_head WHERE chain = ? ORDER BY seq DESC LIMIT 1',
      [chain],
    );
    if (named) {
      const id = Number(named.checkpoint_id);
      const [row] = await q.query<{ at: string; prev_hash: string; hash: string; mac: string }>(
        'SELECT at, prev_hash, hash, mac FROM audit_checkpoint WHERE id = ?',
        [id],
      );
      const heads = await this.checkpointHeads(q, id);
      const valid =
        !!row &&
        checkpointHash({ id, at: row.at, prevHash: row.prev_hash, heads }) === row.hash &&
        checkpointMacMatches(this.key, id, row.hash, row.mac);
      checkpoint = { id, chainSeq: Number(named.seq), ok: valid };
      if (!valid) checkpointBroken = { seq: null, chain, chainSeq: null, reason: 'checkpoint-invalid' };
      else expectations.add(chain, Number(named.seq), named.hash, { kind: 'checkpoint' });
    }
    const walk = await this.walkChain(q, chain, pageSize, expectations, true, reports.of(chain));
    let firstBroken =
      walk.broken ??
      checkpointBroken ??
      (walk.unplaced ? { seq: null, chain, chainSeq: null, reason: 'unchained-entries' as const } : undefined);
    const reportHeads = reports.result();
    for (const miss of expectations.unmet()) {
      if (miss.source.kind === 'checkpoint') {
        if (checkpoint) checkpoint.ok = false;
        firstBroken ??= { seq: null, chain, chainSeq: miss.seq, reason: 'checkpoint-mismatch' };
      }
    }
    const firstReport = reportHeads.broken[0];
    if (!firstBroken && firstReport)
      firstBroken = { seq: null, chain, chainSeq: firstReport.seq, reason: 'report-head-mismatch' };
    const result: ChainVerifyResult = {
      ok: !firstBroken,
      chain,
      entries: walk.count,
      headChainSeq: walk.headSeq,
      checkpoint,
      reportHeads,
    };
    if (firstBroken) result.firstBroken = firstBroken;
    return result;
  }

  /** Walks the checkpoints in order: ids contiguous, each linked to the one before, hash and MAC right. */
  private async walkCheckpoints(q: Reads) {
    const fold = new Map<string, { seq: number; hash: string }>();
    const hashes = new Map<number, string>();
    let prev = null as { id: number; hash: string } | null;
    let broken: BrokenLink | undefined;
    let latest: { id: number; at: string } | null = null;
    let count = 0;
    const slices = new TimeSlices();
    for (;;) {
      // A checkpoint every few minutes is a hundred thousand a year: give way between pages of them.
      if (slices.due()) await slices.yield();
      const rows: CheckpointRow[] = await q.query<CheckpointRow>(
        'SELECT id, at, prev_hash, hash, mac FROM audit_checkpoint WHERE id > ? ORDER BY id LIMIT 200',
        [prev?.id ?? 0],
      );
      if (!rows.length) break;
      const first = Number(rows[0]!.id);
      const last = Number(rows[rows.length - 1]!.id);
      const headRows = await q.query<{
        checkpoint_id: number | string;
        chain: string;
        seq: number | string;
        hash: string;
      }>('SELECT checkpoint_id, chain, seq, hash FROM audit_checkpoint_head WHERE checkpoint_id BETWEEN ? AND ?', [
        first,
        last,
      ]);
      const byId = new Map<number, Array<[string, number, string]>>();
      for (const h of headRows) {
        const id = Number(h.checkpoint_id);
        const list = byId.get(id) ?? [];
        list.push([h.chain, Number(h.seq), h.hash]);
        byId.set(id, list);
      }
      for (const r of rows) {
        const id: number = Number(r.id);
        const heads = (byId.get(id) ?? []).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        const valid =
          id === (prev?.id ?? 0) + 1 &&
          r.prev_hash === (prev?.hash ?? GENESIS_HASH) &&
          checkpointHash({ id, at: r.at, prevHash: r.prev_hash, heads }) === r.hash &&
          checkpointMacMatches(this.key, id, r.hash, r.mac);
        if (!valid && !broken) broken = { seq: null, chain: 'checkpoints', chainSeq: id, reason: 'checkpoint-invalid' };
        for (const [chain, seq, hash] of heads) {
          const known = fold.get(chain);
          if (known && known.seq > seq && !broken)
            broken = { seq: null, chain, chainSeq: seq, reason: 'checkpoint-invalid' };
          if (!known || known.seq < seq) fold.set(chain, { seq, hash });
        }
        hashes.set(id, r.hash);
        prev = { id, hash: r.hash };
        latest = { id, at: r.at };
        count++;
      }
    }
    return { fold, hashes, broken, latest, count };
  }

  /**
   * The version-1 entries: one global chain by seq, as before chains existed, ending at the old keyed
   * head. They were all written before migration 1764300000000, and every entry since has a higher
   * seq, so the walk reads by seq and stops at the first entry of a later version (the entries' primary key,
   * no scan of the whole trail for the few old ones). An entry labelled version 1 after that point
   * is not reached here: it fails its chain's walk (a version-1 entry after a later one, or its
   * hash) and the count of entries walked.
   */
  private async walkLegacy(q: Reads, pageSize: number, expectations: Expectations, reports: ReportHeadFeed) {
    const slices = new TimeSlices();
    let last: { seq: number; hash: string } | null = null;
    let count = 0;
    let broken: BrokenLink | undefined;
    let after = 0;
    outer: for (;;) {
      const rows = await q.query<StoredChainedEntry>(
        `SELECT ${WALK_COLUMNS} FROM ${ENTRY_VIEW} WHERE seq > ? ORDER BY seq LIMIT ?`,
        [after, pageSize],
      );
      for (const e of rows) {
        if (e.hashVersion !== 1) break outer;
        const check = checkLink(e, last);
        if (!check.ok) {
          broken = {
            seq: e.seq,
            chain: GLOBAL_CHAIN,
            chainSeq: e.seq,
            reason: check.reason!,
            action: e.action,
            at: e.at,
          };
          break outer;
        }
        expectations.see(GLOBAL_CHAIN, e.seq, e.hash);
        reports.see(e.seq, e.hash);
        last = { seq: e.seq, hash: e.hash };
        count++;
        if (slices.due()) await slices.yield();
      }
      await reports.check();
      if (rows.length < pageSize) break;
      after = rows[rows.length - 1]!.seq;
      await slices.yield();
    }
    if (!broken) {
      const [head] = await q.query<{ seq: number | string; hash: string; mac: string }>(
        'SELECT seq, hash, mac FROM audit_head WHERE id = 1',
      );
      const ok =
        last === null
          ? !head
          : !!head &&
            Number(head.seq) === last.seq &&
            head.hash === last.hash &&
            macMatches(this.key, last.seq, last.hash, head.mac);
      if (!ok) broken = { seq: null, chain: GLOBAL_CHAIN, chainSeq: (last?.seq ?? 0) + 1, reason: 'head-mismatch' };
    }
    await reports.rest();
    expectations.end(GLOBAL_CHAIN, last?.seq ?? 0);
    // Version-1 entries are walked here and again in their organisations' chains: counted here.
    return { count, last, broken };
  }

  /**
   * Walks one chain by its places: contiguous from 1, each linked to the one before (from version 2 on), its
   * payload and hash intact, ending at a head row that names the last entry with a valid MAC. Version-1
   * entries are counted by the global walk; with `withLegacyLinks` (a single chain's verification) each
   * one's link to its predecessor in the global chain is checked here too. Keyset pages of the
   * (chain_ref, chain_seq) index; a page's rows are the entries checked (WALK_COLUMNS) and are dropped
   * when the next page is read, so memory stays at one page whatever the chain's length.
   */
  private async walkChain(
    q: Reads,
    chain: string,
    pageSize: number,
    expectations: Expectations,
    withLegacyLinks: boolean,
    reports: ReportHeadFeed,
  ) {
    const slices = new TimeSlices();
    let prev: { chainSeq: number; hash: string; hashVersion: HashVersion } | null = null;
    let count = 0;
    let legacy = 0;
    let maxSeq = 0;
    let broken: BrokenLink | undefined;
    outer: for (;;) {
      // The first page from the lowest place on, not from 1: an entry put before place 1 is a gap.
      const entries: StoredChainedEntry[] = prev
        ? await q.query<StoredChainedEntry>(
            `SELECT ${WALK_COLUMNS} FROM ${ENTRY_VIEW} WHERE chain_ref = ${nameId()} AND chain_seq > ? ` +
              'ORDER BY chain_seq LIMIT ?',
            [chain, prev.chainSeq, pageSize],
          )
        : await q.query<StoredChainedEntry>(
            `SELECT ${WALK_COLUMNS} FROM ${ENTRY_VIEW} WHERE chain_ref = ${nameId()} ORDER BY chain_seq LIMIT ?`,
            [chain, pageSize],
          );
      const legacyPrev = withLegacyLinks ? await this.globalPredecessors(q, entries) : null;
      for (const e of entries) {
        let check = checkChainLink(e, prev);
        if (check.ok && legacyPrev && e.hashVersion === 1) {
          const before = e.seq === 1 ? GENESIS_HASH : legacyPrev.get(e.seq - 1);
          if (before === undefined) check = { ok: false, reason: 'seq-gap' };
          else if (before !== e.prevHash) check = { ok: false, reason: 'prev-hash-mismatch' };
        }
        if (!check.ok) {
          broken = { seq: e.seq, chain, chainSeq: e.chainSeq, reason: check.reason!, action: e.action, at: e.at };
          break outer;
        }
        expectations.see(chain, e.chainSeq, e.hash);
        reports.see(e.chainSeq, e.hash);
        prev = { chainSeq: e.chainSeq, hash: e.hash, hashVersion: e.hashVersion };
        if (e.seq > maxSeq) maxSeq = e.seq;
        if (e.hashVersion !== 1 || withLegacyLinks) count++;
        if (e.hashVersion === 1) legacy++;
        if (slices.due()) await slices.yield();
      }
      await reports.check();
      if (entries.length < pageSize) break;
      await slices.yield();
    }
    const [head] = await q.query<{ seq: number | string; hash: string; mac: string }>(
      'SELECT seq, hash, mac FROM audit_chain WHERE chain = ?',
      [chain],
    );
    const headSeq = Number(head?.seq ?? 0);
    if (!broken) {
      let ok: boolean;
      if (prev === null) ok = !head || headSeq === 0;
      else if (!head || headSeq !== prev.chainSeq || head.hash !== prev.hash) ok = false;
      // A head still at an entry of version 1 has no MAC of its own: the old global head covers it.
      else if (prev.hashVersion === 1)
        ok = head.mac === '' || chainHeadMacMatches(this.key, chain, headSeq, head.hash, head.mac);
      else ok = chainHeadMacMatches(this.key, chain, headSeq, head.hash, head.mac);
      if (!ok) broken = { seq: null, chain, chainSeq: (prev?.chainSeq ?? 0) + 1, reason: 'head-mismatch' };
    }
    await reports.rest();
    expectations.end(chain, prev?.chainSeq ?? 0);
    // An entry of this chain without a place (SQLite's column allows NULL) is in no walk.
    const [unplacedRow] = await q.query(
      `SELECT seq FROM audit_entry WHERE chain_ref = ${nameId()} AND chain_seq IS NULL LIMIT 1`,
      [chain],
    );
    return { count, legacy, unplaced: !!unplacedRow, maxSeq, broken, headSeq };
  }

  /**
   * Every chain some entry names, two index look-ups per chain (not a scan of the entries); `unnamed`
   * when some entry's chain number names nothing (its entries are in no walk).
   */
  private async entryChains(q: Reads): Promise<{ chains: string[]; unnamed: boolean }> {
    const chains: string[] = [];
    let unnamed = false;
    let after = -1;
    for (;;) {
      const [row] = await q.query<{ r: number | string | null }>(
        'SELECT MIN(chain_ref) AS r FROM audit_entry WHERE chain_ref > ?',
        [after],
      );
      if (row?.r == null) break;
      after = Number(row.r);
      const [name] = await q.query<{ name: string }>('SELECT name FROM audit_name WHERE id = ?', [after]);
      if (name) chains.push(name.name);
      else unnamed = true;
    }
    return { chains, unnamed };
  }

  /** The hashes of the global-chain predecessors of the version-1 entries among `entries`. */
  private async globalPredecessors(q: Reads, entries: StoredChainedEntry[]): Promise<Map<number, string>> {
    const wanted = entries.filter((e) => e.hashVersion === 1 && e.seq > 1).map((e) => e.seq - 1);
    const found = new Map<number, string>();
    for (const part of chunks(wanted, 500)) {
      const rows = await q.query<{ seq: number | string; hash: string }>(
        `SELECT seq, hash FROM ${ENTRY_VIEW} WHERE hash_version = 1 AND seq IN (${part.map(() => '?').join(', ')})`,
        part,
      );
      for (const r of rows) found.set(Number(r.seq), r.hash);
    }
    return found;
  }

  /** Whether the head row of `chain` names the entry at `chainSeq` with `hash` (and its MAC is ours). */
  async headNames(chain: string, chainSeq: number, hash: string, hashVersion: HashVersion): Promise<boolean> {
    const [head] = await sql<{ seq: number | string; hash: string; mac: string }>(
      this.dataSource.manager,
      'SELECT seq, hash, mac FROM audit_chain WHERE chain = ?',
      [chain],
    );
    if (!head || Number(head.seq) !== chainSeq || head.hash !== hash) return false;
    if (hashVersion === 1 && head.mac === '') return true;
    return chainHeadMacMatches(this.key, chain, chainSeq, hash, head.mac);
  }

  /** Whether the frozen head of the old global chain names entry `seq` with `hash`. */
  async legacyHeadNames(seq: number, hash: string): Promise<boolean> {
    const [head] = await sql<{ seq: number | string; hash: string; mac: string }>(
      this.dataSource.manager,
      'SELECT seq, hash, mac FROM audit_head WHERE id = 1',
    );
    return !!head && Number(head.seq) === seq && head.hash === hash && macMatches(this.key, seq, hash, head.mac);
  }

  /** An incident's entries in order, `limit` at a time after entry `afterSeq` (index (incident_ref, seq)). */
  async timeline(incidentId: string, limit: number, afterSeq = 0): Promise<AuditEntry[]> {
    const rows = await sql<Record<string, unknown>>(
      this.dataSource.manager,
      `SELECT ${entryColumnsWithBefore('e')} FROM ${ENTRY_VIEW} e WHERE e.incident_ref = ${nameId()} AND e.seq > ? ` +
        'ORDER BY e.seq LIMIT ?',
      [incidentId, afterSeq, limit],
    );
    return rows.map((r) => entryOfRow(r));
  }

  /**
   * The entries after `afterSeq` whose action matches one of the LIKE `patterns`, in id order, `limit`
   * at a time: what a projection catching up with the trail reads of each (no hashes, no links).
   */
  async entriesAfter(em: EntityManager, afterSeq: number, patterns: readonly string[], limit: number) {
    const like = patterns.map(() => 'action LIKE ?').join(' OR ');
    const rows = await sql<Record<string, unknown>>(
      em,
      `SELECT seq, at, chain, hash_version, org_id, incident_id, action, payload FROM ${ENTRY_VIEW} ` +
        `WHERE seq > ? AND (${like}) ORDER BY seq LIMIT ?`,
      [afterSeq, ...patterns, limit],
    );
    return rows.map((r): TrailEntry => ({
      seq: Number(r.seq),
      at: String(r.at),
      orgId: orgOfRow(r),
      incidentId: (r.incident_id as string | null) ?? null,
      action: String(r.action),
      payload: String(r.payload),
    }));
  }

  /** The highest entry id, or 0 for an empty trail. */
  async lastSeq(em: EntityManager): Promise<number> {
    const [max] = await sql<{ seq: number | string | null }>(em, 'SELECT MAX(seq) AS seq FROM audit_entry');
    return Number(max?.seq ?? 0);
  }
}
