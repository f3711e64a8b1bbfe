import { createHash } from 'node:crypto';
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
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
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
 * A server-side prepared statement's name for a Postgres text, or none. Naming a statement makes
 * node-postgres parse it once per connection and only bind and execute it afterwards, which took
 * Postgres's parse and plan work off every event (npm run bench:pg). Statements with many parameters
 * are left unnamed: they are the multi-row inserts and IN lists whose texts vary with their row counts,
 * and each named text stays prepared on every pooled connection.
 */
const MAX_NAMED_PARAMS = 32;
const pgNames = new LRUCache<string, string>({ max: MAX_STATEMENTS });
function pgName(text: string, params: number): string | undefined {
  if (params > MAX_NAMED_PARAMS) return undefined;
  let name = pgNames.get(text);
  if (name === undefined) {
    name = `q${createHash('sha1').update(text).digest('base64url')}`;
    pgNames.set(text, name);
  }
  return name;
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
 * path cost more than the statements. On Postgres it runs on the connection of the manager's query
 * runner (`QueryRunner.connect()` answers it; outside a transaction, a runner lent from the pool for
 * the one statement) for the same reason: on the event path TypeORM's wrapping cost more CPU than the
 * round trips (npm run bench:pg); and as a named statement (pgName). Errors are TypeORM's
 * QueryFailedError either way, with the driver's SQLSTATE.
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
    // The manager's own runner (a transaction's), else a runner lent from the pool for this one statement.
    const own = em.queryRunner && !em.queryRunner.isReleased ? null : em.connection.createQueryRunner();
    const runner = own ?? em.queryRunner!;
    const out = runner
      .connect()
      .then((client: PgClient) => client.query({ name: pgName(pg, params.length), text: pg, values: params }))
      .then(
        (res) => res.rows as T[],
        (err: unknown) => Promise.reject(new QueryFailedError(pg, params, err as Error)),
      );
    return own ? out.finally(() => own.release()) : out;
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
