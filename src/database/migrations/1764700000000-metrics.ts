import { MigrationInterface, QueryRunner, Table, TableColumnOptions } from 'typeorm';

const id = (name: string) => ({ name, type: 'varchar', length: '36' });
const time = (name: string, isNullable = false) => ({ name, type: 'varchar', length: '32', isNullable });
const flag = (name: string) => ({ name, type: 'boolean', default: false });

/**
 * The metrics module's facts (src/metrics/metrics.entities.ts): incidents, deadlines, report timing,
 * inbox deliveries and warning targets as the audit trail records them, and the projection's cursor.
 * Filled from the existing trail at the first start (MetricsProjection catches up from the cursor).
 */
export class Metrics1764700000000 implements MigrationInterface {
  name = 'Metrics1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'metrics_incident',
        columns: [
          { ...id('incident_id'), isPrimary: true },
          id('org_id'),
          { name: 'grade', type: 'varchar', length: '4' },
          { name: 'grade_seq', type: 'integer' },
          { name: 'category', type: 'varchar', length: '60' },
          flag('drill'),
          time('declared_at'),
          { name: 'week', type: 'varchar', length: '10' },
          time('confirmed_at', true),
          time('contained_at', true),
          time('closed_at', true),
          flag('dismissed'),
        ],
        indices: [{ columnNames: ['org_id', 'week'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'metrics_deadline',
        columns: [
          { ...id('incident_id'), isPrimary: true },
          { name: 'timer', type: 'varchar', length: '40', isPrimary: true },
          id('org_id'),
          flag('missed_seen'),
          { name: 'submission_seq', type: 'integer', isNullable: true },
          { name: 'submission_late', type: 'boolean', isNullable: true },
          { name: 'escalation_level', type: 'integer', default: 0 },
        ],
        indices: [{ columnNames: ['org_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'metrics_report_timing',
        columns: [
          { ...id('report_id'), isPrimary: true },
          { name: 'late', type: 'boolean' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'metrics_delivery',
        columns: [
          { ...id('delivery_id'), isPrimary: true },
          id('department_org_id'),
          id('operator_org_id'),
          id('report_id'),
          { name: 'incident_reference', type: 'varchar', length: '48' },
          { name: 'kind', type: 'varchar', length: '12' },
          { name: 'grade', type: 'varchar', length: '4' },
          { name: 'category', type: 'varchar', length: '60' },
          flag('drill'),
          time('received_at'),
          { name: 'week', type: 'varchar', length: '10' },
          { name: 'on_time', type: 'integer', isNullable: true },
          flag('onward_required'),
          flag('onward_missed'),
          { name: 'onward_status', type: 'varchar', length: '12', isNullable: true },
        ],
        indices: [
          { name: 'metrics_delivery_key', columnNames: ['department_org_id', 'operator_org_id', 'week'] },
          {
            name: 'metrics_delivery_sector',
            columnNames: [
              'department_org_id',
              'drill',
              'operator_org_id',
              'incident_reference',
              'received_at',
              'on_time',
            ],
          },
          { columnNames: ['report_id'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'metrics_warning_target',
        columns: [
          { ...id('warning_id'), isPrimary: true },
          { ...id('operator_org_id'), isPrimary: true },
          id('department_org_id'),
          { name: 'reference', type: 'varchar', length: '32' },
          { name: 'level', type: 'varchar', length: '8' },
          flag('drill'),
          time('issued_at'),
          { name: 'week', type: 'varchar', length: '10' },
          time('due_at'),
          time('feedback_at', true),
        ],
        indices: [
          { name: 'metrics_warning_target_key', columnNames: ['department_org_id', 'operator_org_id', 'week'] },
          {
            name: 'metrics_warning_target_unanswered',
            columnNames: ['department_org_id', 'due_at'],
            where: 'feedback_at IS NULL',
          },
        ],
      }),
    );
    const counts = (...names: string[]) => names.map((name) => ({ name, type: 'integer' }));
    const key = (...extra: TableColumnOptions[]): TableColumnOptions[] => [
      { ...id('department_org_id'), isPrimary: true },
      ...extra,
      { ...id('operator_org_id'), isPrimary: true },
      { name: 'drill', type: 'boolean', isPrimary: true },
    ];
    const week = { name: 'week', type: 'varchar', length: '10', isPrimary: true };
    await q.createTable(
      new Table({
        name: 'metrics_delivery_week',
        columns: [...key(week), ...counts('received', 'on_time', 'late', 'onward_due', 'onward_met', 'onward_missed')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'metrics_sector_operator',
        columns: [...key(), ...counts('incidents', 'received', 'on_time', 'late'), time('last_at')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'metrics_warning_week',
        columns: [...key(week), ...counts('targeted', 'answered_on_time', 'answered_late')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'metrics_cursor',
        columns: [
          { name: 'name', type: 'varchar', length: '20', isPrimary: true },
          { name: 'seq', type: 'integer' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'metrics_cursor',
      'metrics_warning_week',
      'metrics_sector_operator',
      'metrics_delivery_week',
      'metrics_warning_target',
      'metrics_delivery',
      'metrics_report_timing',
      'metrics_deadline',
      'metrics_incident',
    ])
      await q.dropTable(t);
  }
}
