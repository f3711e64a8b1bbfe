import type { EntityManager } from 'typeorm';
import { LRUCache } from 'lru-cache';
import { chunks, placeholders, sql, type TransactionRunner } from '../database';

/**
 * The numbers of the names audit entries share (AuditName): chain names, actor ids, incident ids,
 * actions. `ids` gives them inside the caller's transaction, numbering the new ones. A name's number
 * never changes, so numbers are remembered in this process (an LRU cache, bounded: incidents come and
 * go), but only once the transaction that read or wrote them has committed: a number a rolled-back
 * transaction gave is gone with it.
 */
export class AuditNames {
  // 20,000 names: every actor and chain of a large deployment and its recently active incidents.
  private readonly known = new LRUCache<string, number>({ max: 20_000 });

  constructor(private readonly tx: TransactionRunner) {}

  async ids(em: EntityManager, names: Iterable<string>): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    const missing: string[] = [];
    for (const name of new Set(names)) {
      const id = this.known.get(name);
      if (id === undefined) missing.push(name);
      else found.set(name, id);
    }
    if (!missing.length) return found;
    // Sorted, so two transactions numbering the same new names take their unique-index locks
    // (Postgres) in the same order.
    missing.sort();
    for (const part of chunks(missing, 200)) {
      await sql(
        em,
        `INSERT INTO audit_name (name) VALUES ${part.map(() => '(?)').join(', ')} ON CONFLICT (name) DO NOTHING`,
        part,
      );
      const rows = await sql<{ id: number | string; name: string }>(
        em,
        `SELECT id, name FROM audit_name WHERE name IN (${placeholders(part.length)})`,
        part,
      );
      for (const r of rows) found.set(r.name, Number(r.id));
    }
    for (const name of missing)
      if (!found.has(name)) throw new Error(`audit name ${JSON.stringify(name)} was not numbered`);
    this.tx.afterCommit(em, () => {
      for (const name of missing) this.known.set(name, found.get(name)!);
    });
    return found;
  }
}
