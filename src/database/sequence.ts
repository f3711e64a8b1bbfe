import { EntityManager } from 'typeorm';

/**
 * Next value of a named counter, inside the caller's transaction. One upsert statement with
 * RETURNING works on SQLite (≥ 3.35) and Postgres and needs no read-then-write race handling.
 */
export async function nextSequenceValue(em: EntityManager, name: string): Promise<number> {
  const param = em.connection.options.type === 'postgres' ? '$1' : '?';
  const rows: Array<{ value: number | string }> = await em.query(
    `INSERT INTO sequence (name, value) VALUES (${param}, 1) ON ` +
      `CONFLICT (name) DO UPDATE SET value = sequence.value + 1 ` +
      `RETURNING value`,
    [name],
  );
  return Number(rows[0].value);
}
