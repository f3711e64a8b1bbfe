import { Injectable } from '@nestjs/common';
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import {
  allowedEvents,
  effectsOf,
  getWorkflow,
  INCIDENT_WORKFLOW_ID,
  restoreSnapshot,
  type WorkflowEffect,
  type WorkflowEntry,
} from '../../workflows';
import {
  hasDefinition,
  joinSteps,
  MissingStepDefinitionError,
  stepsFromTouched,
  touchedSteps,
  type StepDefinition,
  type StepProgress,
  type StoredStepProgress,
} from '../../workflows/incident/steps';
import type { Role, StepState } from '../../workflows/types';
import { VersionedCache } from '../common';

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
 * Restored snapshots kept in memory: the incidents being worked on right now. About 7 kB each
 * (measured for a restored ransomware incident), so 2,000 take some 14 MB; that covers the open
 * incidents of a large deployment, and a burst of their deadlines falling due together then
 * needs no row reads to restore them (500 did not cover the benchmark's 1,000).
 */
export const RECENT_SNAPSHOTS = 2000;

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
  /** Restored snapshots of recently used rows, by row key, with the row version they belong to. */
  private readonly recent = new VersionedCache<AnyMachineSnapshot>(RECENT_SNAPSHOTS);

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

  /**
   * The snapshot stored on a row. An incident's snapshot keeps only its steps' progress (see
   * serialise); `definitions` are the step definitions the incident was declared with
   * (incident_playbook), joined back here. Snapshots written before that split carry whole steps
   * and need none. Those written since 2026-12-03 carry `touchedSteps` in place of `steps`.
   */
  restore(
    id: string,
    version: number,
    stored: string,
    definitions?: readonly StepDefinition[] | null,
  ): AnyMachineSnapshot {
    const parsed = JSON.parse(stored) as StoredSnapshot;
    const context = parsed.context as { steps?: unknown; touchedSteps?: unknown } | null;
    if (id === INCIDENT_WORKFLOW_ID && context) {
      const sparse = Array.isArray(context.touchedSteps);
      const progressOnly = Array.isArray(context.steps) && !context.steps.every((s: unknown) => hasDefinition(s));
      if ((sparse || progressOnly) && !definitions)
        throw new MissingStepDefinitionError(
          'this snapshot keeps step progress only; its step definitions are needed to restore it',
        );
      if (sparse) {
        const { touchedSteps: touched, ...rest } = context;
        parsed.context = { ...rest, steps: stepsFromTouched(touched as StepProgress[], definitions!) };
      } else if (progressOnly)
        parsed.context = { ...context, steps: joinSteps(context.steps as StoredStepProgress[], definitions!) };
    }
    return restoreSnapshot(this.entry(id, version).machine, parsed);
  }

  /**
   * The snapshot of row `key` at `rowVersion` if it was restored or written recently, so the hot
   * path skips reading, parsing and resolving it again. Row versions only grow and a row's version
   * changes with its snapshot, so a hit is always the stored snapshot; a stale entry just misses.
   * Snapshots are immutable (XState makes new ones per transition), so sharing them is safe.
   */
  cached(key: string, rowVersion: number): AnyMachineSnapshot | undefined {
    return this.recent.get(key, rowVersion);
  }

  /** Remembers a snapshot as row `key`'s at `rowVersion`; call only once that row is committed. */
  remember(key: string, rowVersion: number, snapshot: AnyMachineSnapshot): void {
    this.recent.set(key, rowVersion, snapshot);
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

  /**
   * The StoredSnapshot as JSON. An incident's steps are stored as their progress only: their
   * definitions never change after declaration and live in incident_playbook, so an event
   * rewrites a row of about 1 kB instead of 4 kB (the snapshot UPDATE was the costliest statement
   * of an event). Since 2026-12-03 only the steps started, done or reopened are stored
   * (`touchedSteps`, see workflows/incident/steps.ts): the others are as declared, and the definitions
   * give their ids and order. That took a ransomware incident's row from about 1.7 kB to 1.3 kB, three to
   * a 4 KiB SQLite page instead of two (issue 19, storage per incident). Before, an untouched step was
   * stored as its id alone (storedStepProgress), and before that whole; restore reads all three forms.
   */
  serialise(snapshot: AnyMachineSnapshot): string {
    const context = snapshot.context as { steps?: unknown } | null;
    const incident = (snapshot.machine as AnyStateMachine | undefined)?.id === INCIDENT_WORKFLOW_ID;
    let stored: StoredSnapshot = { value: snapshot.value, context, status: snapshot.status };
    if (incident && context && Array.isArray(context.steps)) {
      // `touchedSteps` in place of `steps`, so a snapshot of either form is read by its own rule (restore).
      const { steps, ...rest } = context;
      stored = { ...stored, context: { ...rest, touchedSteps: touchedSteps(steps as StepState[]) } };
    }
    return JSON.stringify(stored);
  }

  /** The top-level state name (`response` for `{ response: { … } }`). */
  topState(snapshot: AnyMachineSnapshot): string {
    const v = snapshot.value;
    return typeof v === 'string' ? v : Object.keys(v as object)[0];
  }
}
