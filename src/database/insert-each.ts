import type { ObjectLiteral, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

/**
 * Inserts rows one statement each. TypeORM 1.1's multi-row insert on better-sqlite3 writes the
 * rows correctly but then copies re-read keys back onto the passed objects in primary-key order,
 * not insertion order, so afterwards `rows[0].id` may be the id of rows[1] (seen here: a report
 * delivery job pointed at the wrong recipient). Code that uses the objects after inserting them
 * must insert them one by one.
 */
export async function insertEach<T extends ObjectLiteral>(repo: Repository<T>, rows: T[]): Promise<void> {
  for (const row of rows) await repo.insert(row as QueryDeepPartialEntity<T>);
}
