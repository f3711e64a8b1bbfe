import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Every top-level write transaction goes through here.
 *
 * SQLite (better-sqlite3) has one connection: two overlapping `dataSource.transaction()` calls fail
 * with "cannot start a transaction within a transaction". So on SQLite transactions run one after
 * another, first come first served (a promise chain is a FIFO queue). On Postgres each transaction
 * gets a pooled connection and they run concurrently; the database serialises what must be.
 */
@Injectable()
export class TransactionRunner {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly serial: boolean;
  private pending = 0;

  constructor(private readonly dataSource: DataSource) {
    this.serial = dataSource.options.type === 'better-sqlite3';
  }

  get kind(): 'sqlite' | 'postgres' {
    return this.serial ? 'sqlite' : 'postgres';
  }

  /** Transactions queued or running (a gauge for /ready and the benchmark). */
  get depth(): number {
    return this.pending;
  }

  run<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serial) return this.dataSource.transaction(work);
    this.pending++;
    const result = this.tail.then(() => this.dataSource.transaction(work));
    // The chain must go on whether this transaction commits or rolls back.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => {
      this.pending--;
    });
  }
}
