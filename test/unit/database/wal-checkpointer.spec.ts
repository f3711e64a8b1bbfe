import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { sql } from '../../../src/database/sql';
import { TransactionRunner } from '../../../src/database/transaction-runner';
import { WalCheckpointer } from '../../../src/database/wal-checkpointer';
import { waitFor } from '../../support/wait';

/** Real SQLite files; the checkpoints run on a real worker thread with its own connection. */
describe('WalCheckpointer', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'lianfang-wal-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function writer(name: string) {
    const path = join(dir, name);
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // No checkpoints by SQLite itself on the writer: whatever keeps the WAL short is the thread.
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    const write = db.transaction((n: number) => {
      for (let i = 0; i < n; i++) insert.run(Buffer.alloc(3000, i % 251));
    });
    return { path, db, write };
  }
  const tick = () => new Promise((r) => setImmediate(r));

  it('keeps the WAL short under steady writes, with passes on its own thread', async () => {
    const { path, db, write } = writer('steady.sqlite');
    const errors: Error[] = [];
    const cp = new WalCheckpointer(path, require.resolve('better-sqlite3'), {
      everyCommits: 20,
      restartFrames: 300,
      quickPassMs: 1000,
      onError: (e) => errors.push(e),
    });
    await cp.ready;
    const logs: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const wait = cp.beforeTransaction();
      if (wait) await wait;
      write(2);
      cp.committed();
      // Let the thread's answers in, as the service's event loop does between requests.
      if (i % 5 === 0) await tick();
      if (cp.last) logs.push(cp.last.log);
    }
    await cp.stop();
    expect(errors).toEqual([]);
    expect(cp.last!.checkpointed).toBeGreaterThan(0);
    // 2,000 commits of two 3 kB rows leave a WAL of about 8,000 frames without checkpoints.
    expect(Math.max(...logs)).toBeLessThan(2000);
    // It started over: a long WAL followed by a short one.
    expect(logs.some((l, i) => i > 0 && l < logs[i - 1]! / 2)).toBe(true);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 4000 });
    db.close();
  });

  it('holds the next write transaction once the WAL is long, for the pass after which it starts over', async () => {
    const { path, db, write } = writer('held.sqlite');
    const cp = new WalCheckpointer(path, require.resolve('better-sqlite3'), {
      everyCommits: 10_000,
      restartFrames: 300,
      quickPassMs: 1000,
      onError: (e) => {
        throw e;
      },
    });
    await cp.ready;
    // Writes with no pause for the thread: nothing is copied back yet.
    for (let i = 0; i < 200; i++) write(2);
    expect(cp.beforeTransaction()).toBeUndefined();
    // One pass, reported while writes continue to be possible: the WAL is long, so a restart is due.
    for (let i = 0; i < 10_000; i++) cp.committed();
    while (!cp.last) await tick();
    expect(cp.last.log).toBeGreaterThanOrEqual(300);
    const held = cp.beforeTransaction();
    expect(held).toBeInstanceOf(Promise);
    await held;
    expect(cp.last.checkpointed).toBe(cp.last.log);
    // The next commit writes from the start of the WAL again.
    write(1);
    const probe = new Database(path);
    const [state] = probe.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>;
    probe.close();
    expect(state!.log).toBeLessThan(10);
    expect(cp.beforeTransaction()).toBeUndefined();
    await cp.stop();
    db.close();
  });

  it('runs behind the TransactionRunner of a file database, and stops with it', async () => {
    const ds = new DataSource({ type: 'better-sqlite3', database: join(dir, 'runner.sqlite'), enableWAL: true });
    await ds.initialize();
    await ds.query('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const tx = new TransactionRunner(ds);
    tx.onModuleInit();
    expect(tx.walCheckpointer).toBeDefined();
    expect(await ds.query('PRAGMA wal_autocheckpoint')).toEqual([{ wal_autocheckpoint: 20_000 }]);
    for (let i = 0; i < 450; i++) await tx.run((em) => sql(em, 'INSERT INTO t (body) VALUES (?)', ['x'.repeat(2000)]));
    // The checkpoint runs on its own thread: wait for its first report rather than for a guessed time.
    await waitFor('a checkpoint pass', async () => (tx.walCheckpointer!.last?.checkpointed ?? 0) > 0, 10_000, 20);
    expect(tx.walCheckpointer!.last?.checkpointed).toBeGreaterThan(0);
    await tx.onModuleDestroy();
    expect(await ds.query('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 450 }]);
    await ds.destroy();

    const memory = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
    await memory.initialize();
    const none = new TransactionRunner(memory);
    none.onModuleInit();
    expect(none.walCheckpointer).toBeUndefined();
    await memory.destroy();
  });
});
