import type { Schemas } from '../../api/client';
import type { SessionView } from '../../api/session';

export type Incident = Schemas['IncidentView'];
export type Step = Schemas['StepView'];
export type StateValue = Schemas['WorkflowStateValue'];
export type Role = SessionView['user']['role'];
export type Phase = Step['phase'];

/** In playbook order: a step of an earlier phase may still be completed later (workflows/types.ts PHASES). */
export const PHASES: readonly Phase[] = [
  'triage',
  'containment',
  'eradication',
  'recovery',
  'review',
  'reidentification',
];

const HANDLING_PHASES: ReadonlySet<string> = new Set(['containment', 'eradication', 'recovery']);

/**
 * The playbook phase the incident is in, from its workflow state value; null once closed or dismissed.
 * Mirrors the machine (workflows/incident/machine.v2.ts): triage, the three handling phases of
 * `response` (its final `done` still takes the recovery steps), review and re-identification.
 */
export function currentPhase(value: StateValue): Phase | null {
  if (typeof value === 'string') {
    return value === 'triage' || value === 'review' || value === 'reidentification' ? value : null;
  }
  const response = value.response;
  if (response && typeof response === 'object') {
    const handling = response.handling;
    if (typeof handling === 'string') {
      if (HANDLING_PHASES.has(handling)) return handling as Phase;
      if (handling === 'done') return 'recovery';
    }
  }
  return null;
}

/** The reporting region's state (`initialDue`, `finalDue`, …) while the incident is in response. */
export function reportingState(value: StateValue): string | null {
  if (typeof value === 'string') return null;
  const response = value.response;
  if (!response || typeof response !== 'object') return null;
  return typeof response.reporting === 'string' ? response.reporting : null;
}

/**
 * The ids of every active state node (`incident`, `incident.response`, `incident.response.handling.containment`, …),
 * as GET /api/v1/workflows/{id} names them, so the diagram can highlight them.
 */
export function activeStateIds(rootId: string, value: StateValue): Set<string> {
  const ids = new Set<string>([rootId]);
  const walk = (prefix: string, v: StateValue) => {
    if (typeof v === 'string') {
      ids.add(`${prefix}.${v}`);
      return;
    }
    for (const [key, child] of Object.entries(v)) {
      ids.add(`${prefix}.${key}`);
      walk(`${prefix}.${key}`, child);
    }
  };
  walk(rootId, value);
  return ids;
}

const phaseIndex = (p: Phase) => PHASES.indexOf(p);

/**
 * Whether `role` may complete `step` now: the same rule as the machine's guard (workflows/incident/steps.ts):
 * the playbook names the role, the step is open, and its phase is the current one or an earlier one.
 */
export function mayComplete(step: Step, role: Role, phase: Phase | null): boolean {
  return (
    phase !== null && step.status === 'open' && step.roles.includes(role) && phaseIndex(step.phase) <= phaseIndex(phase)
  );
}

/** Whether `role` may reopen `step` now: done, the playbook names the role, its phase current or earlier. */
export function mayReopen(step: Step, role: Role, phase: Phase | null): boolean {
  return (
    phase !== null && step.status === 'done' && step.roles.includes(role) && phaseIndex(step.phase) <= phaseIndex(phase)
  );
}

/** The steps grouped by phase, in playbook order; phases without steps are left out. */
export function stepsByPhase(steps: readonly Step[]): Array<{ phase: Phase; steps: Step[] }> {
  return PHASES.map((phase) => ({ phase, steps: steps.filter((s) => s.phase === phase) })).filter(
    (g) => g.steps.length > 0,
  );
}

/** Event types a person sends; timer events (DEADLINE_*) come from the service only and are never offered. */
export const PERSON_EVENTS = [
  'CONFIRM',
  'DISMISS',
  'REGRADE',
  'ADVANCE',
  'CRIME_ASSESSED',
  'POLICE_REPORT_FILED',
  'INITIAL_REPORT_SUBMITTED',
  'FOLLOWUP_REPORT_SUBMITTED',
  'FINAL_REPORT_SUBMITTED',
  'REVIEW_COMPLETED',
  'REIDENTIFICATION_COMPLETED',
] as const;
export type PersonEvent = (typeof PERSON_EVENTS)[number];

/** The events the API allows this caller now, in a stable order (the workflow's own order, not the answer's). */
export function offeredEvents(incident: Pick<Incident, 'allowedEvents'>): PersonEvent[] {
  return PERSON_EVENTS.filter((e) => incident.allowedEvents.includes(e));
}
