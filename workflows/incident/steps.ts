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
function refusal(steps: readonly StepState[], stepId: string, role: Role, phase: Phase, wantDone: boolean): StepRefusal | null {
  const step = findStep(steps, stepId);
  if (!step) return 'unknown-step';
  if (!step.roles.includes(role)) return 'role-not-allowed';
  if (phaseIndex(step.phase) > phaseIndex(phase)) return 'future-phase';
  if ((step.status === 'done') !== wantDone) return wantDone ? 'not-done' : 'already-done';
  return null;
}

export function completionRefusal(steps: readonly StepState[], stepId: string, role: Role, phase: Phase): StepRefusal | null {
  return refusal(steps, stepId, role, phase, false);
}

export function reopenRefusal(steps: readonly StepState[], stepId: string, role: Role, phase: Phase): StepRefusal | null {
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
    const next: StepState = { ...s, status: 'done', completedAt: ev.at, completedBy: ev.actorId, completedRole: ev.role };
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
