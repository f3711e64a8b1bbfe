import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { refreshSqliteStats } from './sqlite-stats';

/**
 * A stored hex hash as bytes. A value that is not hexadecimal (only an edited row has one) becomes no
 * bytes rather than failing the migration: its entry's hash then reads as '' and verification reports
 * the entry, as it reported the edited text before.
 */
const SQLITE_HASH_BYTES = "COALESCE(unhex(e.hash), x'')";
const PG_HASH_BYTES = "CASE WHEN e.hash ~ '^([0-9a-fA-F]{2})*$' THEN decode(e.hash, 'hex') ELSE ''::bytea END";

/**
 * Audit entries name their chain, actor, incident and action by number (issue 19, storage per
 * incident). Each entry repeated them as text: the chain (an organisation id, 36 characters) in the
 * row and in the (chain, chain_seq) index, the incident id in the row and in the (incident_id, seq)
 * index, the actor's id and the action in the row. An incident's nine entries or so took about 1.6 kB
 * for that, of the 13.5 kB per incident a million-incident database took.
 *
 * `audit_name` holds each name once, numbered; the entry holds the numbers. The actions, chains and
 * actors (few) get their numbers first, so those take one or two bytes in a row; the incidents follow.
 * The entry's hash is stored as its 32 bytes (BLOB, bytea) instead of 64 hexadecimal characters.
 * The hashes are untouched: they cover the names, which the view `audit_entry_named` gives back under
 * the columns' old names (`chain`, `actor_id`, `incident_id`, `action`), with the hash in hexadecimal
 * as before, and the service reads entries through it. The table is rebuilt rather than altered: that
 * copies the entries once in `seq` order, on SQLite and Postgres alike. Reclaiming the space the old
 * table took on SQLite needs a VACUUM (README "Storage per incident").
 */
export class AuditNames1765700000000 implements MigrationInterface {
  name = 'AuditNames1765700000000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.options.type === 'postgres';
    await q.createTable(
      new Table({
        name: 'audit_name',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'name', type: 'varchar', length: '80' },
        ],
        indices: [{ name: 'audit_name_name', columnNames: ['name'], isUnique: true }],
      }),
    );
    for (const select of [
      'SELECT DISTINCT action AS n FROM audit_entry',
      'SELECT DISTINCT chain AS n FROM audit_entry WHERE chain IS NOT NULL',
      'SELECT DISTINCT actor_id AS n FROM audit_entry',
      // In the order incidents first appear, so an incident's number grows with its age.
      'SELECT incident_id AS n FROM audit_entry WHERE incident_id IS NOT NULL GROUP BY incident_id ORDER BY MIN(seq)',
    ])
      await q.query(
        `INSERT INTO audit_name (name) SELECT s.n FROM (${select}) s ` +
          'WHERE NOT EXISTS (SELECT 1 FROM audit_name x WHERE x.name = s.n)' +
          (select.includes('ORDER BY') ? '' : ' ORDER BY s.n'),
      );
    await q.createTable(
      new Table({
        name: 'audit_entry_new',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true },
          { name: 'chain_ref', type: 'integer', isNullable: true },
          { name: 'chain_seq', type: 'integer', isNullable: true },
          { name: 'hash_version', type: 'integer', default: 2 },
          { name: 'at', type: 'varchar', length: '32' },
          { name: 'actor_ref', type: 'integer' },
          { name: 'actor_role', type: 'varchar', length: '30', isNullable: true },
          { name: 'org_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'incident_ref', type: 'integer', isNullable: true },
          { name: 'action_ref', type: 'integer' },
          { name: 'payload', type: 'text' },
          { name: 'payload_digest', type: 'varchar', length: '64' },
          { name: 'prev_hash', type: 'varchar', length: '64' },
          { name: 'hash', type: postgres ? 'bytea' : 'blob' },
        ],
      }),
    );
    await q.query(
      'INSERT INTO audit_entry_new (seq, chain_ref, chain_seq, hash_version, at, actor_ref, actor_role, org_id, ' +
        'incident_ref, action_ref, payload, payload_digest, prev_hash, hash) ' +
        'SELECT e.seq, c.id, e.chain_seq, e.hash_version, e.at, a.id, e.actor_role, e.org_id, i.id, x.id, ' +
        `e.payload, e.payload_digest, e.prev_hash, ${postgres ? PG_HASH_BYTES : SQLITE_HASH_BYTES} ` +
        'FROM audit_entry e LEFT JOIN audit_name c ON c.name = e.chain JOIN audit_name a ON a.name = e.actor_id ' +
        'LEFT JOIN audit_name i ON i.name = e.incident_id JOIN audit_name x ON x.name = e.action ORDER BY e.seq',
    );
    await q.dropTable('audit_entry');
    await q.renameTable('audit_entry_new', 'audit_entry');
    await q.createIndex(
      'audit_entry',
      new TableIndex({ name: 'audit_entry_chain_seq', columnNames: ['chain_ref', 'chain_seq'], isUnique: true }),
    );
    await q.createIndex(
      'audit_entry',
      new TableIndex({ name: 'audit_entry_incident_seq', columnNames: ['incident_ref', 'seq'] }),
    );
    // LEFT JOINs: an entry whose number names nothing is still read (and fails verification, its
    // name being null), rather than vanishing from every read.
    await q.query(
      'CREATE VIEW audit_entry_named AS SELECT e.seq, e.chain_ref, c.name AS chain, e.chain_seq, e.hash_version, ' +
        'e.at, e.actor_ref, a.name AS actor_id, e.actor_role, e.org_id, e.incident_ref, i.name AS incident_id, ' +
        'e.action_ref, x.name AS action, e.payload, e.payload_digest, e.prev_hash, ' +
        `${postgres ? "encode(e.hash, 'hex')" : 'lower(hex(e.hash))'} AS hash FROM audit_entry e ` +
        'LEFT JOIN audit_name c ON c.id = e.chain_ref LEFT JOIN audit_name a ON a.id = e.actor_ref ' +
        'LEFT JOIN audit_name i ON i.id = e.incident_ref LEFT JOIN audit_name x ON x.id = e.action_ref',
    );
    await refreshSqliteStats(q, 'audit_entry');
    await refreshSqliteStats(q, 'audit_name');
  }

  /** The entries with their names as text again, as 1764300000000 left them. */
  async down(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'audit_entry_old',
        columns: [
          { name: 'seq', type: 'integer', isPrimary: true },
          { name: 'at', type: 'varchar', length: '32' },
          { name: 'actor_id', type: 'varchar', length: '80' },
          { name: 'actor_role', type: 'varchar', length: '30', isNullable: true },
          { name: 'org_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'incident_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'action', type: 'varchar', length: '80' },
          { name: 'payload', type: 'text' },
          { name: 'payload_digest', type: 'varchar', length: '64' },
          { name: 'prev_hash', type: 'varchar', length: '64' },
          { name: 'hash', type: 'varchar', length: '64' },
          { name: 'chain', type: 'varchar', length: '36', isNullable: true },
          { name: 'chain_seq', type: 'integer', isNullable: true },
          { name: 'hash_version', type: 'integer', default: 2 },
        ],
      }),
    );
    await q.query(
      'INSERT INTO audit_entry_old (seq, at, actor_id, actor_role, org_id, incident_id, action, payload, ' +
        'payload_digest, prev_hash, hash, chain, chain_seq, hash_version) SELECT seq, at, actor_id, actor_role, ' +
        'org_id, incident_id, action, payload, payload_digest, prev_hash, hash, chain, chain_seq, hash_version ' +
        'FROM audit_entry_named ORDER BY seq',
    );
    await q.query('DROP VIEW audit_entry_named');
    await q.dropTable('audit_entry');
    await q.dropTable('audit_name');
    await q.renameTable('audit_entry_old', 'audit_entry');
    await q.createIndex(
      'audit_entry',
      new TableIndex({ name: 'audit_entry_chain_seq', columnNames: ['chain', 'chain_seq'], isUnique: true }),
    );
    await q.createIndex(
      'audit_entry',
      new TableIndex({ name: 'audit_entry_incident_seq', columnNames: ['incident_id', 'seq'] }),
    );
  }
}
