import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * warning.fanout_total: how many operators a warning was issued to. Their workflows are created by
 * fan-out jobs after the issuing request (src/warnings/warning-fanout.ts), so the number of
 * warning_target rows says how far the fan-out has come and this column what it is heading for.
 * Warnings issued before had every target written in the request: their total is their rows.
 */
export class WarningFanout1765200000000 implements MigrationInterface {
  name = 'WarningFanout1765200000000';

  async up(q: QueryRunner): Promise<void> {
    // Plain ALTER TABLE (TypeORM's SQLite addColumn rebuilds the table).
    await q.query('ALTER TABLE warning ADD COLUMN fanout_total INTEGER NOT NULL DEFAULT 0');
    await q.query(
      'UPDATE warning SET fanout_total = (SELECT COUNT(*) FROM warning_target t WHERE t.warning_id = warning.id)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE warning DROP COLUMN fanout_total');
  }
}
