import { MigrationInterface, QueryRunner, Table } from 'typeorm';

export class IncidentDeadlines1764000000001 implements MigrationInterface {
  name = 'IncidentDeadlines1764000000001';

  async up(q: QueryRunner): Promise<void> {
    const v = (name: string, length: number, nullable = false) => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: nullable,
    });
    await q.createTable(
      new Table({
        name: 'incident_deadline',
        columns: [
          { ...v('incident_id', 36), isPrimary: true },
          { ...v('timer', 40), isPrimary: true },
          v('org_id', 36),
          { name: 'generation', type: 'integer' },
          v('status', 12),
          v('rule_id', 60),
          v('clock_started_at', 32),
          v('due_at', 32),
          { name: 'escalation_level', type: 'integer', default: 0 },
          v('acknowledged_at', 32, true),
          v('acknowledged_by', 36, true),
          v('resolved_at', 32, true),
          v('updated_at', 32),
        ],
        foreignKeys: [{ columnNames: ['incident_id'], referencedTableName: 'incident', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['org_id', 'status', 'due_at'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('incident_deadline');
  }
}
