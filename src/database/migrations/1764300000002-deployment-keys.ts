import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * deployment_key: a fingerprint (an HMAC of a fixed label) of each key the deployment's processes must
 * share, AUDIT_KEY and SECRETS_KEY, recorded at the first start and compared at every start
 * (src/database/startup.ts), so a process with other keys refuses to start instead of writing with them.
 */
export class DeploymentKeys1764300000002 implements MigrationInterface {
  name = 'DeploymentKeys1764300000002';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'deployment_key',
        columns: [
          { name: 'name', type: 'varchar', length: '40', isPrimary: true },
          { name: 'fingerprint', type: 'varchar', length: '64' },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('deployment_key');
  }
}
