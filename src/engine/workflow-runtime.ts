import { Injectable } from '@nestjs/common';
import { createActor, type AnyActorScope, type AnyMachineSnapshot, type AnyStateMachine, type ExecutableActionObject } from 'xstate';
import { allowedEvents, effectsOf, getWorkflow, restoreSnapshot, type WorkflowEffect, type WorkflowEntry } from '../../workflows';
import type { Role } from '../../workflows/types';

/** What is stored on the row: enough to rebuild the snapshot (our machines have no child actors). */
export interface StoredSnapshot {
  value: unknown;
  context: unknown;
  status: string;
}

export interface Stepped {
  accepted: boolean;
  snapshot: AnyMachineSnapshot;
  effects: WorkflowEffect[];
}

export class UnknownWorkflowError extends Error {}

const noop = () => undefined;

/**
 * What XState's pure `transition()` / `initialTransition()` do, with one inert actor scope per
 * machine instead of one per call. XState builds that scope by constructing an actor, which
 * computes the machine's whole initial snapshot (our context factory builds every playbook step)
 * and was about a tenth of the cost of applying an event. Sharing it is safe for our machines:
 * they spawn and invoke nothing, so nothing registers in the scope's system, and a transition is
 * synchronous, so the action collector is never shared between two calls.
 */
class PureStepper {
  private collected: ExecutableActionObject[] = [];
  private readonly scope: AnyActorScope;

  constructor(private readonly machine: AnyStateMachine) {
    const self = createActor(machine);
    this.scope = {
      self, id: '', sessionId: '', system: self.system, logger: noop, defer: noop, emit: noop, stopChild: noop,
      actionExecutor: (action) => {
        this.collected.push(action);
      },
    };
  }

  initial(input: unknown): [AnyMachineSnapshot, ExecutableActionObject[]] {
    return this.collect(() => this.machine.getInitialSnapshot(this.scope, input));
  }

  transition(snapshot: AnyMachineSnapshot, event: { type: string }): [AnyMachineSnapshot, ExecutableActionObject[]] {
    return this.collect(() => this.machine.transition(snapshot, event, this.scope));
  }

  private collect(run: () => AnyMachineSnapshot): [AnyMachineSnapshot, ExecutableActionObject[]] {
    this.collected = [];
    try {
      const next = run();
      return [next, this.collected];
    } finally {
      this.collected = [];
    }
  }
}

/**
 * The only place that runs workflow machines. Pure with respect to I/O: it restores a snapshot,
 * computes a transition with XState's pure `transition()` and hands back the next snapshot and the
 * effects (timers, notifications) for the caller to persist in the same transaction.
 *
 * Machines are looked up by the id and version stored with each incident, so an incident keeps
 * running on the definition it started with after a newer version ships.
 */
@Injectable()
export class WorkflowRuntime {
  private readonly steppers = new Map<AnyStateMachine, PureStepper>();

  entry(id: string, version: number): WorkflowEntry {
    const entry = getWorkflow(id, version);
    if (!entry) throw new UnknownWorkflowError(`workflow ${id} v${version} is not registered`);
    return entry;
  }

  start(id: string, version: number, input: unknown): Stepped {
    const { machine } = this.entry(id, version);
    const [snapshot, actions] = this.stepper(machine).initial(input);
    return { accepted: true, snapshot, effects: effectsOf(actions) };
  }

  restore(id: string, version: number, stored: string): AnyMachineSnapshot {
    const parsed = JSON.parse(stored) as StoredSnapshot;
    return restoreSnapshot(this.entry(id, version).machine, parsed);
  }

  /** Applies an event; `accepted: false` when the machine has no enabled transition for it now. */
  step(id: string, version: number, snapshot: AnyMachineSnapshot, event: { type: string }): Stepped {
    const { machine } = this.entry(id, version);
    if (snapshot.status !== 'active' || !snapshot.can(event)) return { accepted: false, snapshot, effects: [] };
    const [next, actions] = this.stepper(machine).transition(snapshot, event);
    return { accepted: true, snapshot: next, effects: effectsOf(actions) };
  }

  allowed(id: string, version: number, snapshot: AnyMachineSnapshot, role?: Role): string[] {
    return allowedEvents(this.entry(id, version).machine, snapshot, role ? { role } : {});
  }

  serialise(snapshot: AnyMachineSnapshot): string {
    const stored: StoredSnapshot = { value: snapshot.value, context: snapshot.context, status: snapshot.status };
    return JSON.stringify(stored);
  }

  private stepper(machine: AnyStateMachine): PureStepper {
    let s = this.steppers.get(machine);
    if (!s) this.steppers.set(machine, (s = new PureStepper(machine)));
    return s;
  }

  /** The top-level state name (`response` for `{ response: { … } }`). */
  topState(snapshot: AnyMachineSnapshot): string {
    const v = snapshot.value;
    return typeof v === 'string' ? v : Object.keys(v as object)[0];
  }
}
