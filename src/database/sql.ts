import { LRUCache } from 'lru-cache';
import { QueryFailedError, type EntityManager } from 'typeorm';

/** The part of a better-sqlite3 connection and statement used here. */
interface SqliteStatement {
  reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}
interface SqliteConnection {
  prepare(text: string): SqliteStatement;
}

/** Prepared statements per connection, by text; the hot paths use a few dozen distinct texts. */
const statements = new WeakMap<SqliteConnection, LRUCache<string, SqliteStatement>>();
const MAX_STATEMENTS = 500;

function prepared(db: SqliteConnection, text: string): SqliteStatement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new LRUCache({ max: MAX_STATEMENTS })));
  let stmt = cache.get(text);
  if (!stmt) {
    stmt = db.prepare(text);
    cache.set(text, stmt);
  }
  return stmt;
}

/**
 * A raw statement with `?` placeholders, rewritten to `$1…` on Postgres. Used on the hot paths
 * (applying a workflow event, appending audit entries, writing outbox rows, delivering
 * notifications), where TypeORM's query builder cost more than the SQL itself; everything else
 * uses repositories.
 *
 * On SQLite the statement runs directly on the better-sqlite3 connection `em` uses (so inside its
 * transaction, if any), prepared once and run synchronously: TypeORM's `query()` wraps every
 * statement in several awaited steps (broadcaster, logger, statement cache), which on the event
 * path cost more than the statements. Errors are TypeORM's QueryFailedError either way.
 */
export function sql<T = Record<string, unknown>>(
  em: EntityManager,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const driver = em.connection.driver as { options: { type: string }; databaseConnection?: SqliteConnection };
  if (driver.options.type === 'better-sqlite3' && driver.databaseConnection) {
    // better-sqlite3 cannot bind booleans.
    const bound = params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
    try {
      const stmt = prepared(driver.databaseConnection, text);
      if (stmt.reader) return Promise.resolve(stmt.all(...bound) as T[]);
      stmt.run(...bound);
      return Promise.resolve([]);
    } catch (err) {
      return Promise.reject(new QueryFailedError(text, bound, err as Error));
    }
  }
  if (driver.options.type === 'postgres') {
    let n = 0;
    text = text.replace(/\?/g, () => `$${++n}`);
  }
  return em.query(text, params) as Promise<T[]>;
}

/** `n` comma-separated `?` placeholders, for VALUES rows and IN lists. */
export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** `list` in runs of at most `size`: IN lists and multi-row inserts stay under the bound-parameter limit. */
export function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Booleans come back as 0/1 from SQLite and true/false from Postgres. */
export const bool = (v: unknown): boolean => v === true || v === 1 || v === '1';
