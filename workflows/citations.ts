import { describeWorkflow, flattenStates } from './describe';
import { PLAYBOOKS } from './playbooks';
import { WORKFLOWS } from './registry';

export interface Citation {
  requirementId: string;
  /** Workflow id; for a playbook step, `playbook:<playbook id>`. */
  workflowId: string;
  /** Workflow version (as registered) or playbook version. */
  version: number;
  kind: 'state' | 'step' | 'event';
  /**
   * state: the XState node id (e.g. `incident.response.reporting.initialDue`; the root is the workflow id);
   * event: `<source node id>:<EVENT>` (`:always` for an eventless transition);
   * step: `<playbook id>/<step id>`.
   */
  path: string;
}

/** Every requirement citation over every registered workflow version and every playbook. */
export function allCitations(): Citation[] {
  const out: Citation[] = [];
  for (const entry of WORKFLOWS) {
    const d = describeWorkflow(entry.machine);
    for (const state of flattenStates(d.states)) {
      for (const requirementId of state.requirements) {
        out.push({ requirementId, workflowId: entry.id, version: entry.version, kind: 'state', path: state.id });
      }
    }
    for (const t of d.transitions) {
      for (const requirementId of t.requirements) {
        out.push({
          requirementId,
          workflowId: entry.id,
          version: entry.version,
          kind: 'event',
          path: `${t.source}:${t.event ?? 'always'}`,
        });
      }
    }
  }
  for (const playbook of PLAYBOOKS) {
    for (const step of playbook.steps) {
      for (const requirementId of step.requirements) {
        out.push({
          requirementId,
          workflowId: `playbook:${playbook.id}`,
          version: playbook.version,
          kind: 'step',
          path: `${playbook.id}/${step.id}`,
        });
      }
    }
  }
  return out;
}

/** The distinct requirement IDs cited anywhere. */
export function citedRequirementIds(): string[] {
  return [...new Set(allCitations().map((c) => c.requirementId))].sort();
}
