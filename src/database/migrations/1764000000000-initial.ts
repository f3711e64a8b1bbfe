import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

// Written with TypeORM's schema builder rather than raw SQL so the same migration runs on SQLite
// and Postgres. Types are kept to the portable set: varchar, text, integer, boolean.
const id = (name = 'id'): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: true });
const ref = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: '36',
  isNullable: nullable,
});
const str = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const ts = (name: string, nullable = false): TableColumnOptions => str(name, 32, nullable);
const text = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable });
const int = (name: string, primary = false): TableColumnOptions => ({ name, type: 'integer', isPrimary: primary });
const bool = (name: string): TableColumnOptions => ({ name, type: 'boolean', default: false });

export class Initial1764000000000 implements MigrationInterface {
  name = 'Initial1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'organisation',
        columns: [
          id(),
          str('name', 200),
          str('kind', 20),
          str('sector', 40),
          str('operator_kind', 20, true),
          bool('is_platform'),
          ts('created_at'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'app_user',
        columns: [id(), ref('org_id'), str('name', 200), str('email', 320, true), str('role', 30), ts('created_at')],
        foreignKeys: [{ columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] }],
        indices: [{ columnNames: ['org_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'api_token',
        columns: [
          id(),
          ref('org_id'),
          ref('user_id'),
          str('role', 30),
          str('name', 200),
          str('token_hash', 64),
          str('prefix', 16),
          ts('created_at'),
          ts('revoked_at', true),
        ],
        foreignKeys: [
          { columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] },
          { columnNames: ['user_id'], referencedTableName: 'app_user', referencedColumnNames: ['id'] },
        ],
        indices: [{ columnNames: ['org_id'] }, { columnNames: ['token_hash'], isUnique: true }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_entry',
        columns: [
          int('seq', true),
          ts('at'),
          str('actor_id', 80),
          str('actor_role', 30, true),
          ref('org_id', true),
          ref('incident_id', true),
          str('action', 80),
          text('payload'),
          str('payload_digest', 64),
          str('prev_hash', 64),
          str('hash', 64),
        ],
        indices: [{ columnNames: ['org_id'] }, { columnNames: ['incident_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_head',
        columns: [int('id', true), { name: 'seq', type: 'integer' }, str('hash', 64), str('mac', 64)],
      }),
    );
    await q.createTable(
      new Table({
        name: 'incident',
        columns: [
          id(),
          ref('org_id'),
          str('reference', 32),
          str('title', 300),
          text('description'),
          str('category', 60),
          str('grade', 4),
          str('state', 40),
          bool('drill'),
          ts('detected_at'),
          ts('occurred_at', true),
          text('affected_systems'),
          text('affected_business'),
          text('impact', true),
          str('workflow_id', 60),
          { name: 'workflow_version', type: 'integer' },
          text('snapshot', true),
          { name: 'version', type: 'integer' },
          ref('created_by'),
          ts('created_at'),
          ts('updated_at'),
        ],
        foreignKeys: [{ columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] }],
      }),
    );
    await q.createIndex('incident', new TableIndex({ columnNames: ['org_id', 'created_at'] }));
    await q.createIndex('incident', new TableIndex({ columnNames: ['org_id', 'reference'], isUnique: true }));
    await q.createTable(
      new Table({
        name: 'sequence',
        columns: [str('name', 100), int('value')].map((c, i) => (i === 0 ? { ...c, isPrimary: true } : c)),
      }),
    );
    await q.createTable(
      new Table({
        name: 'outbox',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          str('id', 120),
          str('queue', 40),
          str('kind', 60),
          text('payload'),
          ts('due_at', true),
          ts('created_at'),
          ts('sent_at', true),
          { name: 'attempts', type: 'integer', default: 0 },
          text('last_error', true),
        ],
        indices: [{ columnNames: ['sent_at', 'seq'] }, { columnNames: ['id'], isUnique: true }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'outbox',
      'sequence',
      'incident',
      'audit_head',
      'audit_entry',
      'api_token',
      'app_user',
      'organisation',
    ]) {
      await q.dropTable(t);
    }
  }
}
