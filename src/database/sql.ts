import type { EntityManager } from 'typeorm';

/**
 * A raw statement with `?` placeholders, rewritten to `$1…` on Postgres. Used on the hot paths
 * (applying a workflow event, appending audit entries, writing outbox rows), where TypeORM's query
 * builder cost more than the SQL itself; everything else uses repositories.
 */
export function sql<T = Record<string, unknown>>(em: EntityManager, text: string, params: unknown[] = []): Promise<T[]> {
  if (em.connection.options.type === 'postgres') {
    let n = 0;
    text = text.replace(/\?/g, () => `$${++n}`);
  }
  return em.query(text, params) as Promise<T[]>;
}

/** Booleans come back as 0/1 from SQLite and true/false from Postgres. */
export const bool = (v: unknown): boolean => v === true || v === 1 || v === '1';
