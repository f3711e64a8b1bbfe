import { MigrationInterface, QueryRunner, Table, TableColumnOptions } from 'typeorm';

// Portable types only (varchar, text, integer, boolean); times are ISO-8601 UTC text.
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const text = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable });
const ts = (name: string, nullable = false): TableColumnOptions => str(name, 32, nullable);

export class Notifications1764000000002 implements MigrationInterface {
  name = 'Notifications1764000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'notification_subscription',
        columns: [
          { ...str('id', 36), isPrimary: true },
          str('org_id', 36),
          str('name', 200),
          str('channel', 20),
          text('config'),
          text('secret', true),
          text('events'),
          text('grades'),
          str('drill', 10),
          text('roles'),
          str('locale', 8),
          { name: 'enabled', type: 'boolean', default: true },
          str('created_by', 36),
          ts('created_at'),
          ts('updated_at'),
        ],
        foreignKeys: [{ columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['org_id', 'created_at'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'notification_delivery',
        columns: [
          { ...str('id', 36), isPrimary: true },
          str('org_id', 36),
          str('subscription_id', 36),
          str('subscription_name', 200),
          str('channel', 20),
          str('incident_id', 36, true),
          str('warning_id', 36, true),
          str('report_id', 80, true),
          str('event', 80),
          str('template', 80),
          text('message'),
          str('status', 12),
          { name: 'attempts', type: 'integer', default: 0 },
          text('last_error', true),
          { name: 'last_status', type: 'integer', isNullable: true },
          ts('delivered_at', true),
          str('fanout_id', 120),
          ts('created_at'),
          ts('updated_at'),
        ],
        // No foreign key to the subscription: deleting one keeps its delivery log.
        foreignKeys: [{ columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] }],
        indices: [
          { columnNames: ['fanout_id', 'subscription_id'], isUnique: true },
          { columnNames: ['incident_id', 'created_at'] },
          { columnNames: ['org_id', 'created_at'] },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('notification_delivery');
    await q.dropTable('notification_subscription');
  }
}
