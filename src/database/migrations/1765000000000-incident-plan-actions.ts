import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * incident_plan_action: an incident's approval, notification and service-provider steps (from the plan it
 * was declared with) and what became of them: decisions, the approval clock's escalation level, when a
 * notification was sent, when a provider's report was received.
 */
export class IncidentPlanActions1765000000000 implements MigrationInterface {
  name = 'IncidentPlanActions1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'incident_plan_action',
        columns: [
          { name: 'incident_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'step_id', type: 'varchar', length: '170', isPrimary: true },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'kind', type: 'varchar', length: '20' },
          { name: 'phase', type: 'varchar', length: '20' },
          { name: 'settings', type: 'text' },
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'decisions', type: 'text' },
          { name: 'escalation_level', type: 'integer', default: 0 },
          { name: 'started_at', type: 'varchar', length: '32', isNullable: true },
          { name: 'due_at', type: 'varchar', length: '32', isNullable: true },
          { name: 'done_at', type: 'varchar', length: '32', isNullable: true },
          { name: 'record', type: 'text', isNullable: true },
          { name: 'updated_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [{ columnNames: ['incident_id'], referencedTableName: 'incident', referencedColumnNames: ['id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('incident_plan_action');
  }
}
