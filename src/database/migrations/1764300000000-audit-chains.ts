import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * The audit trail becomes one hash chain per organisation (issue 19): one global chain made every
 * write of every tenant wait for one lock.
 *
 * Existing entries keep their hashes (hash version 1: the old global chain by `seq`, still verified as
 * it was, and still ending at the keyed head in `audit_head`, now frozen): recipients hold report
 * heads and the witness file names entries of it. Each is given its organisation's chain (`system`
 * for entries without one) and its place in that chain (`chain_seq`, in `seq` order), so an
 * organisation's entries, old and new, are one contiguous sequence. `audit_chain` holds each chain's
 * head; the rows written here carry no MAC (the migration has no key): their heads are entries of
 * version 1, covered by the old keyed head. The first entry linked to a chain after this gives it one.
 *
 * `seq` stays the deployment-wide id of an entry; on Postgres new ones come from a sequence, so
 * taking one waits for nobody. `report.audit_head_chain` names the chain a submitted report's head
 * belongs to (null: the old global chain, where `audit_head_seq` is that chain's `seq`).
 */
export class AuditChains1764300000000 implements MigrationInterface {
  name = 'AuditChains1764300000000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.options.type === 'postgres';
    // Present when down() left the chains in place (they held entries): take them back as they are.
    if (!(await q.hasColumn('audit_entry', 'chain'))) {
      // Plain ALTER TABLE: TypeORM's SQLite fallback rebuilds the table.
      await q.query('ALTER TABLE audit_entry ADD COLUMN chain varchar(36) NULL');
      await q.query('ALTER TABLE audit_entry ADD COLUMN chain_seq integer NULL');
      await q.query('ALTER TABLE audit_entry ADD COLUMN hash_version integer NOT NULL DEFAULT 2');
      await q.query("UPDATE audit_entry SET hash_version = 1, chain = COALESCE(org_id, 'system')");
      await q.query(
        'UPDATE audit_entry SET chain_seq = r.n FROM (SELECT seq, ROW_NUMBER() OVER ' +
          '(PARTITION BY chain ORDER BY seq) AS n FROM audit_entry) r WHERE audit_entry.seq = r.seq',
      );
      if (postgres) {
        await q.query('ALTER TABLE audit_entry ALTER COLUMN chain SET NOT NULL');
        await q.query('ALTER TABLE audit_entry ALTER COLUMN chain_seq SET NOT NULL');
      }
      await q.createIndex(
        'audit_entry',
        new TableIndex({ name: 'audit_entry_chain_seq', columnNames: ['chain', 'chain_seq'], isUnique: true }),
      );
    }
    if (postgres) {
      await q.query('CREATE SEQUENCE IF NOT EXISTS audit_entry_seq');
      await q.query("SELECT setval('audit_entry_seq', COALESCE((SELECT MAX(seq) FROM audit_entry), 0) + 1, false)");
    }
    if (!(await q.hasTable('audit_chain'))) {
      await q.createTable(
        new Table({
          name: 'audit_chain',
          columns: [
            { name: 'chain', type: 'varchar', length: '36', isPrimary: true },
            { name: 'seq', type: 'integer' },
            { name: 'hash', type: 'varchar', length: '64' },
            { name: 'mac', type: 'varchar', length: '64' },
            { name: 'updated_at', type: 'varchar', length: '32' },
          ],
        }),
      );
      await q.query(
        'INSERT INTO audit_chain (chain, seq, hash, mac, updated_at) ' +
          "SELECT e.chain, e.chain_seq, e.hash, '', e.at FROM audit_entry e " +
          'WHERE e.chain_seq = (SELECT MAX(m.chain_seq) FROM audit_entry m WHERE m.chain = e.chain)',
      );
    }
    if (!(await q.hasTable('audit_checkpoint')))
      await q.createTable(
        new Table({
          name: 'audit_checkpoint',
          columns: [
            { name: 'id', type: 'integer', isPrimary: true },
            { name: 'at', type: 'varchar', length: '32' },
            { name: 'prev_hash', type: 'varchar', length: '64' },
            { name: 'hash', type: 'varchar', length: '64' },
            { name: 'mac', type: 'varchar', length: '64' },
          ],
        }),
      );
    if (!(await q.hasTable('audit_checkpoint_head')))
      await q.createTable(
        new Table({
          name: 'audit_checkpoint_head',
          columns: [
            { name: 'checkpoint_id', type: 'integer', isPrimary: true },
            { name: 'chain', type: 'varchar', length: '36', isPrimary: true },
            { name: 'seq', type: 'integer' },
            { name: 'hash', type: 'varchar', length: '64' },
          ],
          indices: [{ columnNames: ['chain', 'seq'] }],
        }),
      );
    if (!(await q.hasTable('audit_checkpointed')))
      await q.createTable(
        new Table({
          name: 'audit_checkpointed',
          columns: [
            { name: 'chain', type: 'varchar', length: '36', isPrimary: true },
            { name: 'seq', type: 'integer' },
          ],
        }),
      );
    if (!(await q.hasColumn('report', 'audit_head_chain')))
      await q.query('ALTER TABLE report ADD COLUMN audit_head_chain varchar(36) NULL');
  }

  /**
   * Back to the one global chain, while no entry of an organisation's chain exists (the old code can
   * neither verify nor continue those). Once some do, the chains stay (up() takes them back as they are):
   * their entries cannot be put into the old chain without breaking the hashes recipients hold.
   */
  async down(q: QueryRunner): Promise<void> {
    const [row] = (await q.query('SELECT COUNT(*) AS n FROM audit_entry WHERE hash_version = 2')) as Array<{
      n: number | string;
    }>;
    if (Number(row?.n ?? 0) > 0) return;
    await q.query('ALTER TABLE report DROP COLUMN audit_head_chain');
    await q.dropTable('audit_checkpointed');
    await q.dropTable('audit_checkpoint_head');
    await q.dropTable('audit_checkpoint');
    await q.dropTable('audit_chain');
    await q.dropIndex('audit_entry', 'audit_entry_chain_seq');
    if (q.connection.options.type === 'postgres') await q.query('DROP SEQUENCE audit_entry_seq');
    await q.query('ALTER TABLE audit_entry DROP COLUMN hash_version');
    await q.query('ALTER TABLE audit_entry DROP COLUMN chain_seq');
    await q.query('ALTER TABLE audit_entry DROP COLUMN chain');
  }
}
