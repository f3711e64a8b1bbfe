import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { refreshSqliteStats } from './sqlite-stats';

/**
 * The list filters no index answered (issue 19: every list filter index-backed, p99 < 100 ms at a
 * million rows). Each read the owner's rows newest first until a page was full, so a filter that
 * matched little read every row: on the million-delivery inbox `status=forwarded` took 0.69 s and on
 * the million-incident list a detection range a year back 0.75 s (`sqlite3`, page cache warm).
 *
 * - The inbox's acknowledgement filters: (department, acknowledged_at, received_at, id) answered
 *   `unacknowledged` (acknowledged_at IS NULL is one key) but not `acknowledged`, whose matches it
 *   holds in acknowledgement order, not in the inbox's; in a deployment most deliveries are
 *   acknowledged, so every page sorted them all. It becomes two partial indexes in the inbox's order,
 *   one per answer, which hold the same entries without the acknowledgement time.
 * - The inbox's onward filters (`forwarded`, `onward-pending`): a partial index each, in the inbox's
 *   order, holding only the deliveries in that state. The inbox spells each filter as the condition.
 * - The inbox's `overdue` filter: a delivery is overdue while one of its open clocks (the
 *   acknowledgement until acknowledged, passing it on until passed on) is past due. That was a test of
 *   four columns on every row; in a deployment few deliveries are open, so `overdue=true` read the whole
 *   inbox to find them. report_delivery.open_due_at now holds when the earliest open clock falls due
 *   (null when none is open), written with every change of those clocks, and a partial index holds the
 *   open deliveries only, in the inbox's order, with that time: overdue is `open_due_at <= now`.
 * - The incident list's detection range (`detectedFrom`, `detectedTo`): (org_id, detected_at,
 *   reference). A list filtered by detection time is ordered by detection time (README "The OpenAPI
 *   document", on paging), so the range and the order come from this one index.
 */
const DEPT = ['department_org_id', 'received_at', 'id'];
const DELIVERY_INDEXES: Array<[name: string, where: string]> = [
  ['report_delivery_dept_unacknowledged', 'acknowledged_at IS NULL'],
  ['report_delivery_dept_acknowledged', 'acknowledged_at IS NOT NULL'],
  ['report_delivery_dept_forwarded', 'onward_at IS NOT NULL'],
  ['report_delivery_dept_onward_pending', "onward_at IS NULL AND onward_status IN ('pending', 'missed')"],
];
const DEPT_ACK = ['department_org_id', 'acknowledged_at', 'received_at', 'id'];

export class ListStatusIndexes1765600000000 implements MigrationInterface {
  name = 'ListStatusIndexes1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'report_delivery',
      new TableColumn({ name: 'open_due_at', type: 'varchar', length: '32', isNullable: true }),
    );
    // openDueAt() in SQL (report.entities.ts): the earlier of the open clocks' due times. The times are
    // ISO 8601 UTC text with milliseconds, so the text's order is the time's.
    const onwardOpen = "onward_at IS NULL AND onward_status IN ('pending', 'missed') AND onward_due_at IS NOT NULL";
    await q.query(
      'UPDATE report_delivery SET open_due_at = CASE ' +
        `WHEN acknowledged_at IS NULL AND ${onwardOpen} ` +
        'THEN CASE WHEN ack_due_at <= onward_due_at THEN ack_due_at ELSE onward_due_at END ' +
        'WHEN acknowledged_at IS NULL THEN ack_due_at ' +
        `WHEN ${onwardOpen} THEN onward_due_at END ` +
        `WHERE acknowledged_at IS NULL OR (${onwardOpen})`,
    );
    await q.createIndex(
      'report_delivery',
      new TableIndex({
        name: 'report_delivery_dept_open',
        columnNames: ['department_org_id', 'received_at', 'id', 'open_due_at'],
        where: 'open_due_at IS NOT NULL',
      }),
    );
    for (const [name, where] of DELIVERY_INDEXES)
      await q.createIndex('report_delivery', new TableIndex({ name, columnNames: DEPT, where }));
    await q.dropIndex('report_delivery', 'report_delivery_dept_ack');
    await q.createIndex(
      'incident',
      new TableIndex({ name: 'incident_org_detected', columnNames: ['org_id', 'detected_at', 'reference'] }),
    );
    for (const table of ['incident', 'report_delivery']) await refreshSqliteStats(q, table);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('report_delivery', 'report_delivery_dept_open');
    await q.dropColumn('report_delivery', 'open_due_at');
    await q.dropIndex('incident', 'incident_org_detected');
    await q.createIndex('report_delivery', new TableIndex({ name: 'report_delivery_dept_ack', columnNames: DEPT_ACK }));
    for (const [name] of DELIVERY_INDEXES) await q.dropIndex('report_delivery', name);
  }
}
