import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** SQLSTATEs after which Postgres has rolled the transaction back and running it again can succeed. */
const RETRYABLE: Record<string, 'deadlocks' | 'serializationFailures'> = {
  '40P01': 'deadlocks',
  '40001': 'serializationFailures',
};

/** Attempts of one transaction in all (the first included) before the failure reaches the caller. */
export const MAX_TRANSACTION_ATTEMPTS = 5;

/**
 * What the runner has retried since the process started; read by whoever reports metrics.
 * `deadlocks` and `serializationFailures` count the failed attempts by SQLSTATE (40P01, 40001),
 * `retried` the attempts run again, `exhausted` the transactions that failed on every attempt.
 */
export interface TransactionStats {
  committed: number;
  retried: number;
  deadlocks: number;
  serializationFailures: number;
  exhausted: number;
}

type Hook = () => void;
type PreCommitHook = () => Promise<void>;

interface Hooks {
  after: Hook[];
  before: PreCommitHook[];
}

/** The SQLSTATE of a failed statement (TypeORM's QueryFailedError copies the driver's fields). */
export function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Every top-level write transaction goes through here.
 *
 * SQLite (better-sqlite3) has one connection: two overlapping `dataSource.transaction()` calls fail
 * with "cannot start a transaction within a transaction". So on SQLite transactions run one after
 * another, first come first served (a promise chain is a FIFO queue). On Postgres each transaction
 * gets a pooled connection and they run concurrently; the database serialises what must be.
 *
 * On Postgres a transaction that fails with a deadlock (40P01) or a serialization failure (40001) has
 * been rolled back whole by the server, so the runner runs `work` again from the start, in a new
 * transaction, after a short random pause: up to MAX_TRANSACTION_ATTEMPTS attempts, then the last
 * error goes to the caller. The caller never sees an attempt that failed (its after-commit callbacks
 * are dropped with it); `work` must therefore keep what it changes outside the database for after
 * commit (`afterCommit`), which is how the code here is written anyway. The counts are in `stats()`.
 * The lock order that keeps deadlocks rare is in README ("Locks and transactions").
 *
 * Work inside a transaction can ask to be called back once it has committed (`afterCommit`): the
 * outbox uses it to wake its relay only when a transaction really wrote rows. It can also ask for
 * work to be done last inside the transaction, just before COMMIT (`beforeCommit`): the audit trail
 * links its entries to their chains there, so the chain head is locked only for the end of the
 * transaction.
 */
/** Told each transaction attempt's duration in milliseconds and whether it committed. */
export type TransactionObserver = (ms: number, committed: boolean) => void;

@Injectable()
export class TransactionRunner {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serial: boolean;
  /** Callbacks per open transaction (on SQLite every transaction shares one manager, one at a time). */
  private readonly hooks = new WeakMap<EntityManager, Hooks>();
  private readonly observers = new Set<TransactionObserver>();
  private readonly counts: TransactionStats = {
    committed: 0,
    retried: 0,
    deadlocks: 0,
    serializationFailures: 0,
    exhausted: 0,
  };

  constructor(private readonly dataSource: DataSource) {
    this.serial = dataSource.options.type === 'better-sqlite3';
  }

  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serial) return this.withRetries(work);
    const result = this.tail.then(() => this.execute(work));
    // The chain must go on whether this transaction commits or rolls back.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** A copy of the counters since the process started. */
  stats(): TransactionStats {
    return { ...this.counts };
  }

  /**
   * Calls `listener` with the duration of every transaction attempt (from BEGIN to COMMIT or ROLLBACK,
   * not the wait in the SQLite queue) and whether it committed: the operations metrics' histogram.
   * Returns the way to stop listening.
   */
  observe(listener: TransactionObserver): () => void {
    this.observers.add(listener);
    return () => this.observers.delete(listener);
  }

  private told(ms: number, committed: boolean): void {
    for (const listener of this.observers) listener(ms, committed);
  }

  /**
   * Calls `fn` after the transaction `em` belongs to commits (never when it rolls back), once
   * however often it is registered in that transaction. Returns false when `em` is not a
   * transaction of this runner, so the caller can fall back.
   */
  afterCommit(em: EntityManager, fn: () => void): boolean {
    const hooks = this.hooks.get(em);
    if (!hooks) return false;
    if (!hooks.after.includes(fn)) hooks.after.push(fn);
    return true;
  }

  /**
   * Runs `fn` inside the transaction `em` belongs to, after its work has finished and just before
   * COMMIT (in the order registered; a hook may register another). A hook that throws rolls the
   * transaction back like its work would. Returns false when `em` is not a transaction of this runner.
   */
  beforeCommit(em: EntityManager, fn: () => Promise<void>): boolean {
    const hooks = this.hooks.get(em);
    if (!hooks) return false;
    if (!hooks.before.includes(fn)) hooks.before.push(fn);
    return true;
  }

  private async withRetries<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.execute(work);
      } catch (err) {
        const kind = RETRYABLE[sqlState(err) ?? ''];
        if (!kind) throw err;
        this.counts[kind]++;
        if (attempt >= MAX_TRANSACTION_ATTEMPTS) {
          this.counts.exhausted++;
          throw err;
        }
        this.counts.retried++;
        // A random pause that grows with the attempt, so the transactions that collided do not meet again.
        await new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** attempt));
      }
    }
  }

  private async execute<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const hooks: Hooks = { after: [], before: [] };
    let manager: EntityManager | undefined;
    let result: T;
    const started = performance.now();
    let committed = false;
    try {
      result = await this.dataSource.transaction(async (em) => {
        manager = em;
        this.hooks.set(em, hooks);
        const value = await work(em);
        for (let i = 0; i < hooks.before.length; i++) await hooks.before[i]!();
        return value;
      });
      committed = true;
    } finally {
      if (manager) this.hooks.delete(manager);
      if (this.observers.size) this.told(performance.now() - started, committed);
    }
    this.counts.committed++;
    for (const fn of hooks.after) fn();
    return result;
  }
}
