import { PLAYBOOKS } from '../../workflows';
import type { Playbook } from '../../workflows/types';
import type { PlanDocument } from './plan-document';

/**
 * The shipped playbooks as plan documents: the defaults an organisation starts from (it copies one, then
 * edits its copy) and what an incident gets when its organisation has no active plan for the category.
 * A drill-only step becomes a step with the condition `{ drill: true }`.
 */
export function defaultDocument(p: Playbook): PlanDocument {
  return {
    title: { ...p.title },
    categories: [...p.categories],
    steps: p.steps.map((s) => ({
      id: s.id,
      phase: s.phase,
      title: { ...s.title },
      guidance: { ...s.guidance },
      roles: [...s.roles],
      mandatory: s.mandatory,
      evidence: s.evidence.map((e) => ({ kind: e.kind, description: { ...e.description } })),
      requirements: [...s.requirements],
      ...(s.drillOnly ? { condition: { drill: true } } : {}),
    })),
  };
}

export function defaultPlaybook(id: string): Playbook | undefined {
  return PLAYBOOKS.find((p) => p.id === id);
}

export const DEFAULT_PLAYBOOKS: readonly Playbook[] = PLAYBOOKS;
