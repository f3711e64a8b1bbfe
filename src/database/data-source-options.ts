import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { SecretBox } from '../common';
import { type AppConfig, secretsBox } from '../config';
import type { EntitySchema } from 'typeorm';
import { migrationsFor } from './migrations';

/** How long a SQLite statement waits for another process's write lock before it fails (SQLITE_BUSY). */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * The database holds incident details and sealed secrets: owner-only (0600), whatever the umask.
 * SQLite creates the -wal and -shm files with the mode of the database file, so creating that file
 * ourselves first decides theirs too; files an older version left readable are tightened.
 */
export function restrictSqliteFiles(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}

/**
 * One description of the database for the app, the worker, the migration CLI and the tests.
 * SQLite goes through better-sqlite3 (the archived `sqlite3` package is gone from TypeORM 1.x).
 * WAL lets readers run beside the single writer; the busy timeout covers a second process (a
 * worker) holding the write lock briefly; foreign keys are off by default in SQLite, so turn them on.
 */
export function dataSourceOptions(
  config: AppConfig,
  opts: {
    synchronize?: boolean;
    /** The entities, where no Nest module registers them (the TypeORM CLI, the admin CLI, tests): src/entities.ts. */
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for entity classes
    entities?: (Function | EntitySchema)[];
  } = {},
): DataSourceOptions {
  let box: SecretBox | undefined;
  const common = {
    entities: opts.entities ?? [],
    migrations: migrationsFor(() => (box ??= secretsBox(config))),
    migrationsRun: false,
    synchronize: opts.synchronize ?? false,
    logging: false,
  } as const;
  if (config.databaseKind === 'sqlite') {
    const path = config.sqlitePath;
    if (path !== ':memory:') restrictSqliteFiles(path);
    return {
      ...common,
      type: 'better-sqlite3',
      database: path,
      enableWAL: true,
      timeout: SQLITE_BUSY_TIMEOUT_MS,
      // The driver already sets foreign_keys = ON; NORMAL is the durable-enough setting for WAL.
      // A 64 MiB page cache instead of SQLite's 2 MiB: the delivery log and audit trail outgrow
      // 2 MiB within hours, and a delivery's row lookup then went to the OS for its pages (the
      // lookup measured 74 us against 60 us with the larger cache, in the notification benchmark).
      // 8 KiB pages for a new database (an existing one keeps its size: SQLite sets it when the file
      // is created, and a WAL database only changes it by a VACUUM outside WAL mode; README "Storage
      // per incident" says how): audit entries, reports and incidents pack with less left over per
      // page. 11.29 against 11.93 kB per incident at 100,000 incidents (issue 19, docs/benchmarks.md).
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('page_size = 8192');
        db.pragma('synchronous = NORMAL');
        db.pragma('cache_size = -65536');
      },
    };
  }
  return { ...common, type: 'postgres', url: config.DATABASE_URL };
}
