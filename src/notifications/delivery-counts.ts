import type { EntityManager } from 'typeorm';
import { sql } from '../database';

/** Notification deliveries by status (queued, delivered, failed, dead), for the operations metrics. */
export async function deliveryStatusCounts(em: EntityManager): Promise<Map<string, number>> {
  const rows = await sql<{ status: string; n: number | string }>(
    em,
    'SELECT status, COUNT(*) AS n FROM notification_delivery GROUP BY status',
  );
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}
