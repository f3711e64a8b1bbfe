import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';
import { refreshSqliteStats } from './sqlite-stats';

/**
 * The organisation's report list (GET /reports) pages by keys from an index that leads with the
 * organisation and the filter and carries the other filters, as the incident list does (migration
 * 1765400000000). With a million reports in one organisation the list read and sorted every report for
 * each page (10 s). The index it used, (org_id, incident_id, created_at), is dropped: an incident's own
 * reports are found by the unique (incident_id, reference). So is (org_id, status, due_at) on
 * incident_deadline, which no query uses (the deadlines dashboard reads incident_deadline_org_open).
 *
 * And `drill=true` on the incident list, the report list and the department inbox: with no drill among
 * a million, each read every row (or index entry) of the organisation to find none (1.3 to 2.0 s for
 * the incidents and the inbox). Each list now has a partial index of its drills only, which costs
 * nothing where there are none; the lists spell the filter as the bare column (`drill`, `NOT drill`),
 * the form both databases need to see that the index's condition holds.
 */
const REPORT_INDEXES: Array<[name: string, columns: string[]]> = [
  ['report_org_created', ['org_id', 'created_at', 'id', 'status', 'kind', 'drill']],
  ['report_org_status_created', ['org_id', 'status', 'created_at', 'id', 'kind', 'drill']],
  ['report_org_kind_created', ['org_id', 'kind', 'created_at', 'id', 'status', 'drill']],
];

/** The drills of each list, in the list's order. */
const DRILL_INDEXES: Array<[table: string, name: string, columns: string[]]> = [
  ['incident', 'incident_org_drill_created', ['org_id', 'created_at', 'reference']],
  ['report', 'report_org_drill_created', ['org_id', 'created_at', 'id']],
  ['report_delivery', 'report_delivery_dept_drill', ['department_org_id', 'received_at', 'id']],
];

/** The names TypeORM gave the two dropped indexes (a hash of table and columns, the same on both databases). */
const REPORT_ORG_INCIDENT = 'IDX_ba0bea1680bc3cab843c640070';
const DEADLINE_ORG_STATUS = 'IDX_8b0f19749f08764cd203ac581a';

export class ReportListIndexes1765500000000 implements MigrationInterface {
  name = 'ReportListIndexes1765500000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [name, columnNames] of REPORT_INDEXES)
      await q.createIndex('report', new TableIndex({ name, columnNames }));
    for (const [table, name, columnNames] of DRILL_INDEXES)
      await q.createIndex(table, new TableIndex({ name, columnNames, where: 'drill' }));
    await q.dropIndex('report', REPORT_ORG_INCIDENT);
    await q.dropIndex('incident_deadline', DEADLINE_ORG_STATUS);
    for (const table of ['incident', 'report', 'report_delivery', 'incident_deadline'])
      await refreshSqliteStats(q, table);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.createIndex(
      'incident_deadline',
      new TableIndex({ name: DEADLINE_ORG_STATUS, columnNames: ['org_id', 'status', 'due_at'] }),
    );
    await q.createIndex(
      'report',
      new TableIndex({ name: REPORT_ORG_INCIDENT, columnNames: ['org_id', 'incident_id', 'created_at'] }),
    );
    for (const [name] of REPORT_INDEXES) await q.dropIndex('report', name);
    for (const [table, name] of DRILL_INDEXES) await q.dropIndex(table, name);
  }
}
