import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * report.audit_head_seq / audit_head_hash: the operator's audit head when it submitted the report. The
 * report carries it to its recipients, so a trail rolled back past a head a department has seen shows
 * on either side (AuditService.verify, and the department's copy of the report).
 */
export class ReportAuditHead1764000000012 implements MigrationInterface {
  name = 'ReportAuditHead1764000000012';

  async up(q: QueryRunner): Promise<void> {
    // Plain ALTER TABLE: TypeORM's SQLite fallback rebuilds the table, which its foreign keys refuse.
    await q.query('ALTER TABLE report ADD COLUMN audit_head_seq integer NULL');
    await q.query('ALTER TABLE report ADD COLUMN audit_head_hash varchar(64) NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE report DROP COLUMN audit_head_hash');
    await q.query('ALTER TABLE report DROP COLUMN audit_head_seq');
  }
}
