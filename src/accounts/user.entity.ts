import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Role } from '../common';

@Entity('app_user')
export class User {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index()
  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  /** A person's sign-in name for the console (lower-case, unique); null for service accounts and people without one. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64, nullable: true })
  username!: string | null;

  @Column({ type: 'varchar', length: 30 })
  role!: Role;

  /**
   * An account for a program (a SIEM, a script), not a person: an admin may issue its tokens, so
   * it may hold only roles that decide nothing another person must sign off (SERVICE_ACCOUNT_ROLES).
   */
  @Column({ name: 'service_account', type: 'boolean', default: false })
  serviceAccount!: boolean;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  /** When an admin disabled the user: no sign-in, no token works, until enabled again. */
  @Column({ name: 'disabled_at', type: 'varchar', length: 32, nullable: true })
  disabledAt!: string | null;
}
