import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * TAXII 2.1: the objects of every collection (versions, date_added), the status of POSTed envelopes,
 * subscriptions to external collections and the indicators they delivered.
 */
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
    await q.createTable(
      new Table({
        name: 'taxii_subscription',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'api_root_url', type: 'varchar', length: '2048' },
          { name: 'collection_id', type: 'varchar', length: '100' },
          { name: 'auth', type: 'varchar', length: '8' },
          { name: 'username', type: 'varchar', length: '200', isNullable: true },
          { name: 'secret', type: 'text', isNullable: true },
          { name: 'poll_every', type: 'varchar', length: '40' },
          { name: 'timeout_ms', type: 'integer' },
          { name: 'enabled', type: 'boolean' },
          { name: 'added_after', type: 'varchar', length: '40', isNullable: true },
          { name: 'last_polled_at', type: 'varchar', length: '32', isNullable: true },
          { name: 'last_status', type: 'varchar', length: '8' },
          { name: 'last_error', type: 'text', isNullable: true },
          { name: 'last_received', type: 'integer', default: 0 },
          { name: 'last_added', type: 'integer', default: 0 },
          { name: 'last_skipped', type: 'integer', default: 0 },
          { name: 'created_by', type: 'varchar', length: '36' },
          { name: 'created_at', type: 'varchar', length: '32' },
          { name: 'updated_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [{ columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['org_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'taxii_feed_indicator',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'subscription_id', type: 'varchar', length: '36' },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'type', type: 'varchar', length: '20' },
          { name: 'value', type: 'varchar', length: '2048' },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'stix_id', type: 'varchar', length: '300' },
          { name: 'tlp', type: 'varchar', length: '16', isNullable: true },
          { name: 'received_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [
          {
            columnNames: ['subscription_id'],
            referencedTableName: 'taxii_subscription',
            referencedColumnNames: ['id'],
          },
        ],
        indices: [{ columnNames: ['subscription_id', 'type', 'value'], isUnique: true }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('taxii_feed_indicator');
    await q.dropTable('taxii_subscription');
    await q.dropTable('taxii_status');
    await q.dropTable('taxii_object');
  }
}
