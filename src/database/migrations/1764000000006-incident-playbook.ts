import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * incident_playbook: the step definitions each incident copied from its playbook, kept apart from
 * the snapshot from now on (see IncidentPlaybook). Existing incidents get theirs from the snapshot
 * they hold, which still carries whole steps; their next event stores the compact form.
 */
export class IncidentPlaybook1764000000006 implements MigrationInterface {
  name = 'IncidentPlaybook1764000000006';

  async up(q: QueryRunner): Promise<void> {
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
    const postgres = q.connection.options.type === 'postgres';
    const p = (n: number) => (postgres ? `$${n}` : '?');
    for (let after = ''; ;) {
      const rows: Array<{ id: string; snapshot: string | null }> = await q.query(
        `SELECT id, snapshot FROM incident WHERE id > ${p(1)} ORDER BY id LIMIT 500`,
        [after],
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        const steps = row.snapshot
          ? (JSON.parse(row.snapshot) as { context?: { steps?: Array<Record<string, unknown>> } }).context?.steps
          : undefined;
        if (!steps) continue;
        // Spelled out rather than stepDefinition(): a migration keeps doing what it did when the code moves on.
        const definitions = steps.map((s) => ({
          id: s.id,
          phase: s.phase,
          title: s.title,
          roles: s.roles,
          mandatory: s.mandatory,
          requirements: s.requirements,
        }));
        await q.query(`INSERT INTO incident_playbook (incident_id, playbook, steps) VALUES (${p(1)}, NULL, ${p(2)})`, [
          row.id,
          JSON.stringify(definitions),
        ]);
      }
      after = rows[rows.length - 1]!.id;
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('incident_playbook');
  }
}
