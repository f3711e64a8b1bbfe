import { PHASES } from '../../../workflows/types';
import type { Condition, PlanDocument, PlanStep } from '../plan-document';
import { cacaoId, LIANFANG_EXTENSION, uuid5 } from './cacao-ids';

export interface ExportSubject {
  /** Stable across versions: all versions of a plan are versions of one CACAO playbook. */
  planKey: string;
  orgId: string;
  /** ISO timestamps of the plan's creation and of this version. */
  created: string;
  modified: string;
  version: number;
}

/** CACAO timestamps carry exactly three fractional digits. */
const ms = (iso: string): string => new Date(iso).toISOString();

/** The condition as text for people and other tools; the exact term travels in the step extension. */
export function conditionText(c: Condition): string {
  if ('all' in c) return `(${c.all.map(conditionText).join(' AND ')})`;
  if ('any' in c) return `(${c.any.map(conditionText).join(' OR ')})`;
  if ('not' in c) return `NOT ${conditionText(c.not)}`;
  if ('gradeAtLeast' in c) return `incident.grade >= '${c.gradeAtLeast}'`;
  if ('category' in c) return `incident.category IN (${c.category.map((x) => `'${x}'`).join(', ')})`;
  if ('drill' in c) return `incident.drill == ${c.drill}`;
  return `incident.personal_information == ${c.personalInformation}`;
}

/**
 * A plan version as a CACAO 2.0 playbook: start → each step in phase order as an `action` with one
 * `manual` command (its instructions) performed by a `group` agent named after its first role → end; a
 * conditional step sits behind an `if-condition` whose false branch skips it. What CACAO has no property
 * for (phase, every role, mandatory, evidence, requirement ids, Chinese and English texts, the condition
 * term, the categories) travels in a lianfang extension, so an export imports back as the same plan.
 */
export function exportCacao(doc: PlanDocument, s: ExportSubject): Record<string, unknown> {
  const key = (what: string) => `${s.planKey}:${what}`;
  const identity = `identity--${uuid5(`org:${s.orgId}`)}`;
  const start = cacaoId('start', key('start'));
  const end = cacaoId('end', key('end'));
  const agents: Record<string, unknown> = {};
  const agentOf = (role: string): string => {
    const id = cacaoId('group', key(`role:${role}`));
    agents[id] = { type: 'group', name: role };
    return id;
  };
  const workflow: Record<string, unknown> = {};
  const steps = [...doc.steps].sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase));
  // Built back to front: each step's successor is known when it is written.
  let next = end;
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i]!;
    const actionId = step.subPlan
      ? cacaoId('playbook-action', key(`step:${step.id}`))
      : cacaoId('action', key(`step:${step.id}`));
    // An approval's agent is the deciding role (its only role).
    const agent = agentOf(step.approval?.role ?? step.roles[0]!);
    workflow[actionId] = step.subPlan ? playbookAction(step, next) : action(step, agent, next);
    if (step.condition) {
      const ifId = cacaoId('if-condition', key(`if:${step.id}`));
      workflow[ifId] = {
        type: 'if-condition',
        name: `Only when: ${conditionText(step.condition)}`,
        condition: conditionText(step.condition),
        on_true: actionId,
        on_false: next,
        on_completion: next,
        step_extensions: { [LIANFANG_EXTENSION]: { guards: step.id } },
      };
      next = ifId;
    } else next = actionId;
  }
  workflow[start] = { type: 'start', name: 'Declared', on_completion: next };
  workflow[end] = { type: 'end', name: 'Closed' };
  return {
    type: 'playbook',
    spec_version: 'cacao-2.0',
    id: cacaoId('playbook', key('playbook')),
    name: doc.title.zh,
    description: doc.title.en,
    playbook_types: ['mitigation', 'remediation'],
    created_by: identity,
    created: ms(s.created),
    modified: ms(s.modified),
    labels: [...doc.categories, `version:${s.version}`],
    workflow_start: start,
    workflow,
    agent_definitions: agents,
    extension_definitions: {
      [LIANFANG_EXTENSION]: {
        type: 'extension-definition',
        name: 'lianfang plan step',
        created_by: identity,
        schema: 'urn:lianfang:plan-step:1 (fields of a plan step: src/plans/plan-document.ts)',
        version: '1.0.0',
      },
    },
    playbook_extensions: {
      [LIANFANG_EXTENSION]: { title: doc.title, categories: doc.categories },
    },
  };
}

/** A sub-plan step: the plan it runs is exported as its own playbook, with this id. */
function playbookAction(step: PlanStep, next: string): Record<string, unknown> {
  return {
    type: 'playbook-action',
    name: step.title.zh,
    description: step.title.en,
    playbook_id: cacaoId('playbook', `${step.subPlan!.planId}:playbook`),
    on_completion: next,
    step_extensions: { [LIANFANG_EXTENSION]: extensionOf(step) },
  };
}

function extensionOf(step: PlanStep): Record<string, unknown> {
  return {
    id: step.id,
    phase: step.phase,
    title: step.title,
    guidance: step.guidance,
    roles: step.roles,
    mandatory: step.mandatory,
    evidence: step.evidence,
    requirements: step.requirements,
    ...(step.condition ? { condition: step.condition } : {}),
    ...(step.subPlan ? { subPlan: step.subPlan } : {}),
    ...(step.approval ? { approval: step.approval } : {}),
    ...(step.notify ? { notify: step.notify } : {}),
    ...(step.provider ? { provider: step.provider } : {}),
  };
}

/**
 * What a person does for a step of a kind CACAO has no step type for, as the text of its `manual` command:
 * an approval is a decision the named role takes by hand, a notification a message lianfang sends (a
 * CACAO tool without the extension shows it as a manual instruction), a service provider's report one the
 * operator obtains and records. The exact settings travel in the step extension.
 */
function kindInstruction(step: PlanStep): string | null {
  if (step.approval)
    return (
      `[approval] ${step.approval.role} decides yes or no, with a reason, within ${step.approval.timeout}; ` +
      'the phase cannot complete until it is approved; undecided, it escalates.'
    );
  if (step.notify)
    return (
      `[notification] lianfang tells ${step.notify.role ?? 'every role'} on ` +
      `${step.notify.channel ?? 'every channel'} when the incident reaches the ${step.phase} phase.`
    );
  if (step.provider)
    return (
      `[service provider] obtain the incident report of service provider ${step.provider.providerId} ` +
      "(the operator's register) and record its receipt with evidence."
    );
  return null;
}

function action(step: PlanStep, agent: string, next: string): Record<string, unknown> {
  const instructions = [kindInstruction(step) ?? '', step.guidance.zh, step.guidance.en]
    .filter((t) => t.trim().length)
    .join('\n\n');
  return {
    type: 'action',
    name: step.title.zh,
    description: step.title.en,
    commands: [{ type: 'manual', command: instructions || step.title.zh }],
    agent,
    on_completion: next,
    step_extensions: { [LIANFANG_EXTENSION]: extensionOf(step) },
  };
}
