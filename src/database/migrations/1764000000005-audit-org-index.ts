import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Drops the index on audit_entry.org_id. Nothing queries the audit trail by organisation (the
 * timeline goes by incident, verification by seq), and every workflow event paid for the index
 * with one more page written per audit entry.
 */
export class AuditOrgIndex1764000000005 implements MigrationInterface {
  name = 'AuditOrgIndex1764000000005';

  async up(q: QueryRunner): Promise<void> {
    const table = await q.getTable('audit_entry');
    const index = table?.indices.find((i) => i.columnNames.length === 1 && i.columnNames[0] === 'org_id');
    if (table && index) await q.dropIndex(table, index);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.createIndex('audit_entry', new TableIndex({ columnNames: ['org_id'] }));
  }
}
