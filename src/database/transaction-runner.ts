import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

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
export class TransactionRunner {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serial: boolean;
  /** Callbacks per open transaction (on SQLite every transaction shares one manager, one at a time). */
  private readonly hooks = new WeakMap<EntityManager, Array<() => void>>();

  constructor(private readonly dataSource: DataSource) {
    this.serial = dataSource.options.type === 'better-sqlite3';
  }

  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serial) return this.execute(work);
    const result = this.tail.then(() => this.execute(work));
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
    for (const fn of callbacks) fn();
    return result;
  }
}
