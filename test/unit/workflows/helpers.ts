import { initialTransition, transition, type ExecutableActionObject } from 'xstate';
import { effectsOf } from '../../../workflows/snapshot';
import { incidentMachineV1, type IncidentEvent, type IncidentInput } from '../../../workflows/incident';
import type { Phase, Role, StepState, WorkflowEffect } from '../../../workflows/types';

export type IncidentSnapshot = ReturnType<typeof initialTransition<typeof incidentMachineV1>>[0];

/** One mandatory step per phase (plus one optional containment step): small enough for graph traversal. */
export function compactSteps(): StepState[] {
  const phases: Phase[] = ['triage', 'containment', 'eradication', 'recovery', 'review', 'reidentification'];
  const steps: StepState[] = phases.map((phase) => ({
    id: `${phase}-step`,
    phase,
    title: { zh: phase, en: phase },
    roles: ['commander'] as Role[],
    mandatory: true,
    requirements: [],
    status: 'open' as const,
    reopenCount: 0,
  }));
  steps.push({
    id: 'optional-containment',
    phase: 'containment',
    title: { zh: '可选', en: 'optional' },
    roles: ['responder'],
    mandatory: false,
    requirements: [],
    status: 'open',
    reopenCount: 0,
  });
  return steps;
}

export function incidentInput(overrides: Partial<IncidentInput> = {}): IncidentInput {
  return {
    incidentId: 'inc-1',
    category: 'ransomware',
    grade: 'II',
    drill: false,
    reportingRequired: true,
    ...overrides,
  };
}

/** Drives the machine through `transition()` exactly as the runtime does, keeping every effect emitted. */
export class Driver {
  snapshot: IncidentSnapshot;
  effects: WorkflowEffect[];
  lastEffects: WorkflowEffect[];

  /** Version 1 unless told otherwise; both versions share context and event types. */
  constructor(
    input: IncidentInput,
    readonly machine: typeof incidentMachineV1 = incidentMachineV1,
  ) {
    const [snapshot, actions] = initialTransition(machine, input);
    this.snapshot = snapshot;
    this.lastEffects = effectsOf(actions as ExecutableActionObject[]);
    this.effects = [...this.lastEffects];
  }

  send(event: IncidentEvent): this {
    const [next, actions] = transition(this.machine, this.snapshot, event);
    this.snapshot = next;
    this.lastEffects = effectsOf(actions as ExecutableActionObject[]);
    this.effects.push(...this.lastEffects);
    return this;
  }

  complete(stepId: string, role?: Role): this {
    const step = this.snapshot.context.steps.find((s) => s.id === stepId);
    if (!step) throw new Error(`no step ${stepId}`);
    return this.send({
      type: 'COMPLETE_STEP',
      stepId,
      role: role ?? step.roles[0]!,
      actorId: 'user-1',
      at: '2026-11-02T10:00:00Z',
    });
  }

  /** Completes every open mandatory step of a phase with the first role each step allows. */
  completePhase(phase: Phase): this {
    for (const step of this.snapshot.context.steps) {
      if (step.phase === phase && step.mandatory && step.status !== 'done') this.complete(step.id);
    }
    return this;
  }

  step(stepId: string): StepState {
    const step = this.snapshot.context.steps.find((s) => s.id === stepId);
    if (!step) throw new Error(`no step ${stepId}`);
    return step;
  }

  /** triage → response with the given reporting obligation. */
  confirm(reportingRequired = true, grade: IncidentInput['grade'] = 'II'): this {
    return this.completePhase('triage').send({ type: 'CONFIRM', grade, reportingRequired });
  }

  /** Handling region all the way to done. */
  finishHandling(): this {
    for (const phase of ['containment', 'eradication', 'recovery'] as const) {
      this.completePhase(phase).send({ type: 'ADVANCE' });
    }
    return this;
  }

  matches(value: Parameters<IncidentSnapshot['matches']>[0]): boolean {
    return this.snapshot.matches(value);
  }
}

export function effectTypes(effects: WorkflowEffect[]): string[] {
  return effects.map((e) => e.type);
}

export function notices(effects: WorkflowEffect[]): string[] {
  return effects.flatMap((e) => (e.type === 'notify' ? [e.params.event] : []));
}
