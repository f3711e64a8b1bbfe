import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A one-time code by which a person takes their own first token (POST /api/v1/enrolments/redeem).
 * Only the code's keyed digest is stored, like a token's; it expires, and issuing a new code for
 * the same person ends the earlier ones.
 */
@Entity('enrolment')
export class Enrolment {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Index()
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Index({ unique: true })
  @Column({ name: 'code_hash', type: 'varchar', length: 64 })
  codeHash!: string;

  /** The code's non-secret handle (`lfe_` and 8 characters). */
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  /** The admin who issued it (user id). */
  @Column({ name: 'created_by', type: 'varchar', length: 80 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'expires_at', type: 'varchar', length: 32 })
  expiresAt!: string;

  @Column({ name: 'redeemed_at', type: 'varchar', length: 32, nullable: true })
  redeemedAt!: string | null;

  @Column({ name: 'token_id', type: 'varchar', length: 36, nullable: true })
  tokenId!: string | null;
}
