import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const PROVIDER_SERVICES = ['security', 'operations', 'maintenance', 'development', 'cloud', 'other'] as const;
export type ProviderService = (typeof PROVIDER_SERVICES)[number];

/**
 * A contractor who provides the operator with security, operations or maintenance services. The
 * Measures make the operator bind such providers, by contract, to tell it of incidents they find
 * (NCIRM-2025-providers); this is where the operator keeps who they are and how to reach them, so the
 * commander can call them from the incident's triage step.
 */
@Entity('service_provider')
@Index(['orgId', 'name'])
export class ServiceProvider {
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'org_id', type: 'varchar', length: 36 }) orgId!: string;
  @Column({ type: 'varchar', length: 200 }) name!: string;
  @Column({ type: 'simple-json' }) services!: ProviderService[];
  @Column({ name: 'contact_name', type: 'varchar', length: 200 }) contactName!: string;
  @Column({ type: 'varchar', length: 40, nullable: true }) phone!: string | null;
  @Column({ type: 'varchar', length: 320, nullable: true }) email!: string | null;
  /** The contract that carries the reporting clause (number, date). */
  @Column({ name: 'contract_reference', type: 'varchar', length: 200, nullable: true }) contractReference!:
    string | null;
  /** Whether that contract already obliges the provider to report incidents to the operator. */
  @Column({ name: 'reporting_clause', type: 'boolean', default: false }) reportingClause!: boolean;
  @Column({ type: 'text', nullable: true }) notes!: string | null;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @Column({ name: 'created_at', type: 'varchar', length: 32 }) createdAt!: string;
  @Column({ name: 'updated_at', type: 'varchar', length: 32 }) updatedAt!: string;
}
