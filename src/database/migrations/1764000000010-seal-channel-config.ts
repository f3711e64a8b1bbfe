import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  type SecretBox,
  sealConfigSecrets,
  splitConfigSecrets,
  joinConfigSecrets,
  openConfigSecrets,
} from '../../common';

const TABLES = ['notification_subscription', 'report_recipient'] as const;

/**
 * Seals what channel configs held in clear: custom webhook header values and robot tokens inside
 * URLs (WeCom key, DingTalk access_token, Feishu hook id). Each row keeps its config with those
 * parts shown as `***` and gets the sealed parts in `config_sealed`, bound to the row id, under the
 * same key as channel secrets. The key comes from the deployment (SECRETS_KEY or VAR_DIR/keys),
 * so the data source passes it in (see migrationsFor); without it, rows that need sealing stop the
 * migration rather than stay in clear.
 */
export class SealChannelConfig1764000000010 implements MigrationInterface {
  name = 'SealChannelConfig1764000000010';

  constructor(private readonly box?: () => SecretBox) {}

  async up(q: QueryRunner): Promise<void> {
    const p = (n: number) => (q.connection.options.type === 'postgres' ? `$${n}` : '?');
    for (const table of TABLES) {
      // Plain ALTER TABLE: TypeORM's SQLite addColumn rebuilds the table, which foreign keys refuse once rows exist.
      await q.query(`ALTER TABLE ${table} ADD COLUMN config_sealed TEXT`);
      for (let after = ''; ;) {
        const rows: Array<{ id: string; config: string }> = await q.query(
          `SELECT id, config FROM ${table} WHERE id > ${p(1)} ORDER BY id LIMIT 500`,
          [after],
        );
        if (rows.length === 0) break;
        for (const row of rows) {
          const { shown, secrets } = splitConfigSecrets(JSON.parse(row.config) as Record<string, unknown>);
          if (!secrets) continue;
          if (!this.box)
            throw new Error(
              `${this.name}: ${table} ${row.id} holds secrets in its config, and no secrets key was given to seal them`,
            );
          await q.query(`UPDATE ${table} SET config = ${p(1)}, config_sealed = ${p(2)} WHERE id = ${p(3)}`, [
            JSON.stringify(shown),
            sealConfigSecrets(this.box(), row.id, secrets),
            row.id,
          ]);
        }
        after = rows[rows.length - 1]!.id;
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const p = (n: number) => (q.connection.options.type === 'postgres' ? `$${n}` : '?');
    for (const table of TABLES) {
      const rows: Array<{ id: string; config: string; config_sealed: string }> = await q.query(
        `SELECT id, config, config_sealed FROM ${table} WHERE config_sealed IS NOT NULL`,
      );
      for (const row of rows) {
        if (!this.box)
          throw new Error(
            `${this.name}: ${table} ${row.id} has sealed config parts, and no secrets key was given to open them`,
          );
        const full = joinConfigSecrets(
          JSON.parse(row.config) as Record<string, unknown>,
          openConfigSecrets(this.box(), row.id, row.config_sealed),
        );
        await q.query(`UPDATE ${table} SET config = ${p(1)} WHERE id = ${p(2)}`, [JSON.stringify(full), row.id]);
      }
      await q.query(`ALTER TABLE ${table} DROP COLUMN config_sealed`);
    }
  }
}
