import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * plan, plan_version, plan_pin: organisations' own emergency plans as versioned data (src/plans), and
 * which incident was declared with which version.
 */
export class Plans1764600000000 implements MigrationInterface {
  name = 'Plans1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'plan',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'latest_version', type: 'integer' },
          { name: 'active', type: 'boolean', default: false },
          { name: 'published', type: 'boolean', default: false },
          { name: 'origin', type: 'varchar', length: '200', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '32' },
          { name: 'updated_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [{ columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['org_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'plan_version',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'plan_id', type: 'varchar', length: '36' },
          { name: 'version', type: 'integer' },
          { name: 'document', type: 'text' },
          { name: 'categories', type: 'varchar', length: '2000' },
          { name: 'note', type: 'varchar', length: '500', isNullable: true },
          { name: 'created_by', type: 'varchar', length: '100' },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [{ columnNames: ['plan_id'], referencedTableName: 'plan', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['plan_id', 'version'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'plan_pin',
        columns: [
          { name: 'incident_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'plan_version_id', type: 'varchar', length: '36' },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [
          { columnNames: ['plan_version_id'], referencedTableName: 'plan_version', referencedColumnNames: ['id'] },
        ],
        indices: [{ columnNames: ['plan_version_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('plan_pin');
    await q.dropTable('plan_version');
    await q.dropTable('plan');
  }
}
