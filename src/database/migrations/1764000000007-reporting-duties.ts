import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Reporting duties of the published measures that the schema could not hold:
 * - organisation.department_kind and .region, so a report finds a provincial cyberspace department or
 *   public security of the operator's province, not only the protection department of its sector;
 *   existing departments were all protection departments;
 * - service_provider: the contractors an operator must bind to report incidents to it (NCIRM-2025).
 */
export class ReportingDuties1764000000007 implements MigrationInterface {
  name = 'ReportingDuties1764000000007';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('organisation', [
      new TableColumn({ name: 'department_kind', type: 'varchar', length: '40', isNullable: true }),
      new TableColumn({ name: 'region', type: 'varchar', length: '2', isNullable: true }),
    ]);
    await q.query(`UPDATE organisation SET department_kind = 'protection-department' WHERE kind = 'department'`);
    await q.createTable(
      new Table({
        name: 'service_provider',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'services', type: 'text' },
          { name: 'contact_name', type: 'varchar', length: '200' },
          { name: 'phone', type: 'varchar', length: '40', isNullable: true },
          { name: 'email', type: 'varchar', length: '320', isNullable: true },
          { name: 'contract_reference', type: 'varchar', length: '200', isNullable: true },
          { name: 'reporting_clause', type: 'boolean', default: false },
          { name: 'notes', type: 'text', isNullable: true },
          { name: 'active', type: 'boolean', default: true },
          { name: 'created_at', type: 'varchar', length: '32' },
          { name: 'updated_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [{ columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createIndex('service_provider', new TableIndex({ columnNames: ['org_id', 'name'] }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('service_provider');
    // Plain DROP COLUMN (SQLite 3.35+, Postgres): TypeORM's SQLite fallback rebuilds the table, which the
    // foreign keys that point at organisation refuse.
    await q.query('ALTER TABLE organisation DROP COLUMN region');
    await q.query('ALTER TABLE organisation DROP COLUMN department_kind');
  }
}
