import type { EntityManager } from 'typeorm';
import { sql } from '../database';

/** Outbox rows not yet handed to their queue, and the age of the oldest, for the operations metrics. */
export async function outboxBacklog(
  em: EntityManager,
  now = Date.now(),
): Promise<{ rows: number; oldestAgeSeconds: number }> {
  const [row] = await sql<{ n: number | string; oldest: string | null }>(
    em,
    'SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE sent_at IS NULL',
  );
  const oldest = row?.oldest ? Date.parse(row.oldest) : NaN;
  return {
    rows: Number(row?.n ?? 0),
    oldestAgeSeconds: Number.isNaN(oldest) ? 0 : Math.max(0, (now - oldest) / 1000),
  };
}
