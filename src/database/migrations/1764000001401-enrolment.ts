import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';

/**
 * Separation of duties: app_user.service_account marks accounts for programs (an admin may issue
 * their tokens), and enrolment holds the one-time codes by which a person takes their own first
 * token (an admin may not issue tokens for another person).
 */
export class Enrolment1764000001401 implements MigrationInterface {
  name = 'Enrolment1764000001401';

  async up(q: QueryRunner): Promise<void> {
    // Present when this migration was undone and is run again (down leaves the column).
    if (!(await q.hasColumn('app_user', 'service_account'))) {
      await q.addColumn('app_user', new TableColumn({ name: 'service_account', type: 'boolean', default: false }));
    }
    await q.createTable(
      new Table({
        name: 'enrolment',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'code_hash', type: 'varchar', length: '64' },
          { name: 'prefix', type: 'varchar', length: '16' },
          { name: 'created_by', type: 'varchar', length: '80' },
          { name: 'created_at', type: 'varchar', length: '32' },
          { name: 'expires_at', type: 'varchar', length: '32' },
          { name: 'redeemed_at', type: 'varchar', length: '32', isNullable: true },
          { name: 'token_id', type: 'varchar', length: '36', isNullable: true },
        ],
        foreignKeys: [
          { columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] },
          { columnNames: ['user_id'], referencedTableName: 'app_user', referencedColumnNames: ['id'] },
        ],
        indices: [{ columnNames: ['code_hash'], isUnique: true }, { columnNames: ['user_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('enrolment');
    // service_account stays: on SQLite dropping it rebuilds app_user, which api_token references,
    // and foreign keys cannot be switched off inside the migration's transaction. Older code
    // never reads it, and up() tolerates it.
  }
}
