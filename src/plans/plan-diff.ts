import { canonicalJson } from '../common';
import type { PlanDocument, PlanStep } from './plan-document';

export interface StepChange {
  id: string;
  /** The fields of the step that differ, each with its value in both versions. */
  fields: Array<{ field: string; from: unknown; to: unknown }>;
}

export interface PlanDiff {
  title: { from: PlanDocument['title']; to: PlanDocument['title'] } | null;
  categoriesAdded: string[];
  categoriesRemoved: string[];
  stepsAdded: PlanStep[];
  stepsRemoved: PlanStep[];
  stepsChanged: StepChange[];
  /** Step ids whose position in the plan changed (the others kept their order). */
  stepsMoved: string[];
}

const STEP_FIELDS = [
  'phase',
  'title',
  'guidance',
  'roles',
  'mandatory',
  'evidence',
  'requirements',
  'condition',
  'approval',
  'notify',
  'provider',
] as const satisfies ReadonlyArray<keyof PlanStep>;

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

/** What changed from `a` to `b`, step by step (steps are matched by id). */
export function diffPlans(a: PlanDocument, b: PlanDocument): PlanDiff {
  const before = new Map(a.steps.map((s) => [s.id, s]));
  const after = new Map(b.steps.map((s) => [s.id, s]));
  const stepsChanged: StepChange[] = [];
  for (const s of b.steps) {
    const old = before.get(s.id);
    if (!old) continue;
    const fields = STEP_FIELDS.filter((f) => !same(old[f], s[f])).map((f) => ({
      field: f,
      from: old[f] ?? null,
      to: s[f] ?? null,
    }));
    if (fields.length) stepsChanged.push({ id: s.id, fields });
  }
  const kept = (list: PlanStep[], other: Map<string, PlanStep>) => list.filter((s) => other.has(s.id)).map((s) => s.id);
  const orderA = kept(a.steps, after);
  const orderB = kept(b.steps, before);
  return {
    title: same(a.title, b.title) ? null : { from: a.title, to: b.title },
    categoriesAdded: b.categories.filter((c) => !a.categories.includes(c)),
    categoriesRemoved: a.categories.filter((c) => !b.categories.includes(c)),
    stepsAdded: b.steps.filter((s) => !before.has(s.id)),
    stepsRemoved: a.steps.filter((s) => !after.has(s.id)),
    stepsChanged,
    stepsMoved: orderB.filter((id, i) => orderA[i] !== id),
  };
}
