import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * People sign in to the console: app_user.username, organisation.require_two_factor, the
 * accounts module's user_credential (password hash, second factor) and user_session tables.
 */
export class SignIn1764100000000 implements MigrationInterface {
  name = 'SignIn1764100000000';

  async up(q: QueryRunner): Promise<void> {
    // Plain ALTER TABLE (SQLite 3.35+ and Postgres alike): TypeORM's SQLite addColumn rebuilds the
    // table, which the foreign keys of the tables referencing it refuse once rows exist.
    await q.query('ALTER TABLE app_user ADD COLUMN username varchar(64)');
    await q.createIndex(
      'app_user',
      new TableIndex({ name: 'IDX_app_user_username', columnNames: ['username'], isUnique: true }),
    );
    await q.query('ALTER TABLE organisation ADD COLUMN require_two_factor boolean NOT NULL DEFAULT false');
    await q.createTable(
      new Table({
        name: 'user_credential',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'password_hash', type: 'varchar', length: '300', isNullable: true },
          { name: 'must_change_password', type: 'boolean', default: false },
          { name: 'password_changed_at', type: 'varchar', length: '32', isNullable: true },
          { name: 'totp_secret', type: 'varchar', length: '300', isNullable: true },
          { name: 'totp_pending_secret', type: 'varchar', length: '300', isNullable: true },
          { name: 'totp_last_step', type: 'integer', isNullable: true },
          { name: 'totp_enrolled_at', type: 'varchar', length: '32', isNullable: true },
          { name: 'updated_at', type: 'varchar', length: '32' },
        ],
        foreignKeys: [{ columnNames: ['user_id'], referencedTableName: 'app_user', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'user_session',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'org_id', type: 'varchar', length: '36' },
          { name: 'csrf_hash', type: 'varchar', length: '64' },
          { name: 'created_at', type: 'varchar', length: '32' },
          { name: 'last_seen_at', type: 'varchar', length: '32' },
          { name: 'idle_expires_at', type: 'varchar', length: '32' },
          { name: 'absolute_expires_at', type: 'varchar', length: '32' },
          { name: 'ended_at', type: 'varchar', length: '32', isNullable: true },
          { name: 'ended_reason', type: 'varchar', length: '40', isNullable: true },
          { name: 'source_address', type: 'varchar', length: '64' },
          { name: 'user_agent', type: 'varchar', length: '400', isNullable: true },
        ],
        foreignKeys: [
          { columnNames: ['user_id'], referencedTableName: 'app_user', referencedColumnNames: ['id'] },
          { columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] },
        ],
        indices: [{ name: 'IDX_user_session_user', columnNames: ['user_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('user_session');
    await q.dropTable('user_credential');
    await q.query('ALTER TABLE organisation DROP COLUMN require_two_factor');
    await q.dropIndex('app_user', 'IDX_app_user_username');
    await q.query('ALTER TABLE app_user DROP COLUMN username');
  }
}
