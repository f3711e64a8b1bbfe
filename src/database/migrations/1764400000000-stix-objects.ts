import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * stix_object: the id and newest version of every STIX object the service has published, so a
 * re-export keeps ids and `created`, and a changed content gets a newer `modified` (STIX 2.1
 * versioning: one id and `modified`, one content).
 */
export class StixObjects1764400000000 implements MigrationInterface {
  name = 'StixObjects1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'stix_object',
        columns: [
          { name: 'key_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'stix_id', type: 'varchar', length: '100' },
          { name: 'created', type: 'varchar', length: '32' },
          { name: 'modified', type: 'varchar', length: '32', isNullable: true },
          { name: 'content_hash', type: 'varchar', length: '64', isNullable: true },
        ],
        foreignKeys: [{ columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['stix_id'], isUnique: true }, { columnNames: ['org_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('stix_object');
  }
}
