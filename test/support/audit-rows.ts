import type { DataSource } from 'typeorm';
import { sql } from '../../src/database';

/** An audit entry as a test reads it back: its action, chain (organisation or `system`) and payload text. */
export interface AuditRow {
  seq: number;
  action: string;
  chain: string;
  payload: string;
}

/**
 * The audit entries matching `where` (SQL over the view audit_entry_named, `?` placeholders), in order,
 * read through the service's own connection: the entries' stored rows name their chain and action by
 * number, the view by name.
 */
export const auditRows = (ds: DataSource, where: string, params: unknown[] = []): Promise<AuditRow[]> =>
  sql<AuditRow>(
    ds.manager,
    `SELECT seq, action, chain, payload FROM audit_entry_named WHERE ${where} ORDER BY seq`,
    params,
  );
