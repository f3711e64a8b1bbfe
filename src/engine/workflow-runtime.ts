import { Injectable } from '@nestjs/common';
import { AnyMachineSnapshot, initialTransition, transition } from 'xstate';
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
  entry(id: string, version: number): WorkflowEntry {
    const entry = getWorkflow(id, version);
    if (!entry) throw new UnknownWorkflowError(`workflow ${id} v${version} is not registered`);
    return entry;
  }

  start(id: string, version: number, input: unknown): Stepped {
    const { machine } = this.entry(id, version);
    const [snapshot, actions] = initialTransition(machine, input);
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
    const [next, actions] = transition(machine, snapshot, event);
    return { accepted: true, snapshot: next, effects: effectsOf(actions) };
  }

  allowed(id: string, version: number, snapshot: AnyMachineSnapshot, role?: Role): string[] {
    return allowedEvents(this.entry(id, version).machine, snapshot, role ? { role } : {});
  }

  serialise(snapshot: AnyMachineSnapshot): string {
    const stored: StoredSnapshot = { value: snapshot.value, context: snapshot.context, status: snapshot.status };
    return JSON.stringify(stored);
  }

  /** The top-level state name (`response` for `{ response: { … } }`). */
  topState(snapshot: AnyMachineSnapshot): string {
    const v = snapshot.value;
    return typeof v === 'string' ? v : Object.keys(v as object)[0];
  }
}
