import Database from 'better-sqlite3';
import type { DataSource, QueryRunner } from 'typeorm';
import { sql } from './sql';

/**
 * Reads of the database as it stood at one moment, for a long read-only walk (audit verification
 * over millions of rows) that must see one consistent state: every chain with the head row that goes
 * with it, however long the walk takes and whatever is written meanwhile. `close()` always.
 */
export interface SnapshotReads {
  /** The rows of one statement (`?` placeholders). */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** The page cache of a snapshot's own SQLite connection: small, a walk reads each page once. */
const SNAPSHOT_CACHE_KIB = 2048;

/**
 * Opens a snapshot. On SQLite: a read-only connection of its own on the database file, in one read
 * transaction (WAL: writers go on, the walk sees none of their commits), with a small page cache, so
 * the walk neither grows the service's memory by the service connection's 64 MiB cache nor evicts
 * the pages other requests use, and its statements never see another request's open transaction on
 * the shared connection. While it is open the WAL cannot be checkpointed past its start (it grows
 * with the writes meanwhile and is checkpointed after). On Postgres: a pooled connection in a
 * REPEATABLE READ, READ ONLY transaction. An in-memory SQLite database (no file to share) has no
 * snapshot: reads go to the service connection as they come.
 */
export async function openSnapshot(dataSource: DataSource): Promise<SnapshotReads> {
  const options = dataSource.options;
  if (options.type === 'better-sqlite3') {
    const file = options.database;
    if (typeof file !== 'string' || file === ':memory:' || file === '')
      return { query: (text, params) => sql(dataSource.manager, text, params), close: async () => undefined };
    return sqliteSnapshot(file);
  }
  const runner: QueryRunner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction('REPEATABLE READ');
    await runner.query('SET TRANSACTION READ ONLY');
  } catch (err) {
    await runner.release();
    throw err;
  }
  return {
    query: (text, params) => sql(runner.manager, text, params),
    close: async () => {
      try {
        await runner.commitTransaction();
      } finally {
        await runner.release();
      }
    },
  };
}

function sqliteSnapshot(file: string): SnapshotReads {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const statements = new Map<string, Database.Statement>();
  try {
    db.pragma(`cache_size = -${SNAPSHOT_CACHE_KIB}`);
    db.exec('BEGIN');
  } catch (err) {
    db.close();
    throw err;
  }
  return {
    query<T>(text: string, params: unknown[] = []): Promise<T[]> {
      try {
        let stmt = statements.get(text);
        if (!stmt) statements.set(text, (stmt = db.prepare(text)));
        return Promise.resolve(stmt.all(...params) as T[]);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
    close(): Promise<void> {
      if (db.inTransaction) db.exec('COMMIT');
      db.close();
      return Promise.resolve();
    },
  };
}
