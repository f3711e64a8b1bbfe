import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * app_user.disabled_at: an admin disabled the user (left, moved, compromised). Kept as a time, not
 * deleted: the audit trail and the records the user signed keep naming them.
 */
export class UserDisabled1764800000000 implements MigrationInterface {
  name = 'UserDisabled1764800000000';

  async up(q: QueryRunner): Promise<void> {
    // Plain ALTER TABLE: TypeORM's SQLite addColumn rebuilds the table, which the foreign keys
    // referencing app_user refuse once rows exist.
    await q.query('ALTER TABLE app_user ADD COLUMN disabled_at VARCHAR(32)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE app_user DROP COLUMN disabled_at');
  }
}
