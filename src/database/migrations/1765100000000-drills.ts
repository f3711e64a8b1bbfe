import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/** drill, drill_follow_up: drills scheduled from a plan version, their evaluation and follow-ups (src/drills). */
export class Drills1765100000000 implements MigrationInterface {
  name = 'Drills1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'drill',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'plan_id', type: 'varchar', length: '36' },
          { name: 'plan_version', type: 'integer' },
          { name: 'title', type: 'varchar', length: '300' },
          { name: 'scope', type: 'text' },
          { name: 'category', type: 'varchar', length: '100' },
          { name: 'grade', type: 'varchar', length: '4' },
          { name: 'starts_at', type: 'varchar', length: '32' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'participants', type: 'text' },
          { name: 'reminders', type: 'text' },
          { name: 'incident_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'started_at', type: 'varchar', length: '32', isNullable: true },
          { name: 'cancelled_at', type: 'varchar', length: '32', isNullable: true },
          { name: 'cancel_reason', type: 'varchar', length: '500', isNullable: true },
          { name: 'evaluation', type: 'text', isNullable: true },
          { name: 'created_by', type: 'varchar', length: '100' },
          { name: 'created_at', type: 'varchar', length: '32' },
          { name: 'updated_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [
          { columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] },
          { columnNames: ['plan_id'], referencedTableName: 'plan', referencedColumnNames: ['id'] },
        ],
        indices: [{ columnNames: ['org_id', 'starts_at'] }, { columnNames: ['org_id', 'plan_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'drill_follow_up',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'drill_id', type: 'varchar', length: '36' },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'action', type: 'varchar', length: '1000' },
          { name: 'owner_id', type: 'varchar', length: '36' },
          { name: 'due_date', type: 'varchar', length: '10' },
          { name: 'status', type: 'varchar', length: '8' },
          { name: 'done_at', type: 'varchar', length: '32', isNullable: true },
          { name: 'done_by', type: 'varchar', length: '100', isNullable: true },
          { name: 'done_note', type: 'varchar', length: '1000', isNullable: true },
        ],
        foreignKeys: [{ columnNames: ['drill_id'], referencedTableName: 'drill', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['drill_id'] }, { columnNames: ['org_id', 'status'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('drill_follow_up');
    await q.dropTable('drill');
  }
}
