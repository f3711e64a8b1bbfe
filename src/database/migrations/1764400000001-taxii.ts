import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** TAXII 2.1: the objects of every collection (versions, date_added) and the status of POSTed envelopes. */
export class Taxii1764400000001 implements MigrationInterface {
  name = 'Taxii1764400000001';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'taxii_object',
        columns: [
          { name: 'collection_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'stix_id', type: 'varchar', length: '300', isPrimary: true },
          { name: 'version', type: 'varchar', length: '40', isPrimary: true },
          { name: 'type', type: 'varchar', length: '250' },
          { name: 'spec_version', type: 'varchar', length: '8' },
          { name: 'date_added', type: 'varchar', length: '40' },
          { name: 'latest', type: 'boolean' },
          { name: 'first', type: 'boolean' },
          { name: 'added_by_org', type: 'varchar', length: '36' },
          { name: 'content', type: 'text' },
        ],
        indices: [
          { columnNames: ['collection_id', 'date_added'], isUnique: true },
          { columnNames: ['collection_id', 'stix_id'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'taxii_status',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'collection_id', type: 'varchar', length: '36' },
          { name: 'request_timestamp', type: 'varchar', length: '40' },
          { name: 'total_count', type: 'integer' },
          { name: 'success_count', type: 'integer' },
          { name: 'failure_count', type: 'integer' },
          { name: 'successes', type: 'text' },
          { name: 'failures', type: 'text' },
        ],
        foreignKeys: [{ columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('taxii_status');
    await q.dropTable('taxii_object');
  }
}
