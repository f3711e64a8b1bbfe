import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Why a session ended (`ended_reason`). */
export const SESSION_END_REASONS = [
  'signed-out',
  'idle-timeout',
  'absolute-timeout',
  'password-changed',
  'password-reset',
  'second-factor-reset',
  'user-disabled',
] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/**
 * A console sign-in. The cookie holds 32 random bytes; the row keeps only their SHA-256 (its id),
 * so a copy of the database signs no one in. Rows stay after the session ends, with when and why.
 */
@Entity('user_session')
export class UserSession {
  /** SHA-256 (hex) of the cookie value. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Index()
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  /** SHA-256 (hex) of the session's CSRF token. */
  @Column({ name: 'csrf_hash', type: 'varchar', length: 64 })
  csrfHash!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'last_seen_at', type: 'varchar', length: 32 })
  lastSeenAt!: string;

  @Column({ name: 'idle_expires_at', type: 'varchar', length: 32 })
  idleExpiresAt!: string;

  @Column({ name: 'absolute_expires_at', type: 'varchar', length: 32 })
  absoluteExpiresAt!: string;

  @Column({ name: 'ended_at', type: 'varchar', length: 32, nullable: true })
  endedAt!: string | null;

  @Column({ name: 'ended_reason', type: 'varchar', length: 40, nullable: true })
  endedReason!: SessionEndReason | null;

  /** The client address at sign-in (behind TRUST_PROXY, the one the trusted proxy names). */
  @Column({ name: 'source_address', type: 'varchar', length: 64 })
  sourceAddress!: string;

  @Column({ name: 'user_agent', type: 'varchar', length: 400, nullable: true })
  userAgent!: string | null;
}
