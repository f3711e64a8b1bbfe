import Database from 'better-sqlite3';

type Row = Record<string, unknown>;

/**
 * The service's database opened by a test directly, as an operator (or an attacker) with access to
 * it would: a better-sqlite3 connection to the SQLite file, or a pg client to the Postgres database
 * when the suites run there (TEST_DATABASE_URL, see harness.ts). Statements use `?` placeholders on
 * both (rewritten to `$n` for Postgres); rows come back as plain objects. Integers the database
 * computes (COUNT, MAX) are bigint on Postgres, which pg returns as strings: wrap them in Number().
 */
export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  all<T = Row>(text: string, params?: unknown[]): Promise<T[]>;
  get<T = Row>(text: string, params?: unknown[]): Promise<T | undefined>;
  run(text: string, params?: unknown[]): Promise<void>;
  /** Inserts rows as they were read (e.g. to put back what a test deleted). */
  insert(table: string, rows: Row[]): Promise<void>;
  close(): Promise<void>;
}

/** Opens the database the test service uses (`sqlitePath` on SQLite; TEST_DATABASE_URL on Postgres). */
export async function openStorage(sqlitePath: string, opts: { readonly?: boolean } = {}): Promise<Storage> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) return postgres(url);
  return sqlite(new Database(sqlitePath, { readonly: opts.readonly ?? false }));
}

/** True when the suites run against Postgres (TEST_DATABASE_URL). */
export const onPostgres = (): boolean => !!process.env.TEST_DATABASE_URL;

function sqlite(db: Database.Database): Storage {
  const bind = (params: unknown[]) => params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
  const storage: Storage = {
    kind: 'sqlite',
    all: <T>(text: string, params: unknown[] = []) => Promise.resolve(db.prepare(text).all(...bind(params)) as T[]),
    get: <T>(text: string, params: unknown[] = []) =>
      Promise.resolve(db.prepare(text).get(...bind(params)) as T | undefined),
    run: (text: string, params: unknown[] = []) => {
      db.prepare(text).run(...bind(params));
      return Promise.resolve();
    },
    insert: (table, rows) => insertRows(storage, table, rows),
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
  return storage;
}

async function postgres(url: string): Promise<Storage> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  const numbered = (text: string) => {
    let n = 0;
    return text.replace(/\?/g, () => `$${++n}`);
  };
  const storage: Storage = {
    kind: 'postgres',
    all: async <T>(text: string, params: unknown[] = []) => (await client.query(numbered(text), params)).rows as T[],
    get: async <T>(text: string, params: unknown[] = []) =>
      (await client.query(numbered(text), params)).rows[0] as T | undefined,
    run: async (text: string, params: unknown[] = []) => {
      await client.query(numbered(text), params);
    },
    insert: (table, rows) => insertRows(storage, table, rows),
    close: () => client.end(),
  };
  return storage;
}

async function insertRows(s: Storage, table: string, rows: Row[]): Promise<void> {
  for (const r of rows) {
    const cols = Object.keys(r);
    await s.run(
      `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
      cols.map((c) => r[c]),
    );
  }
}
