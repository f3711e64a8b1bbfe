import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { refreshSqliteStats } from './sqlite-stats';

/**
 * report_delivery.info_requested_at: when the department first asked about the delivery, with a
 * partial index of only those deliveries, for the inbox's `status=info-requested`. The filter used to
 * look up each of the department's requests' deliveries and sort them all: 120 ms a page with 10,000
 * requests over a million deliveries, growing with the requests.
 */
export class DeliveryInfoRequested1765400000001 implements MigrationInterface {
  name = 'DeliveryInfoRequested1765400000001';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'report_delivery',
      new TableColumn({ name: 'info_requested_at', type: 'varchar', length: '32', isNullable: true }),
    );
    await q.query(
      'UPDATE report_delivery SET info_requested_at = (SELECT MIN(r.requested_at) FROM report_info_request r ' +
        'WHERE r.delivery_id = report_delivery.id) ' +
        'WHERE id IN (SELECT delivery_id FROM report_info_request)',
    );
    await q.createIndex(
      'report_delivery',
      new TableIndex({
        name: 'report_delivery_dept_info_requested',
        columnNames: ['department_org_id', 'received_at', 'id'],
        where: 'info_requested_at IS NOT NULL',
      }),
    );
    await refreshSqliteStats(q, 'report_delivery');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('report_delivery', 'report_delivery_dept_info_requested');
    await q.dropColumn('report_delivery', 'info_requested_at');
  }
}
