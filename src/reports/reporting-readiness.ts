import { Injectable, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LRUCache } from 'lru-cache';
import { EntityManager, In } from 'typeorm';
import { AccountsModule, Organisations, type OrganisationRecord } from '../accounts';
import { AuditModule, AuditService } from '../audit';
import type { DepartmentKind, Grade } from '../common';
import { Catalogue, type ReportingRule } from '../requirements';
import { ReportRecipient, type RecipientKindCode } from './report.entities';
import { RecipientCoverageSource, type RecipientCoverageView } from '../incidents';

/** How long the coverage shown in incident answers is reused (ReportingReadiness.recent). */
export const COVERAGE_REUSE_MS = 2000;

/**
 * Who an operator's reports reach: the recipient kinds its rules require and the departments and
 * external recipients there are for them. The reports module addresses submissions with it; the
 * incidents module uses it to tell an operator at declaration and confirmation which required kinds
 * would receive nothing (so the answer is in front of the commander before the clock runs out).
 */
@Injectable()
export class ReportingReadiness implements RecipientCoverageSource, OnModuleInit, OnModuleDestroy {
  /**
   * Coverage as the incident answers show it, by organisation, grade and drill, for COVERAGE_REUSE_MS.
   * Every full answer while a report is owed carries it, and computing it took three reads (the
   * organisation, the departments, the recipients): on Postgres about a tenth of an API process's CPU on
   * the event path (npm run bench:pg). It changes only when an organisation or a recipient does; this
   * process forgets it at once when it commits such a change, and another process's change shows here
   * within COVERAGE_REUSE_MS. Addressing a report (`coverage`, `departmentsFor`) always reads afresh.
   */
  private readonly recent = new LRUCache<string, RecipientCoverageView>({ max: 1000, ttl: COVERAGE_REUSE_MS });
  private stop?: () => void;

  constructor(
    private readonly catalogue: Catalogue,
    private readonly organisations: Organisations,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.stop = this.audit.onCommitted((entry) => {
      if (entry.action.startsWith('organisation.') || entry.action.startsWith('report-recipient.')) this.recent.clear();
    });
  }

  onModuleDestroy(): void {
    this.stop?.();
  }

  /**
   * Recipient kinds a report under `rule` goes to: the rule's, plus sector regulators whose rules bind this operator.
   */
  recipientKinds(
    org: Pick<OrganisationRecord, 'sector' | 'operatorKind'>,
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
  departmentsFor(
    em: EntityManager,
    org: Pick<OrganisationRecord, 'sector' | 'region'>,
    kinds: readonly RecipientKindCode[],
  ): Promise<OrganisationRecord[]> {
    const departmentKinds = kinds.filter(
      (k): k is DepartmentKind =>
        k === 'protection-department' || k === 'provincial-cyberspace-department' || k === 'public-security',
    );
    return this.organisations.departments(
      { departmentKinds, sector: org.sector, ...(org.region ? { region: org.region } : {}) },
      em,
    );
  }

  /**
   * Which recipient kinds the rule requires for an incident of `grade` and which of them nobody would
   * receive today (no department of the deployment, no active external recipient): those reports must
   * go another way, and the national channels are offered for them.
   */
  async coverage(
    em: EntityManager,
    org: OrganisationRecord,
    grade: Grade,
    drill: boolean,
  ): Promise<RecipientCoverageView> {
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

  /**
   * The same, for the organisation `orgId` (the incidents module knows the organisation by id only), as
   * incident answers show it: reused for COVERAGE_REUSE_MS (`recent`).
   */
  async coverageFor(em: EntityManager, orgId: string, grade: Grade, drill: boolean): Promise<RecipientCoverageView> {
    const key = `${orgId}|${grade}|${drill}`;
    const known = this.recent.get(key);
    if (known) return known;
    const org = await this.organisations.get(orgId, em);
    const found = await this.coverage(em, org, grade, drill);
    this.recent.set(key, found);
    return found;
  }
}

/**
 * What the reports domain tells others about where reports go: the incidents API shows it in its
 * answers (as the RecipientCoverageSource it asks for).
 */
@Module({
  imports: [AccountsModule, AuditModule, TypeOrmModule.forFeature([ReportRecipient])],
  providers: [ReportingReadiness, { provide: RecipientCoverageSource, useExisting: ReportingReadiness }],
  exports: [ReportingReadiness, RecipientCoverageSource],
})
export class ReportingReadinessModule {}
