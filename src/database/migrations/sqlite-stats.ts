import type { QueryRunner } from 'typeorm';

/**
 * After a migration replaces indexes on a SQLite table: analyse the table again if the database has
 * statistics at all (someone ran ANALYZE). The new indexes have none while the others keep theirs,
 * and that mix misleads the planner: with stale statistics for incident_org_created and none for the
 * rebuilt filter indexes, page 1 of the unfiltered incident list sorted a million rows (150 ms) instead
 * of reading 21 index entries. A database without statistics is planned by SQLite's rules, which pick
 * right here. Postgres keeps its own statistics (autovacuum).
 */
export async function refreshSqliteStats(q: QueryRunner, table: string): Promise<void> {
  if (q.connection.options.type !== 'better-sqlite3') return;
  const [stats] = await q.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'");
  if (stats) await q.query(`ANALYZE "${table}"`);
}
