import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * incident_deadline (status, due_at): the deadline sweeper (src/clocks/deadline-sweeper.ts) looks for
 * pending deadlines past their due time every DEADLINE_SWEEP_SECONDS, in every worker process; without
 * the index that is a scan of every deadline ever set.
 */
export class DeadlineSweepIndex1764300000001 implements MigrationInterface {
  name = 'DeadlineSweepIndex1764300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.createIndex(
      'incident_deadline',
      new TableIndex({ name: 'incident_deadline_status_due', columnNames: ['status', 'due_at'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('incident_deadline', 'incident_deadline_status_due');
  }
}
