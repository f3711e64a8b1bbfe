import { Injectable, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EntityManager, In } from 'typeorm';
import { Organisation } from '../accounts';
import type { Grade } from '../common';
import { Catalogue } from '../requirements';
import type { ReportingRule } from '../requirements';
import { ReportRecipient, type RecipientKindCode } from './report.entities';
import { RecipientCoverageSource, type RecipientCoverageView } from '../incidents';

/**
 * Who an operator's reports reach: the recipient kinds its rules require and the departments and
 * external recipients there are for them. The reports module addresses submissions with it; the
 * incidents module uses it to tell an operator at declaration and confirmation which required kinds
 * would receive nothing (so the answer is in front of the commander before the clock runs out).
 */
@Injectable()
export class ReportingReadiness implements RecipientCoverageSource {
  constructor(private readonly catalogue: Catalogue) {}

  /**
   * Recipient kinds a report under `rule` goes to: the rule's, plus sector regulators whose rules bind this operator.
   */
  recipientKinds(
    org: Pick<Organisation, 'sector' | 'operatorKind'>,
    rule: ReportingRule,
    grade: Grade,
  ): RecipientKindCode[] {
    const kinds = rule.recipients.map((r) => r.kind as RecipientKindCode);
    if (this.catalogue.sectorRulesFor(org.sector, org.operatorKind ?? 'other', grade).length)
      kinds.push('sector-regulator');
    return kinds;
  }

  /**
   * Departments of this deployment that receive the operator's reports: protection departments of its
   * sector; provincial cyberspace departments and public security of its region (when it has one).
   */
  async departmentsFor(
    em: EntityManager,
    org: Pick<Organisation, 'sector' | 'region'>,
    kinds: readonly RecipientKindCode[],
  ): Promise<Organisation[]> {
    const where: Array<Record<string, unknown>> = [];
    if (kinds.includes('protection-department'))
      where.push({ kind: 'department', departmentKind: 'protection-department', sector: org.sector });
    const regional = kinds.filter((k) => k === 'provincial-cyberspace-department' || k === 'public-security');
    if (regional.length && org.region)
      where.push({ kind: 'department', departmentKind: In(regional), region: org.region });
    if (!where.length) return [];
    return em.getRepository(Organisation).find({ where, order: { name: 'ASC' } });
  }

  /**
   * Which recipient kinds the rule requires for an incident of `grade` and which of them nobody would
   * receive today (no department of the deployment, no active external recipient): those reports must
   * go another way, and the national channels are offered for them.
   */
  async coverage(em: EntityManager, org: Organisation, grade: Grade, drill: boolean): Promise<RecipientCoverageView> {
    const rule = this.catalogue.ruleFor(org.operatorKind ?? 'other', grade);
    if (!rule) return { required: [], missing: [], nationalChannels: [] };
    const required = this.recipientKinds(org, rule, grade);
    const departments = await this.departmentsFor(em, org, required);
    const externals = (
      await em.getRepository(ReportRecipient).find({ where: { orgId: org.id, active: true, kind: In(required) } })
    ).filter((r) => !drill || r.drill);
    const covered = new Set<string>([
      ...departments.map((d) => d.departmentKind ?? 'protection-department'),
      ...externals.map((r) => r.kind),
    ]);
    const missing = required.filter((k) => !covered.has(k));
    return {
      required,
      missing,
      nationalChannels: missing.length
        ? this.catalogue.nationalChannels.channels.map((c) => ({ ...c, label: { ...c.label } }))
        : [],
    };
  }

  /** The same, for the organisation `orgId` (the incidents module knows the organisation by id only). */
  async coverageFor(em: EntityManager, orgId: string, grade: Grade, drill: boolean): Promise<RecipientCoverageView> {
    const org = await em.getRepository(Organisation).findOneByOrFail({ id: orgId });
    return this.coverage(em, org, grade, drill);
  }
}

/**
 * What the reports domain tells others about where reports go: the incidents API shows it in its
 * answers (as the RecipientCoverageSource it asks for).
 */
@Module({
  imports: [TypeOrmModule.forFeature([ReportRecipient])],
  providers: [ReportingReadiness, { provide: RecipientCoverageSource, useExisting: ReportingReadiness }],
  exports: [ReportingReadiness, RecipientCoverageSource],
})
export class ReportingReadinessModule {}
