import { phaseIndex, type Phase, type Role, type StepState } from '../types';

/**
 * Step rules, kept outside the machine so guards and the runtime (for error messages) agree.
 *
 * `phase` is the phase the incident is in now. A step may be completed when it belongs to that phase, or
 * to an earlier one and is not done (a reopened step, or an optional one left open, can be caught up
 * later); steps of later phases cannot be completed ahead of time. A done step may be reopened while
 * its phase is the current or an earlier one.
 */

export type StepRefusal = 'unknown-step' | 'role-not-allowed' | 'future-phase' | 'already-done' | 'not-done';

export function findStep(steps: readonly StepState[], stepId: string): StepState | undefined {
  return steps.find((s) => s.id === stepId);
}

/** The checks completing and reopening share; then only the step's status decides. */
function refusal(
  steps: readonly StepState[],
  stepId: string,
  role: Role,
  phase: Phase,
  wantDone: boolean,
): StepRefusal | null {
  const step = findStep(steps, stepId);
  if (!step) return 'unknown-step';
  if (!step.roles.includes(role)) return 'role-not-allowed';
  if (phaseIndex(step.phase) > phaseIndex(phase)) return 'future-phase';
  if ((step.status === 'done') !== wantDone) return wantDone ? 'not-done' : 'already-done';
  return null;
}

export function completionRefusal(
  steps: readonly StepState[],
  stepId: string,
  role: Role,
  phase: Phase,
): StepRefusal | null {
  return refusal(steps, stepId, role, phase, false);
}

export function reopenRefusal(
  steps: readonly StepState[],
  stepId: string,
  role: Role,
  phase: Phase,
): StepRefusal | null {
  return refusal(steps, stepId, role, phase, true);
}

/**
 * Mandatory steps still open in `phase` or any earlier phase. Earlier phases count because a reopened
 * mandatory step means work was found wanting, and the incident must not move on until it is redone.
 */
export function openMandatorySteps(steps: readonly StepState[], phase: Phase): StepState[] {
  const upTo = phaseIndex(phase);
  return steps.filter((s) => s.mandatory && s.status !== 'done' && phaseIndex(s.phase) <= upTo);
}

export function isPhaseComplete(steps: readonly StepState[], phase: Phase): boolean {
  return openMandatorySteps(steps, phase).length === 0;
}

export function markDone(
  steps: readonly StepState[],
  ev: { stepId: string; role: Role; actorId: string; at: string; note?: string; evidence?: string[] },
): StepState[] {
  return steps.map((s) => {
    if (s.id !== ev.stepId) return s;
    const next: StepState = {
      ...s,
      status: 'done',
      completedAt: ev.at,
      completedBy: ev.actorId,
      completedRole: ev.role,
    };
    // A reopened step must not keep the note or evidence of the attempt that was found wanting.
    delete next.note;
    delete next.evidence;
    if (ev.note !== undefined) next.note = ev.note;
    if (ev.evidence !== undefined) next.evidence = [...ev.evidence];
    return next;
  });
}

export function markReopened(
  steps: readonly StepState[],
  ev: { stepId: string; actorId: string; at: string },
): StepState[] {
  return steps.map((s) => {
    if (s.id !== ev.stepId) return s;
    const next: StepState = {
      ...s,
      status: 'open',
      reopenCount: s.reopenCount + 1,
      lastReopenedAt: ev.at,
      lastReopenedBy: ev.actorId,
    };
    delete next.completedAt;
    delete next.completedBy;
    delete next.completedRole;
    return next;
  });
}

/**
 * What an incident copies from its playbook for each step when it is declared, and never changes
 * afterwards: the persisted snapshot keeps it apart from the steps' progress (see
 * src/engine/workflow-runtime.ts), so every event rewrites only what can change.
 */
export type StepDefinition = Pick<StepState, 'id' | 'phase' | 'title' | 'roles' | 'mandatory' | 'requirements'>;

/** Everything else of a step: its status and who did what when. */
export type StepProgress = Omit<StepState, Exclude<keyof StepDefinition, 'id'>>;

const DEFINITION_KEYS: ReadonlySet<string> = new Set(['phase', 'title', 'roles', 'mandatory', 'requirements']);

export function stepDefinition(s: StepState): StepDefinition {
  return {
    id: s.id,
    phase: s.phase,
    title: s.title,
    roles: s.roles,
    mandatory: s.mandatory,
    requirements: s.requirements,
  };
}

export function stepProgress(s: StepState): StepProgress {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(s)) if (!DEFINITION_KEYS.has(key)) out[key] = s[key as keyof StepState];
  return out as unknown as StepProgress;
}

/**
 * A step's progress as snapshots stored it until 2026-12-03 (since then untouched steps are left out:
 * touchedSteps): a step never started and never reopened (most of an incident's steps) is just its
 * id, the rest their whole progress. Each such step took about 40
 * bytes more as an object; with them an incident row no longer fits two to a 4 KiB SQLite page.
 */
export type StoredStepProgress = StepProgress | string;

export function storedStepProgress(p: StepProgress): StoredStepProgress {
  const keys = Object.keys(p);
  return keys.length === 3 && p.status === 'open' && p.reopenCount === 0 && 'id' in p ? p.id : p;
}

function expandStepProgress(p: StoredStepProgress): StepProgress {
  return typeof p === 'string' ? ({ id: p, status: 'open', reopenCount: 0 } as StepProgress) : p;
}

/** Whether a step's progress is still as declared: open, never started nor reopened. */
const untouched = (p: StepProgress): boolean => storedStepProgress(p) === p.id;

/**
 * The steps as a snapshot stores them since 2026-12-03: only those started, done or reopened, each its
 * whole progress, in order. The others are open and untouched, and their ids and order are those of
 * the definitions the incident was declared with (incident_playbook), which never change: the
 * definitions are the declared steps, and no transition adds, removes or reorders a step. Most of an
 * incident's steps are untouched for most of its life; as ids they took about 400 bytes of a
 * ransomware incident's row (issue 19, storage per incident).
 */
export function touchedSteps(steps: readonly StepState[]): StepProgress[] {
  return steps.map(stepProgress).filter((p) => !untouched(p));
}

/** The steps again from the definitions and the touched steps' progress (touchedSteps). */
export function stepsFromTouched(
  touched: readonly StepProgress[],
  definitions: readonly StepDefinition[],
): StepState[] {
  const byId = new Map(touched.map((p) => [p.id, p]));
  const known = new Set(definitions.map((d) => d.id));
  const stray = touched.find((p) => !known.has(p.id));
  if (stray) throw new MissingStepDefinitionError(`no definition for step ${stray.id}`);
  // Definition first: the key order of a step as the playbook made it (as joinSteps).
  return definitions.map((d) => ({ ...d, ...(byId.get(d.id) ?? expandStepProgress(d.id)) }) as StepState);
}

/** Whether a stored step carries its definition (snapshots written before the split do). */
export const hasDefinition = (s: unknown): boolean => typeof s === 'object' && s !== null && 'phase' in s;

export class MissingStepDefinitionError extends Error {}

/** The steps again, definition and progress of each, in the order of `progress`. */
export function joinSteps(
  progress: readonly StoredStepProgress[],
  definitions: readonly StepDefinition[],
): StepState[] {
  const byId = new Map(definitions.map((d) => [d.id, d]));
  return progress.map(expandStepProgress).map((p) => {
    const d = byId.get(p.id);
    if (!d) throw new MissingStepDefinitionError(`no definition for step ${p.id}`);
    // Definition first: the key order of a step as the playbook made it.
    return { ...d, ...p } as StepState;
  });
}
