import { createHash } from 'node:crypto';
import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * playbook_steps: the step definitions incidents are declared with, stored once per distinct text and
 * named by its SHA-256 (content-addressed); incident_playbook keeps, per incident, the playbook it
 * was declared with and the hash of its steps instead of a copy of them. Every incident of one
 * playbook version had the same copy (3.9 KB of the ~20 KB an incident took, issue 19). The copies
 * are deduplicated here by their exact text, so each incident keeps exactly the steps it was declared
 * with, byte for byte.
 */
export class SharedPlaybookSteps1765300000000 implements MigrationInterface {
  name = 'SharedPlaybookSteps1765300000000';

  async up(q: QueryRunner): Promise<void> {
    const p = placeholder(q);
    await q.createTable(
      new Table({
        name: 'playbook_steps',
        columns: [
          { name: 'hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'steps', type: 'text' },
        ],
      }),
    );
    await q.renameTable('incident_playbook', 'incident_playbook_copies');
    await q.createTable(sharedTable());
    const known = new Set<string>();
    for (let after = ''; ;) {
      const rows: Array<{ incident_id: string; playbook: string | null; steps: string }> = await q.query(
        `SELECT incident_id, playbook, steps FROM incident_playbook_copies WHERE incident_id > ${p(1)} ` +
          `ORDER BY incident_id LIMIT 500`,
        [after],
      );
      if (rows.length === 0) break;
      const values: unknown[] = [];
      for (const row of rows) {
        const hash = createHash('sha256').update(row.steps, 'utf8').digest('hex');
        if (!known.has(hash)) {
          await q.query(
            `INSERT INTO playbook_steps (hash, steps) VALUES (${p(1)}, ${p(2)}) ON CONFLICT (hash) DO NOTHING`,
            [hash, row.steps],
          );
          known.add(hash);
        }
        values.push(row.incident_id, row.playbook, hash);
      }
      await q.query(
        'INSERT INTO incident_playbook (incident_id, playbook, steps_hash) VALUES ' +
          rows.map((_, i) => `(${p(3 * i + 1)}, ${p(3 * i + 2)}, ${p(3 * i + 3)})`).join(', '),
        values,
      );
      after = rows[rows.length - 1]!.incident_id;
    }
    await q.dropTable('incident_playbook_copies');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.renameTable('incident_playbook', 'incident_playbook_shared');
    await q.createTable(
      new Table({
        name: 'incident_playbook',
        columns: [
          { name: 'incident_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'playbook', type: 'varchar', length: '80', isNullable: true },
          { name: 'steps', type: 'text' },
        ],
        foreignKeys: [{ columnNames: ['incident_id'], referencedTableName: 'incident', referencedColumnNames: ['id'] }],
      }),
    );
    await q.query(
      'INSERT INTO incident_playbook (incident_id, playbook, steps) ' +
        'SELECT i.incident_id, i.playbook, s.steps FROM incident_playbook_shared i ' +
        'JOIN playbook_steps s ON s.hash = i.steps_hash',
    );
    await q.dropTable('incident_playbook_shared');
    await q.dropTable('playbook_steps');
  }
}

/** incident_playbook as it is from this migration on. */
function sharedTable(): Table {
  return new Table({
    name: 'incident_playbook',
    columns: [
      { name: 'incident_id', type: 'varchar', length: '36', isPrimary: true },
      { name: 'playbook', type: 'varchar', length: '80', isNullable: true },
      { name: 'steps_hash', type: 'varchar', length: '64' },
    ],
    foreignKeys: [
      { columnNames: ['incident_id'], referencedTableName: 'incident', referencedColumnNames: ['id'] },
      { columnNames: ['steps_hash'], referencedTableName: 'playbook_steps', referencedColumnNames: ['hash'] },
    ],
  });
}

const placeholder = (q: QueryRunner) => (n: number) => (q.connection.options.type === 'postgres' ? `$${n}` : '?');
