import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { StepTemplate } from '../../workflows/types';
import { nowIso, VersionedCache } from '../common';
import { Catalogue } from '../requirements';
import {
  expandSubPlans,
  planActionsFor,
  stepsFor,
  type PlanAction,
  subPlanRefs,
  toTemplate,
  type ConditionFacts,
  type PlanDocument,
} from './plan-document';
import { Plan, PlanPin, PlanVersion } from './plan.entities';

/** The plan an incident is declared with: a version of one of the organisation's plans. */
export interface ResolvedPlan {
  planId: string;
  versionId: string;
  version: number;
  /** `plan:<plan id>@<version>`, kept on the incident (incident_playbook.playbook) as the built-in ones are. */
  ref: string;
  steps: StepTemplate[];
  /** Its approval, notification and service-provider steps (their kinds' settings), for the incident to keep. */
  actions: PlanAction[];
}

export const PLAN_REF = /^plan:([0-9a-f-]{36})@(\d+)$/;

/**
 * What the incidents module needs of plans, inside its declaration transaction: the organisation's
 * active plan for a category (the most specific one, walking up the taxonomy), the steps it gives an
 * incident with these facts, and the pin that keeps the version from being deleted. Also the step
 * guidance of a pinned version for the incident's answer. Versions never change, so they are cached.
 */
@Injectable()
export class PlanStore {
  private readonly documents = new VersionedCache<PlanDocument>(256);

  constructor(
    private readonly dataSource: DataSource,
    private readonly catalogue: Catalogue,
  ) {}

  ancestors = (code: string): string[] => {
    const out: string[] = [];
    for (let c = this.catalogue.category(code)?.parent; c && out.length < 16; c = this.catalogue.category(c)?.parent)
      out.push(c);
    return out;
  };

  async resolve(
    em: EntityManager,
    orgId: string,
    facts: Omit<ConditionFacts, 'categories'> & { category: string },
  ): Promise<ResolvedPlan | null> {
    const active = await em.getRepository(Plan).findBy({ orgId, active: true });
    if (!active.length) return null;
    const versions = await em.getRepository(PlanVersion).find({
      where: active.map((p) => ({ planId: p.id, version: p.latestVersion })),
    });
    const chain = [facts.category, ...this.ancestors(facts.category)];
    for (const code of chain) {
      const hit = versions.find((v) => v.categories.split(',').includes(code));
      if (!hit) continue;
      const doc = await this.expanded(em, this.parse(hit));
      return {
        planId: hit.planId,
        versionId: hit.id,
        version: hit.version,
        ref: `plan:${hit.planId}@${hit.version}`,
        steps: stepsFor(doc, { ...facts, categories: chain }),
        actions: planActionsFor(doc, { ...facts, categories: chain }),
      };
    }
    return null;
  }

  /**
   * One version of one of the organisation's plans (its latest without `version`), or null: what a
   * drill is scheduled on (src/drills). Another organisation's plan is null, as a missing one.
   */
  async version(
    em: EntityManager,
    orgId: string,
    planId: string,
    version?: number,
  ): Promise<{ planId: string; versionId: string; version: number; document: PlanDocument } | null> {
    const plan = await em.getRepository(Plan).findOneBy({ id: planId, orgId });
    if (!plan) return null;
    const v = await em.getRepository(PlanVersion).findOneBy({ planId, version: version ?? plan.latestVersion });
    return v ? { planId, versionId: v.id, version: v.version, document: this.parse(v) } : null;
  }

  /**
   * The steps of exactly this version for an incident with these facts, whether or not the plan is
   * active or has newer versions: a drill runs the version it was scheduled on.
   */
  async resolveVersion(
    em: EntityManager,
    orgId: string,
    pinned: { planId: string; version: number },
    facts: Omit<ConditionFacts, 'categories'> & { category: string },
  ): Promise<ResolvedPlan | null> {
    const v = await this.version(em, orgId, pinned.planId, pinned.version);
    if (!v) return null;
    const doc = await this.expanded(em, v.document);
    const categories = [facts.category, ...this.ancestors(facts.category)];
    return {
      planId: v.planId,
      versionId: v.versionId,
      version: v.version,
      ref: `plan:${v.planId}@${v.version}`,
      steps: stepsFor(doc, { ...facts, categories }),
      actions: planActionsFor(doc, { ...facts, categories }),
    };
  }

  /** Every plan of the organisation with its latest version's title, oldest first (the drills' compliance view). */
  async summaries(
    em: EntityManager,
    orgId: string,
  ): Promise<Array<{ planId: string; latestVersion: number; title: PlanDocument['title'] }>> {
    const plans = await em.getRepository(Plan).find({ where: { orgId }, order: { createdAt: 'ASC', id: 'ASC' } });
    if (!plans.length) return [];
    const versions = await em
      .getRepository(PlanVersion)
      .find({ where: plans.map((p) => ({ planId: p.id, version: p.latestVersion })) });
    const byPlan = new Map(versions.map((v) => [v.planId, this.parse(v)]));
    return plans.map((p) => ({
      planId: p.id,
      latestVersion: p.latestVersion,
      title: byPlan.get(p.id)?.title ?? { zh: '', en: '' },
    }));
  }

  async pin(em: EntityManager, versionId: string, incidentId: string): Promise<void> {
    await em.getRepository(PlanPin).insert({ incidentId, planVersionId: versionId, createdAt: nowIso() });
  }

  async pinCount(em: EntityManager, versionIds: string[]): Promise<Map<string, number>> {
    if (!versionIds.length) return new Map();
    const rows = await em
      .getRepository(PlanPin)
      .createQueryBuilder('p')
      .select('p.plan_version_id', 'v')
      .addSelect('COUNT(*)', 'n')
      .where({ planVersionId: In(versionIds) })
      .groupBy('p.plan_version_id')
      .getRawMany<{ v: string; n: number | string }>();
    return new Map(rows.map((r) => [r.v, Number(r.n)]));
  }

  /** The step templates (guidance, expected evidence) of a pinned version, by its ref; null for other refs. */
  async templates(ref: string | null): Promise<Map<string, StepTemplate> | null> {
    const m = ref ? PLAN_REF.exec(ref) : null;
    if (!m) return null;
    const v = await this.dataSource.getRepository(PlanVersion).findOneBy({ planId: m[1], version: Number(m[2]) });
    if (!v) return new Map();
    const doc = await this.expanded(this.dataSource.manager, this.parse(v));
    return new Map(doc.steps.map((s) => [s.id, toTemplate(s)]));
  }

  /** The document with its sub-plan steps replaced by the steps of the versions they name. */
  async expanded(em: EntityManager, doc: PlanDocument): Promise<PlanDocument> {
    const refs = subPlanRefs(doc);
    if (!refs.length) return doc;
    const rows = await em.getRepository(PlanVersion).find({ where: refs });
    const byRef = new Map(rows.map((r) => [`${r.planId}@${r.version}`, this.parse(r)]));
    return expandSubPlans(doc, (planId, version) => byRef.get(`${planId}@${version}`));
  }

  parse(v: PlanVersion): PlanDocument {
    const known = this.documents.get(v.id, 0);
    if (known) return known;
    const doc = JSON.parse(v.document) as PlanDocument;
    this.documents.set(v.id, 0, doc);
    return doc;
  }
}
