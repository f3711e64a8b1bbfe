import {
  BadRequestException,
  ConflictException,
  HttpException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, In, type EntityManager } from 'typeorm';
import { Organisations } from '../accounts';
import { AuditService } from '../audit';
import type { Principal } from '../auth';
import { badField, nowIso } from '../common';
import { TransactionRunner } from '../database';
import { ServiceProviders } from '../providers';
import { Catalogue } from '../requirements';
import { exportCacao } from './cacao/cacao-export';
import { LIANFANG_EXTENSION } from './cacao/cacao-ids';
import { CacaoInputError, importCacao } from './cacao/cacao-import';
import { cacaoValidator } from './cacao/cacao-validator';
import { checkPlan } from './plan-check';
import { DEFAULT_PLAYBOOKS, defaultDocument, defaultPlaybook } from './plan-defaults';
import { diffPlans } from './plan-diff';
import { PlanDocumentError, subPlanRefs, validatePlanDocument, type PlanDocument } from './plan-document';
import { PlanStore } from './plan-store';
import { Plan, PlanVersion } from './plan.entities';
import type {
  CreatePlanDto,
  DefaultPlanView,
  PlanDiffView,
  PlanSummaryView,
  PlanVersionDetailView,
  PlanVersionView,
  PlanView,
  SavePlanDto,
} from './plans.dto';

/** A version ready to be saved: checked document, where it came from. */
interface NewVersion {
  document: PlanDocument;
  note: string | null;
}

/**
 * Organisations' emergency plans: create (from a shipped default, a document, a CACAO import or a
 * department's recommended plan), save new versions, compare and delete versions, activate, publish.
 * Every save is validated (field-named 400) and model-checked (422 with the failing path) first.
 */
@Injectable()
export class PlansService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly catalogue: Catalogue,
    private readonly store: PlanStore,
    private readonly organisations: Organisations,
    private readonly providers: ServiceProviders,
  ) {}

  defaults(): DefaultPlanView[] {
    return DEFAULT_PLAYBOOKS.map((p) => ({ id: p.id, version: p.version, document: defaultDocument(p) }));
  }

  /**
   * A document from outside, checked: field-named 400s (sub-plans must be other plans of the organisation,
   * without sub-plans of their own), then the model check over the document with its sub-plans expanded
   * (422). Sub-plan steps saved without a version get the sub-plan's latest.
   */
  async checked(
    em: EntityManager,
    orgId: string,
    raw: unknown,
    field = 'document',
    self: string | null = null,
  ): Promise<PlanDocument> {
    let doc: PlanDocument;
    try {
      doc = validatePlanDocument(raw, this.rules, field);
    } catch (e) {
      if (!(e instanceof PlanDocumentError)) throw e;
      throw new BadRequestException({ message: e.message, details: e.problems });
    }
    for (const [i, step] of doc.steps.entries()) {
      if (!step.subPlan) continue;
      const at = `${field}.steps[${i}].subPlan`;
      const plan =
        step.subPlan.planId === self
          ? null
          : await em.getRepository(Plan).findOneBy({ id: step.subPlan.planId, orgId });
      if (!plan) throw badField(`${at}.planId`, 'must be the id of another plan of your organisation');
      const version = step.subPlan.version ?? plan.latestVersion;
      const row = await em.getRepository(PlanVersion).findOneBy({ planId: plan.id, version });
      if (!row) throw badField(`${at}.version`, `plan ${plan.id} has no version ${version}`);
      if (this.store.parse(row).steps.some((s) => s.subPlan))
        throw badField(`${at}.planId`, 'a sub-plan may not have sub-plan steps of its own');
      step.subPlan = { planId: plan.id, version };
    }
    // A service-provider step names a provider of the organisation's own register.
    const named = doc.steps.flatMap((s, i) => (s.provider ? [{ i, id: s.provider.providerId }] : []));
    const known = await this.providers.byIds(
      em,
      orgId,
      named.map((n) => n.id),
    );
    for (const n of named)
      if (!known.has(n.id))
        throw badField(
          `${field}.steps[${n.i}].provider.providerId`,
          'must be the id of a service provider of your organisation (GET /api/v1/service-providers)',
        );
    const failures = checkPlan(await this.store.expanded(em, doc), this.store.ancestors);
    if (failures.length)
      throw new UnprocessableEntityException({
        message: `The plan cannot be used: ${failures.map((f) => f.message).join('; ')}`,
        code: 'plan-check-failed',
        failures,
      });
    return doc;
  }

  private readonly rules = {
    isCategory: (c: string) => this.catalogue.isCategory(c),
    isRequirement: (id: string) => this.catalogue.requirement(id) !== undefined,
  };

  async list(p: Principal): Promise<PlanSummaryView[]> {
    const plans = await this.dataSource
      .getRepository(Plan)
      .find({ where: { orgId: p.orgId }, order: { createdAt: 'ASC' } });
    return this.summaries(this.dataSource.manager, plans);
  }

  async get(p: Principal, id: string): Promise<PlanView> {
    const plan = await this.own(this.dataSource.manager, p, id);
    return this.view(this.dataSource.manager, plan);
  }

  async create(p: Principal, dto: CreatePlanDto): Promise<PlanView> {
    let raw: unknown = dto.document;
    let origin: string | null = null;
    if (dto.fromDefault !== undefined) {
      if (dto.document !== undefined) throw badField('document', 'give either fromDefault or document, not both');
      const playbook = defaultPlaybook(dto.fromDefault);
      if (!playbook)
        throw badField(
          'fromDefault',
          `no shipped playbook ${dto.fromDefault}; they are ${DEFAULT_PLAYBOOKS.map((d) => d.id).join(', ')}`,
        );
      const doc = defaultDocument(playbook);
      if (dto.categories) doc.categories = dto.categories;
      raw = doc;
      origin = `default:${playbook.id}@${playbook.version}`;
    } else if (raw === undefined) throw badField('document', 'give either fromDefault or document');
    const document = await this.checked(
      this.dataSource.manager,
      p.orgId,
      raw,
      dto.fromDefault !== undefined ? 'categories' : 'document',
    );
    return this.insertPlan(p, { document, note: dto.note ?? null }, origin, dto.active ?? false, 'plan.created');
  }

  /** A new plan of the caller's organisation, version 1 (CACAO import and adoption end here too). */
  async insertPlan(
    p: Principal,
    v: NewVersion,
    origin: string | null,
    active: boolean,
    action: string,
    auditExtra: Record<string, unknown> = {},
  ): Promise<PlanView> {
    return this.tx.run(async (em) => {
      const now = nowIso();
      const plan: Plan = {
        id: randomUUID(),
        orgId: p.orgId,
        latestVersion: 1,
        active: false,
        published: false,
        origin,
        createdAt: now,
        updatedAt: now,
      };
      await em.getRepository(Plan).insert(plan);
      const version = await this.insertVersion(em, p, plan.id, 1, v);
      if (active) {
        await this.assertNoOverlap(em, p.orgId, plan.id, v.document.categories);
        plan.active = true;
        await em.getRepository(Plan).update({ id: plan.id }, { active: true });
      }
      await this.audit.append(em, {
        actor: p,
        action,
        payload: { planId: plan.id, version: 1, origin, active, categories: v.document.categories, ...auditExtra },
      });
      return this.view(em, plan, version);
    });
  }

  async save(p: Principal, id: string, dto: SavePlanDto): Promise<PlanView> {
    return this.tx.run(async (em) => {
      const plan = await this.own(em, p, id);
      const document = await this.checked(em, p.orgId, dto.document, 'document', plan.id);
      if (dto.expectedVersion !== undefined && dto.expectedVersion !== plan.latestVersion)
        throw new ConflictException({
          message: `Version ${dto.expectedVersion} is not the latest; version ${plan.latestVersion} is`,
          currentVersion: plan.latestVersion,
        });
      if (plan.active) await this.assertNoOverlap(em, p.orgId, plan.id, document.categories);
      const next = plan.latestVersion + 1;
      const version = await this.insertVersion(em, p, plan.id, next, { document, note: dto.note ?? null });
      plan.latestVersion = next;
      plan.updatedAt = version.createdAt;
      await em.getRepository(Plan).update({ id }, { latestVersion: next, updatedAt: plan.updatedAt });
      await this.audit.append(em, {
        actor: p,
        action: 'plan.saved',
        payload: { planId: id, version: next, note: dto.note ?? null, categories: document.categories },
      });
      return this.view(em, plan, version);
    });
  }

  async setActive(p: Principal, id: string, active: boolean): Promise<PlanView> {
    return this.tx.run(async (em) => {
      const plan = await this.own(em, p, id);
      if (active) {
        const latest = await this.version(em, plan.id, plan.latestVersion);
        await this.assertNoOverlap(em, p.orgId, plan.id, this.store.parse(latest).categories);
      }
      plan.active = active;
      plan.updatedAt = nowIso();
      await em.getRepository(Plan).update({ id }, { active, updatedAt: plan.updatedAt });
      await this.audit.append(em, {
        actor: p,
        action: active ? 'plan.activated' : 'plan.deactivated',
        payload: { planId: id },
      });
      return this.view(em, plan);
    });
  }

  async versions(p: Principal, id: string): Promise<PlanVersionView[]> {
    const em = this.dataSource.manager;
    const plan = await this.own(em, p, id);
    const rows = await em.getRepository(PlanVersion).find({ where: { planId: plan.id }, order: { version: 'ASC' } });
    const pins = await this.store.pinCount(
      em,
      rows.map((r) => r.id),
    );
    return rows.map((r) => versionView(r, pins.get(r.id) ?? 0));
  }

  async getVersion(p: Principal, id: string, n: number): Promise<PlanVersionDetailView> {
    const em = this.dataSource.manager;
    const plan = await this.own(em, p, id);
    const v = await this.version(em, plan.id, n);
    const pins = await this.store.pinCount(em, [v.id]);
    return { ...versionView(v, pins.get(v.id) ?? 0), document: this.store.parse(v) };
  }

  /** The document of a version the caller may read (its own plans). */
  async document(
    p: Principal,
    id: string,
    n: number,
  ): Promise<{ plan: Plan; version: PlanVersion; document: PlanDocument }> {
    const em = this.dataSource.manager;
    const plan = await this.own(em, p, id);
    const version = await this.version(em, plan.id, n);
    return { plan, version, document: this.store.parse(version) };
  }

  async diff(p: Principal, id: string, a: number, b: number): Promise<PlanDiffView> {
    const em = this.dataSource.manager;
    const plan = await this.own(em, p, id);
    const [va, vb] = [await this.version(em, plan.id, a), await this.version(em, plan.id, b)];
    return { from: a, to: b, ...diffPlans(this.store.parse(va), this.store.parse(vb)) } as PlanDiffView;
  }

  async deleteVersion(p: Principal, id: string, n: number): Promise<void> {
    await this.tx.run(async (em) => {
      const plan = await this.own(em, p, id);
      const v = await this.version(em, plan.id, n);
      if (n === plan.latestVersion)
        throw new ConflictException({
          message: `Version ${n} is the plan's latest version; save a new one first`,
          code: 'latest-version',
        });
      const incidents = (await this.store.pinCount(em, [v.id])).get(v.id) ?? 0;
      if (incidents > 0)
        throw new ConflictException({
          message: `Version ${n} is in use by ${incidents} incident(s) and cannot be deleted`,
          code: 'version-in-use',
        });
      if (await this.usedAsSubPlan(em, p.orgId, plan.id, n))
        throw new ConflictException({
          message: `Version ${n} is a sub-plan of another plan's version and cannot be deleted`,
          code: 'version-in-use',
        });
      await em.getRepository(PlanVersion).delete({ id: v.id });
      await this.audit.append(em, { actor: p, action: 'plan.version-deleted', payload: { planId: id, version: n } });
    });
  }

  // --- CACAO 2.0 ---

  /** A version of one of the caller's plans as a CACAO 2.0 playbook, checked against the OASIS schemas. */
  async exportVersion(p: Principal, id: string, n: number): Promise<Record<string, unknown>> {
    const { plan, version, document } = await this.document(p, id, n);
    const playbook = exportCacao(document, {
      planKey: plan.id,
      orgId: plan.orgId,
      created: plan.createdAt,
      modified: version.createdAt,
      version: version.version,
    });
    const problems = cacaoValidator().check(playbook);
    // Our own output: a problem here is a bug in the exporter, not the caller's doing.
    if (problems.length) throw new Error(`CACAO export of plan ${id}@${n} is invalid: ${JSON.stringify(problems)}`);
    return playbook;
  }

  /**
   * A CACAO 2.0 playbook as a new plan of the caller's organisation. Hostile input is refused with a 4xx
   * and a code (cacao-import.ts); the plan it gives is then validated and model-checked like any other.
   */
  async importPlaybook(
    p: Principal,
    raw: unknown,
    categories: string[] | undefined,
    active: boolean,
  ): Promise<{ plan: PlanView; skipped: Array<{ path: string; reason: string }> }> {
    let imported;
    try {
      imported = importCacao(raw);
    } catch (e) {
      if (!(e instanceof CacaoInputError)) throw e;
      throw new HttpException(
        {
          message: `playbook: ${e.message}`,
          code: e.code,
          details: [
            {
              field: 'playbook',
              messages: e.problems.length ? e.problems.map((x) => `${x.path || '/'} ${x.message}`) : [e.message],
            },
          ],
        },
        e.status,
      );
    }
    const cats = categories ?? imported.document.categories;
    if (!cats) throw badField('categories', 'the playbook names no categories: give the categories the plan serves');
    await this.unknownProvidersSkipped(p.orgId, raw, imported.document.steps, imported.skipped);
    const document = await this.checked(
      this.dataSource.manager,
      p.orgId,
      { ...imported.document, categories: cats },
      'playbook',
    );
    const plan = await this.insertPlan(
      p,
      { document, note: null },
      `cacao:${imported.playbookId}`,
      active,
      'plan.imported',
      {
        playbookId: imported.playbookId,
        skipped: imported.skipped.length,
      },
    );
    return { plan, skipped: imported.skipped };
  }

  /**
   * A service-provider step names a provider of the exporting organisation's register; imported by another
   * organisation (or after the provider was removed) the step stays, as a checklist step, and the provider
   * is reported skipped rather than refused or dropped unseen.
   */
  private async unknownProvidersSkipped(
    orgId: string,
    raw: unknown,
    steps: unknown[],
    skipped: Array<{ path: string; reason: string }>,
  ): Promise<void> {
    const named = steps.filter(
      (s): s is { id: string; provider: { providerId: string } } =>
        typeof s === 'object' &&
        s !== null &&
        typeof (s as { provider?: { providerId?: unknown } }).provider?.providerId === 'string',
    );
    if (!named.length) return;
    const known = await this.providers.byIds(
      this.dataSource.manager,
      orgId,
      named.map((s) => s.provider.providerId),
    );
    const workflow = (raw as { workflow?: Record<string, { step_extensions?: Record<string, { id?: unknown }> }> })
      .workflow;
    for (const s of named) {
      if (known.has(s.provider.providerId)) continue;
      const key = Object.keys(workflow ?? {}).find((k) =>
        Object.values(workflow?.[k]?.step_extensions ?? {}).some((e) => e?.id === s.id),
      );
      skipped.push({
        path: `/workflow/${key ?? s.id}/step_extensions/${LIANFANG_EXTENSION}/provider`,
        reason:
          `service provider ${s.provider.providerId} is not in your register: step ${s.id} is imported as a ` +
          'checklist step; name your provider in it (PUT the plan) to make it a service-provider step again',
      });
      delete (s as { provider?: unknown }).provider;
    }
  }

  // --- Departments' recommended plans ---

  async setPublished(p: Principal, id: string, published: boolean): Promise<PlanView> {
    return this.tx.run(async (em) => {
      const plan = await this.own(em, p, id);
      plan.published = published;
      plan.updatedAt = nowIso();
      await em.getRepository(Plan).update({ id }, { published, updatedAt: plan.updatedAt });
      await this.audit.append(em, {
        actor: p,
        action: published ? 'plan.published' : 'plan.unpublished',
        payload: { planId: id, sector: p.sector },
      });
      return this.view(em, plan);
    });
  }

  /** Published plans of the protection departments of the caller's sector. */
  async recommended(p: Principal): Promise<PlanSummaryView[]> {
    const em = this.dataSource.manager;
    const departments = await this.organisations.departments(
      { departmentKinds: ['protection-department'], sector: p.sector },
      em,
    );
    if (!departments.length) return [];
    const plans = await em.getRepository(Plan).find({
      where: { orgId: In(departments.map((d) => d.id)), published: true },
      order: { createdAt: 'ASC' },
    });
    return this.summaries(em, plans);
  }

  async getRecommended(p: Principal, id: string): Promise<PlanView> {
    const em = this.dataSource.manager;
    return this.view(em, await this.recommendedPlan(em, p, id));
  }

  async adopt(p: Principal, id: string, active: boolean): Promise<PlanView> {
    const em = this.dataSource.manager;
    const plan = await this.recommendedPlan(em, p, id);
    const v = await this.version(em, plan.id, plan.latestVersion);
    // A department's sub-plans are its own: the copy carries their steps, expanded.
    const document = await this.checked(em, p.orgId, await this.store.expanded(em, this.store.parse(v)));
    return this.insertPlan(p, { document, note: null }, `adopted:${plan.id}@${v.version}`, active, 'plan.adopted', {
      from: { planId: plan.id, version: v.version, orgId: plan.orgId },
    });
  }

  private async recommendedPlan(em: EntityManager, p: Principal, id: string): Promise<Plan> {
    const plan = await em.getRepository(Plan).findOneBy({ id, published: true });
    const org = plan ? await this.organisations.find(plan.orgId, em) : null;
    // Visible only to the operators of the publishing department's sector; to anyone else it does not exist.
    if (
      !plan ||
      !org ||
      org.kind !== 'department' ||
      org.departmentKind !== 'protection-department' ||
      org.sector !== p.sector
    )
      throw new NotFoundException('Recommended plan not found');
    return plan;
  }

  // --- helpers ---

  private async insertVersion(
    em: EntityManager,
    p: Principal,
    planId: string,
    n: number,
    v: NewVersion,
  ): Promise<PlanVersion> {
    const row: PlanVersion = {
      id: randomUUID(),
      planId,
      version: n,
      document: JSON.stringify(v.document),
      categories: v.document.categories.join(','),
      note: v.note,
      createdBy: p.userId,
      createdAt: nowIso(),
    };
    await em.getRepository(PlanVersion).insert(row);
    return row;
  }

  private async usedAsSubPlan(em: EntityManager, orgId: string, planId: string, n: number): Promise<boolean> {
    const plans = await em.getRepository(Plan).findBy({ orgId });
    const versions = await em.getRepository(PlanVersion).findBy({ planId: In(plans.map((x) => x.id)) });
    return versions.some((v) => subPlanRefs(this.store.parse(v)).some((r) => r.planId === planId && r.version === n));
  }

  /** One active plan per category, so which plan an incident gets is never a matter of chance. */
  private async assertNoOverlap(em: EntityManager, orgId: string, planId: string, categories: string[]): Promise<void> {
    const others = (await em.getRepository(Plan).findBy({ orgId, active: true })).filter((o) => o.id !== planId);
    for (const other of others) {
      const v = await this.version(em, other.id, other.latestVersion);
      const shared = this.store.parse(v).categories.filter((c) => categories.includes(c));
      if (shared.length)
        throw new ConflictException({
          message: `Plan ${other.id} is already active for ${shared.join(', ')}; deactivate it first`,
          code: 'category-taken',
        });
    }
  }

  private async own(em: EntityManager, p: Principal, id: string): Promise<Plan> {
    // Another organisation's plan is "not found": existence must not leak across tenants.
    const plan = await em.getRepository(Plan).findOneBy({ id, orgId: p.orgId });
    if (!plan) throw new NotFoundException('Plan not found');
    return plan;
  }

  private async version(em: EntityManager, planId: string, n: number): Promise<PlanVersion> {
    const v = await em.getRepository(PlanVersion).findOneBy({ planId, version: n });
    if (!v) throw new NotFoundException(`Plan version ${n} not found`);
    return v;
  }

  private async summaries(em: EntityManager, plans: Plan[]): Promise<PlanSummaryView[]> {
    if (!plans.length) return [];
    const versions = await em.getRepository(PlanVersion).find({
      where: plans.map((p) => ({ planId: p.id, version: p.latestVersion })),
    });
    const byPlan = new Map(versions.map((v) => [v.planId, v]));
    return plans.map((p) => summary(p, this.store.parse(byPlan.get(p.id)!)));
  }

  private async view(em: EntityManager, plan: Plan, latest?: PlanVersion): Promise<PlanView> {
    const v = latest ?? (await this.version(em, plan.id, plan.latestVersion));
    const document = this.store.parse(v);
    return { ...summary(plan, document), document } as PlanView;
  }
}

function summary(p: Plan, d: PlanDocument): PlanSummaryView {
  return {
    id: p.id,
    orgId: p.orgId,
    title: d.title,
    categories: d.categories,
    active: p.active,
    published: p.published,
    origin: p.origin,
    latestVersion: p.latestVersion,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

function versionView(v: PlanVersion, incidents: number): PlanVersionView {
  return {
    planId: v.planId,
    version: v.version,
    note: v.note,
    createdBy: v.createdBy,
    createdAt: v.createdAt,
    incidents,
  };
}
