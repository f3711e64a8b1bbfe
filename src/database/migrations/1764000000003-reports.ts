import { MigrationInterface, QueryRunner, Table, TableColumnOptions } from 'typeorm';

// Portable column set only (varchar, text, integer, boolean); times are ISO-8601 UTC text.
const id = (): TableColumnOptions => ({ name: 'id', type: 'varchar', length: '36', isPrimary: true });
const ref = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: '36',
  isNullable: nullable,
});
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const ts = (name: string, nullable = false): TableColumnOptions => str(name, 32, nullable);
const text = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable });
const int = (name: string): TableColumnOptions => ({ name, type: 'integer', default: 0 });
const bool = (name: string, dflt = false): TableColumnOptions => ({ name, type: 'boolean', default: dflt });

export class Reports1764000000003 implements MigrationInterface {
  name = 'Reports1764000000003';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'report',
        columns: [
          id(),
          ref('org_id'),
          ref('incident_id'),
          str('reference', 48),
          str('kind', 12),
          str('status', 12),
          bool('partial'),
          ref('corrects_id', true),
          bool('drill'),
          str('grade', 4),
          str('category', 60),
          str('rule_id', 60),
          text('fields'),
          text('required_fields'),
          text('owed_fields'),
          str('content_digest', 64, true),
          int('version'),
          str('created_by', 60),
          ts('created_at'),
          ts('updated_at'),
          ref('approved_by', true),
          ts('approved_at', true),
          ref('submitted_by', true),
          ts('submitted_at', true),
        ],
        foreignKeys: [
          { columnNames: ['incident_id'], referencedTableName: 'incident', referencedColumnNames: ['id'] },
          { columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] },
        ],
        indices: [
          { columnNames: ['org_id', 'incident_id', 'created_at'] },
          { columnNames: ['incident_id', 'reference'], isUnique: true },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'report_recipient',
        columns: [
          id(),
          ref('org_id'),
          str('kind', 40),
          str('name', 200),
          str('channel', 12),
          text('config'),
          text('secret_sealed', true),
          bool('drill'),
          bool('active', true),
          ts('created_at'),
          ts('updated_at'),
        ],
        foreignKeys: [{ columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['org_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'report_delivery',
        columns: [
          id(),
          ref('report_id'),
          ref('org_id'),
          ref('incident_id'),
          ref('department_org_id', true),
          ref('recipient_id', true),
          str('recipient_kind', 40),
          str('recipient_name', 200),
          str('channel', 12),
          str('kind', 12),
          str('grade', 4),
          str('category', 60),
          bool('drill'),
          str('status', 12),
          int('attempts'),
          text('attempt_log'),
          text('last_error', true),
          ts('delivered_at', true),
          ts('received_at', true),
          ts('ack_due_at'),
          int('ack_escalation_level'),
          ts('acknowledged_at', true),
          str('acknowledged_by', 60, true),
          text('ack_note', true),
          str('onward_status', 12),
          ts('onward_due_at', true),
          int('onward_escalation_level'),
          text('onward_reminded'),
          str('onward_reference', 200, true),
          ts('onward_at', true),
          ref('onward_by', true),
          ts('created_at'),
          ts('updated_at'),
        ],
        foreignKeys: [{ columnNames: ['report_id'], referencedTableName: 'report', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['department_org_id', 'received_at'] }, { columnNames: ['report_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'report_info_request',
        columns: [
          id(),
          ref('report_id'),
          ref('delivery_id'),
          ref('org_id'),
          ref('incident_id'),
          ref('department_org_id'),
          str('department_name', 200),
          text('message'),
          ref('requested_by'),
          ts('requested_at'),
        ],
        foreignKeys: [
          { columnNames: ['delivery_id'], referencedTableName: 'report_delivery', referencedColumnNames: ['id'] },
        ],
        indices: [{ columnNames: ['report_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('report_info_request');
    await q.dropTable('report_delivery');
    await q.dropTable('report_recipient');
    await q.dropTable('report');
  }
}
