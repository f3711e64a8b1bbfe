import { Inject, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { LOGGER } from '../logging';
import { WalCheckpointer } from './wal-checkpointer';

/** SQLite's own checkpoints stay on as a backstop, far above where the checkpointer works. */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 20_000;

/**
 * Every top-level write transaction goes through here.
 *
 * SQLite (better-sqlite3) has one connection: two overlapping `dataSource.transaction()` calls fail
 * with "cannot start a transaction within a transaction". So on SQLite transactions run one after
 * another, first come first served (a promise chain is a FIFO queue). On Postgres each transaction
 * gets a pooled connection and they run concurrently; the database serialises what must be.
 *
 * Work inside a transaction can ask to be called back once it has committed (`afterCommit`): the
 * outbox uses it to wake its relay only when a transaction really wrote rows.
 */
@Injectable()
export class TransactionRunner implements OnModuleInit, OnModuleDestroy {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serial: boolean;
  /** Callbacks per open transaction (on SQLite every transaction shares one manager, one at a time). */
  private readonly hooks = new WeakMap<EntityManager, Array<() => void>>();
  /** SQLite on a file: WAL checkpoints off the request thread (see WalCheckpointer). */
  private checkpointer?: WalCheckpointer;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(LOGGER) private readonly logger?: Logger,
  ) {
    this.serial = dataSource.options.type === 'better-sqlite3';
  }

  onModuleInit(): void {
    const path = this.serial ? String((this.dataSource.options as { database?: unknown }).database ?? '') : '';
    if (!path || path === ':memory:' || !this.dataSource.isInitialized) return;
    const db = (this.dataSource.driver as unknown as { databaseConnection: { pragma(sql: string): unknown } })
      .databaseConnection;
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    this.checkpointer = new WalCheckpointer(path, require.resolve('better-sqlite3'), {
      everyCommits: 200,
      restartFrames: 4000,
      quickPassMs: 25,
      onError: (err) => {
        this.logger?.warn(
          { err: err.message },
          'WAL checkpointer stopped; SQLite checkpoints in the commit that crosses its threshold again',
        );
        db.pragma('wal_autocheckpoint = 1000');
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.checkpointer?.stop();
  }

  /** The WAL checkpoint thread, when there is one (for tests). */
  get walCheckpointer(): WalCheckpointer | undefined {
    return this.checkpointer;
  }

  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serial) return this.execute(work);
    // Between two transactions: the one moment the WAL may start over (WalCheckpointer).
    const result = this.tail.then(() => this.checkpointer?.beforeTransaction()).then(() => this.execute(work));
    // The chain must go on whether this transaction commits or rolls back.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /**
   * Calls `fn` after the transaction `em` belongs to commits (never when it rolls back), once
   * however often it is registered in that transaction. Returns false when `em` is not a
   * transaction of this runner, so the caller can fall back.
   */
  afterCommit(em: EntityManager, fn: () => void): boolean {
    const list = this.hooks.get(em);
    if (!list) return false;
    if (!list.includes(fn)) list.push(fn);
    return true;
  }

  private async execute<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const callbacks: Array<() => void> = [];
    let manager: EntityManager | undefined;
    let result: T;
    try {
      result = await this.dataSource.transaction((em) => {
        manager = em;
        this.hooks.set(em, callbacks);
        return work(em);
      });
    } finally {
      if (manager) this.hooks.delete(manager);
    }
    this.checkpointer?.committed();
    for (const fn of callbacks) fn();
    return result;
  }
}
