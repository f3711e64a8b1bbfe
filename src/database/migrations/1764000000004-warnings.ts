import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** Early warnings (warning, warning_target) and indicators recorded on incidents for sharing. */
export class Warnings1764000000004 implements MigrationInterface {
  name = 'Warnings1764000000004';

  async up(q: QueryRunner): Promise<void> {
    const v = (name: string, length: number, nullable = false) => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: nullable,
    });
    const text = (name: string, nullable = false) => ({ name, type: 'text', isNullable: nullable });
    const int = (name: string, dflt?: number) => ({
      name,
      type: 'integer',
      ...(dflt !== undefined ? { default: dflt } : {}),
    });
    await q.createTable(
      new Table({
        name: 'warning',
        columns: [
          { ...v('id', 36), isPrimary: true },
          v('org_id', 36),
          v('reference', 32),
          v('title', 300),
          v('level', 8),
          text('sectors'),
          text('threat_description'),
          text('recommended_actions'),
          text('indicators'),
          v('feedback_within', 40, true),
          v('feedback_due_at', 32),
          { name: 'drill', type: 'boolean', default: false },
          v('created_by', 36),
          v('created_at', 32),
          v('updated_at', 32),
        ],
        foreignKeys: [{ columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['org_id', 'created_at'] }, { columnNames: ['org_id', 'reference'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'warning_target',
        columns: [
          { ...v('warning_id', 36), isPrimary: true },
          { ...v('operator_org_id', 36), isPrimary: true },
          v('department_org_id', 36),
          v('state', 40),
          v('workflow_id', 60),
          int('workflow_version'),
          text('snapshot'),
          int('version'),
          int('deadline_generation', 0),
          v('deadline_status', 12),
          v('clock_started_at', 32),
          v('due_at', 32),
          v('missed_at', 32, true),
          int('escalation_level', 0),
          v('feedback_id', 36, true),
          text('feedback', true),
          text('feedback_measures', true),
          v('feedback_at', 32, true),
          v('feedback_by', 36, true),
          v('created_at', 32),
          v('updated_at', 32),
        ],
        foreignKeys: [
          { columnNames: ['warning_id'], referencedTableName: 'warning', referencedColumnNames: ['id'] },
          { columnNames: ['operator_org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] },
        ],
        indices: [{ columnNames: ['operator_org_id', 'created_at'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'incident_indicator',
        columns: [
          { ...v('id', 36), isPrimary: true },
          v('incident_id', 36),
          v('org_id', 36),
          v('type', 20),
          v('value', 2048),
          text('description', true),
          v('created_by', 36),
          v('created_at', 32),
        ],
        foreignKeys: [{ columnNames: ['incident_id'], referencedTableName: 'incident', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['incident_id', 'type', 'value'], isUnique: true }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('incident_indicator');
    await q.dropTable('warning_target');
    await q.dropTable('warning');
  }
}
