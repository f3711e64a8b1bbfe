import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DepartmentKind, OperatorKind, OrgKind, Sector } from '../common';

@Entity('organisation')
export class Organisation {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 20 })
  kind!: OrgKind;

  @Column({ type: 'varchar', length: 40 })
  sector!: Sector;

  /** Operators only: which reporting rules apply (cii, organ, other). */
  @Column({ name: 'operator_kind', type: 'varchar', length: 20, nullable: true })
  operatorKind!: OperatorKind | null;

  /** Departments only: which authority it is, so reports find it (protection-department unless set). */
  @Column({ name: 'department_kind', type: 'varchar', length: 40, nullable: true })
  departmentKind!: DepartmentKind | null;

  /**
   * Province-level region (GB/T 2260 two-digit code): where an operator is located, or the region a
   * provincial cyberspace department or public-security department covers.
   */
  @Column({ type: 'varchar', length: 2, nullable: true })
  region!: string | null;

  /** The organisation created by BOOTSTRAP_ADMIN_TOKEN; its admins administer the deployment. */
  @Column({ name: 'is_platform', type: 'boolean', default: false })
  isPlatform!: boolean;

  /** Everyone of the organisation signs in to the console with a second factor (admins always do). */
  @Column({ name: 'require_two_factor', type: 'boolean', default: false })
  requireTwoFactor!: boolean;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  /**
   * The organisation's internal host naming patterns (sharing/stix/host-patterns.ts), applied by
   * desensitisation to STIX exports; null = none declared.
   */
  @Column({ name: 'internal_host_patterns', type: 'simple-json', nullable: true })
  internalHostPatterns!: string[] | null;
}
