import { randomBytes } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * api_token.prefix held the first 10 characters of each token: for a token a person chose (the
 * bootstrap token) that is 10 characters of the secret. Every existing row gets a random handle
 * in its place (`lf_` and 8 base32 characters, the form new tokens carry). Lookups go by the
 * stored digest, so the tokens themselves keep working.
 */
export class TokenHandles1764000001400 implements MigrationInterface {
  name = 'TokenHandles1764000001400';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.options.type === 'postgres';
    const p = (n: number) => (postgres ? `$${n}` : '?');
    const rows: Array<{ id: string }> = await q.query('SELECT id FROM api_token');
    for (const row of rows) {
      // Spelled out rather than newPrefix(): a migration keeps doing what it did when the code moves on.
      const handle = [...randomBytes(8)].map((b) => 'abcdefghijklmnopqrstuvwxyz234567'[b & 31]).join('');
      await q.query(`UPDATE api_token SET prefix = ${p(1)} WHERE id = ${p(2)}`, [`lf_${handle}`, row.id]);
    }
  }

  async down(): Promise<void> {
    // The old prefixes were parts of the tokens; they are not kept anywhere to put back.
  }
}
