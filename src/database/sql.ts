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

/** The part of a node-postgres client used here. */
interface PgClient {
  query(config: { text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** `?` placeholders as `$1…`, by text (the hot paths use a few dozen distinct texts). */
const pgTexts = new LRUCache<string, string>({ max: MAX_STATEMENTS });
function pgText(text: string): string {
  let out = pgTexts.get(text);
  if (out === undefined) {
    let n = 0;
    out = text.replace(/\?/g, () => `$${++n}`);
    pgTexts.set(text, out);
  }
  return out;
}

/**
 * A raw statement with `?` placeholders, rewritten to `$1…` on Postgres. Used on the hot paths
 * (applying a workflow event, appending audit entries, writing outbox rows, delivering
 * notifications), where TypeORM's query builder cost more than the SQL itself; everything else
 * uses repositories. It answers the rows a statement returns (a SELECT's, or an UPDATE's RETURNING
 * rows) on both databases.
 *
 * On SQLite the statement runs directly on the better-sqlite3 connection `em` uses (so inside its
 * transaction, if any), prepared once and run synchronously: TypeORM's `query()` wraps every
 * statement in several awaited steps (broadcaster, logger, statement cache), which on the event
 * path cost more than the statements. On Postgres, inside a transaction, it runs on the connection of
 * the transaction's query runner (`QueryRunner.connect()` answers it) for the same reason: on the
 * event path TypeORM's wrapping cost more CPU than the round trips (npm run bench:pg). Outside a
 * transaction it goes through TypeORM, which lends a pooled connection for the one statement.
 * Errors are TypeORM's QueryFailedError either way, with the driver's SQLSTATE.
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
    const pg = pgText(text);
    const runner = em.queryRunner;
    if (runner?.isTransactionActive && !runner.isReleased) {
      return runner
        .connect()
        .then((client: PgClient) => client.query({ text: pg, values: params }))
        .then(
          (res) => res.rows as T[],
          (err: unknown) => Promise.reject(new QueryFailedError(pg, params, err as Error)),
        );
    }
    // TypeORM answers an UPDATE or DELETE as [rows, count] (a row is never an array); the rows are what
    // callers read.
    return (em.query(pg, params) as Promise<unknown>).then((out) =>
      Array.isArray(out) && out.length === 2 && Array.isArray(out[0]) && typeof out[1] === 'number'
        ? (out[0] as T[])
        : (out as T[]),
    );
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
