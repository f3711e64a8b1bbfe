import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';
import { refreshSqliteStats } from './sqlite-stats';

/**
 * A partial index of the submitted reports' audit heads by chain, place and id: verification reads them
 * page by page beside the chain it walks (ReportHeads), instead of holding every report's head at
 * once (836 MB with a million reports).
 */
export class ReportHeadIndex1765400000002 implements MigrationInterface {
  name = 'ReportHeadIndex1765400000002';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex(
      'report',
      new TableIndex({
        name: 'report_head_chain_seq',
        columnNames: ['audit_head_chain', 'audit_head_seq', 'id'],
        where: 'audit_head_seq IS NOT NULL',
      }),
    );
    await refreshSqliteStats(q, 'report');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('report', 'report_head_chain_seq');
  }
}
