import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An organisation's plan (应急预案). Its content lives in immutable versions (plan_version); the row says
 * which organisation owns it, whether incidents use it (`active`) and, for a department, whether it is
 * published to the operators of its sector as a recommended plan.
 */
@Entity('plan')
@Index(['orgId'])
export class Plan {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'org_id', type: 'varchar', length: 36 }) orgId!: string;
  /** The latest version's number; versions count from 1. */
  @Column({ name: 'latest_version', type: 'integer' }) latestVersion!: number;
  /** Incidents of the organisation declared in one of the plan's categories get its latest version. */
  @Column({ type: 'boolean', default: false }) active!: boolean;
  /** Departments only: visible to the operators of the department's sector, who may adopt a copy. */
  @Column({ type: 'boolean', default: false }) published!: boolean;
  /** Where the plan came from: `default:<playbook>@<version>`, `adopted:<plan>@<version>`, `cacao:<id>`, or null. */
  @Column({ type: 'varchar', length: 200, nullable: true }) origin!: string | null;
  @Column({ name: 'created_at', type: 'varchar', length: 32 }) createdAt!: string;
  @Column({ name: 'updated_at', type: 'varchar', length: 32 }) updatedAt!: string;
}

/** One saved version of a plan: written once, never changed; deleted only while no incident uses it. */
@Entity('plan_version')
@Index(['planId', 'version'], { unique: true })
export class PlanVersion {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'plan_id', type: 'varchar', length: 36 }) planId!: string;
  @Column({ type: 'integer' }) version!: number;
  /** JSON: PlanDocument (plan-document.ts), canonical. */
  @Column({ type: 'text' }) document!: string;
  /** Comma-separated category codes of the document, for finding the active plan of a category. */
  @Column({ type: 'varchar', length: 2000 }) categories!: string;
  @Column({ type: 'varchar', length: 500, nullable: true }) note!: string | null;
  @Column({ name: 'created_by', type: 'varchar', length: 100 }) createdBy!: string;
  @Column({ name: 'created_at', type: 'varchar', length: 32 }) createdAt!: string;
}

/** Which incident was declared with which plan version: a version with pins cannot be deleted. */
@Entity('plan_pin')
@Index(['planVersionId'])
export class PlanPin {
  @PrimaryColumn({ name: 'incident_id', type: 'varchar', length: 36 }) incidentId!: string;
  @Column({ name: 'plan_version_id', type: 'varchar', length: 36 }) planVersionId!: string;
  @Column({ name: 'created_at', type: 'varchar', length: 32 }) createdAt!: string;
}
