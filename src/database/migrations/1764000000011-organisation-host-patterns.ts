import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * organisation.internal_host_patterns: the naming patterns desensitisation applies to STIX exports (JSON list, null =
 * none).
 */
export class OrganisationHostPatterns1764000000011 implements MigrationInterface {
  name = 'OrganisationHostPatterns1764000000011';

  async up(q: QueryRunner): Promise<void> {
    // Plain ALTER TABLE (SQLite 3.35+ and Postgres alike): TypeORM's SQLite addColumn rebuilds the
    // table, which the foreign keys of every table referencing organisation refuse once rows exist.
    await q.query('ALTER TABLE organisation ADD COLUMN internal_host_patterns TEXT');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE organisation DROP COLUMN internal_host_patterns');
  }
}
