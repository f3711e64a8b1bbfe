import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, QueryFailedError } from 'typeorm';
import { sql } from '../../../src/database/sql';
import { TransactionRunner } from '../../../src/database/transaction-runner';
import { idLists } from '../../../src/outbox/outbox.relay';

/** A real SQLite file through TypeORM's better-sqlite3 driver, as the service uses it. */
describe('TransactionRunner and sql() on SQLite', () => {
  let dir: string;
  let ds: DataSource;
  let tx: TransactionRunner;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lianfang-tx-'));
    ds = new DataSource({ type: 'better-sqlite3', database: join(dir, 't.sqlite'), enableWAL: true });
    await ds.initialize();
    await ds.query('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, flag INTEGER NOT NULL)');
    tx = new TransactionRunner(ds);
  });
  afterAll(async () => {
    await ds.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const names = async () =>
    ((await ds.query('SELECT name FROM t ORDER BY id')) as Array<{ name: string }>).map((r) => r.name);

  it('runs afterCommit callbacks after the commit, in order, and never after a rollback', async () => {
    const seen: string[] = [];
    await tx.run(async (em) => {
      await sql(em, 'INSERT INTO t (name, flag) VALUES (?, ?)', ['a', true]);
      expect(tx.afterCommit(em, () => seen.push(`first, committed: ${String(seen.length)}`))).toBe(true);
      tx.afterCommit(em, () => seen.push('second'));
      seen.push('work done');
    });
    expect(seen).toEqual(['work done', 'first, committed: 1', 'second']);

    await expect(
      tx.run(async (em) => {
        await sql(em, 'INSERT INTO t (name, flag) VALUES (?, ?)', ['b', false]);
        tx.afterCommit(em, () => seen.push('must not run'));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(seen).not.toContain('must not run');
    expect(await names()).toEqual(['a']);
  });

  it('says so when the manager is not one of its transactions', () => {
    expect(tx.afterCommit(ds.manager, () => undefined)).toBe(false);
  });

  it(
    'runs sql() inside the transaction of its manager, binds booleans, ' +
      'returns rows, and fails with QueryFailedError',
    async () => {
      await expect(
        tx.run(async (em) => {
          await sql(em, 'INSERT INTO t (name, flag) VALUES (?, ?)', ['c', true]);
          expect(
            await sql<{ name: string; flag: number }>(em, 'SELECT name, flag FROM t WHERE name = ?', ['c']),
          ).toEqual([{ name: 'c', flag: 1 }]);
          await sql(em, 'INSERT INTO t (name, flag) VALUES (?, ?)', ['a', false]); // duplicate name
        }),
      ).rejects.toBeInstanceOf(QueryFailedError);
      // The failed statement rolled the whole transaction back, 'c' included.
      expect(await names()).toEqual(['a']);
      const [row] = await sql<{ n: number }>(ds.manager, 'SELECT COUNT(*) AS n FROM t WHERE flag = ?', [true]);
      expect(row.n).toBe(1);
    },
  );

  it('serialises overlapping transactions in arrival order', async () => {
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3].map((n) =>
        tx.run(async (em) => {
          await sql(em, 'INSERT INTO t (name, flag) VALUES (?, ?)', [`s${n}`, false]);
          await new Promise((r) => setTimeout(r, 5 * (4 - n)));
          order.push(n);
        }),
      ),
    );
    expect(order).toEqual([1, 2, 3]);
  });
});

describe('outbox relay id lists', () => {
  it('covers every id once, in lists of 1-8 or exactly 50 ids, padding only with ids of the same list', () => {
    for (const n of [1, 7, 8, 9, 49, 50, 51, 120, 200]) {
      const seqs = Array.from({ length: n }, (_, i) => 1000 + i);
      const lists = idLists(seqs);
      expect(new Set(lists.flat())).toEqual(new Set(seqs));
      for (const list of lists) {
        expect(list.length <= 8 || list.length === 50).toBe(true);
        expect(list.every((id) => seqs.includes(id))).toBe(true);
      }
      expect(lists.flat().filter((id, i, all) => all.indexOf(id) === i)).toEqual(seqs);
    }
  });
});
