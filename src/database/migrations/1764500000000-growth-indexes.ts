import { MigrationInterface, QueryRunner, TableIndex } from 'typeorm';

/**
 * Indexes that keep the paged reads flat as an organisation's data grows (issue 19, "Growth"). Each
 * list filter has an index that leads with the organisation (the department, for the inbox), then the
 * filtered column, then the list's order with its tie-breaker, so a page (by cursor or by offset) and
 * a capped count read index entries only:
 *  - incident (org_id[, state | grade | category], created_at, reference): the incident list;
 *  - report_delivery (department_org_id[, grade | category | acknowledged_at | incident_id], received_at, id):
 *    the inbox (by incident: one incident's reports, the answers to a request for information);
 *  - report_info_request (delivery_id), (department_org_id, delivery_id): a delivery's requests, and the
 *    inbox's `status=info-requested` driven from the department's requests (was a scan per delivery);
 *  - incident_deadline (org_id, resolved_at, due_at): the deadlines dashboard (open deadlines, soonest first);
 *  - audit_entry (incident_id, seq): an incident's timeline in order, by pages.
 * The narrower indexes they extend are dropped (every write paid for them too).
 */
const ADDED: Array<[table: string, name: string, columns: string[]]> = [
  ['incident', 'incident_org_created', ['org_id', 'created_at', 'reference']],
  ['incident', 'incident_org_state_created', ['org_id', 'state', 'created_at', 'reference']],
  ['incident', 'incident_org_grade_created', ['org_id', 'grade', 'created_at', 'reference']],
  ['incident', 'incident_org_category_created', ['org_id', 'category', 'created_at', 'reference']],
  ['report_delivery', 'report_delivery_dept_received', ['department_org_id', 'received_at', 'id']],
  ['report_delivery', 'report_delivery_dept_grade', ['department_org_id', 'grade', 'received_at', 'id']],
  ['report_delivery', 'report_delivery_dept_category', ['department_org_id', 'category', 'received_at', 'id']],
  ['report_delivery', 'report_delivery_dept_ack', ['department_org_id', 'acknowledged_at', 'received_at', 'id']],
  ['report_delivery', 'report_delivery_dept_incident', ['department_org_id', 'incident_id', 'received_at', 'id']],
  ['report_info_request', 'report_info_request_delivery', ['delivery_id']],
  ['report_info_request', 'report_info_request_dept_delivery', ['department_org_id', 'delivery_id']],
  ['incident_deadline', 'incident_deadline_org_open', ['org_id', 'resolved_at', 'due_at']],
  ['audit_entry', 'audit_entry_incident_seq', ['incident_id', 'seq']],
];

/** The indexes the new ones extend (created unnamed by earlier migrations, found by their columns). */
const REPLACED: Array<[table: string, columns: string[]]> = [
  ['incident', ['org_id', 'created_at']],
  ['report_delivery', ['department_org_id', 'received_at']],
  ['audit_entry', ['incident_id']],
];

const sameColumns = (a: string[], b: string[]) => a.length === b.length && a.every((c, i) => c === b[i]);

export class GrowthIndexes1764500000000 implements MigrationInterface {
  name = 'GrowthIndexes1764500000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, name, columnNames] of ADDED) await q.createIndex(table, new TableIndex({ name, columnNames }));
    for (const [tableName, columns] of REPLACED) {
      const table = await q.getTable(tableName);
      const index = table?.indices.find((i) => !i.isUnique && sameColumns(i.columnNames, columns));
      if (table && index) await q.dropIndex(table, index);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table, columnNames] of REPLACED) await q.createIndex(table, new TableIndex({ columnNames }));
    for (const [table, name] of [...ADDED].reverse()) await q.dropIndex(table, name);
  }
}
