import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A person's console sign-in credentials, apart from the user row that every module reads (Users
 * hands out no column of this table). Absent for users who never had a password.
 */
@Entity('user_credential')
export class UserCredential {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  /** scrypt, self-describing (`scrypt$N=…,r=…,p=…$salt$hash`, see passwords.ts); null = no password. */
  @Column({ name: 'password_hash', type: 'varchar', length: 300, nullable: true })
  passwordHash!: string | null;

  /** Set by an admin's initial password or reset: the next session is restricted until it is changed. */
  @Column({ name: 'must_change_password', type: 'boolean', default: false })
  mustChangePassword!: boolean;

  @Column({ name: 'password_changed_at', type: 'varchar', length: 32, nullable: true })
  passwordChangedAt!: string | null;

  /** The confirmed TOTP secret, sealed with SECRETS_KEY and bound to the user id; null = not enrolled. */
  @Column({ name: 'totp_secret', type: 'varchar', length: 300, nullable: true })
  totpSecret!: string | null;

  /** An enrolment not yet confirmed with a code (sealed likewise). */
  @Column({ name: 'totp_pending_secret', type: 'varchar', length: 300, nullable: true })
  totpPendingSecret!: string | null;

  /** The RFC 6238 time step of the last accepted code: a code of that step or an earlier one is refused. */
  @Column({ name: 'totp_last_step', type: 'integer', nullable: true })
  totpLastStep!: number | null;

  @Column({ name: 'totp_enrolled_at', type: 'varchar', length: 32, nullable: true })
  totpEnrolledAt!: string | null;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}
