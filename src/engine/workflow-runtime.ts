import { Injectable } from '@nestjs/common';
import {
  createActor,
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type ExecutableActionObject,
} from 'xstate';
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
  stepProgress,
  type StepDefinition,
  type StepProgress,
} from '../../workflows/incident/steps';
import type { StepState } from '../../workflows/types';
import type { Role } from '../../workflows/types';
import { JsonMemo, stringifyWithMemos } from '../common';
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

const noop = () => undefined;

/**
 * Restored snapshots kept in memory: the incidents being worked on right now. About 7 kB each
 * (measured for a restored ransomware incident), so 2,000 take some 14 MB; that covers the open
 * incidents of a large deployment, and a burst of their deadlines falling due together then
 * needs no row reads to restore them (500 did not cover the benchmark's 1,000).
 */
export const RECENT_SNAPSHOTS = 2000;

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
      self,
      id: '',
      sessionId: '',
      system: self.system,
      logger: noop,
      defer: noop,
      emit: noop,
      stopChild: noop,
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
  /** Restored snapshots of recently used rows, by row key, with the row version they belong to. */
  private readonly recent = new VersionedCache<AnyMachineSnapshot>(RECENT_SNAPSHOTS);

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

  /**
   * The snapshot stored on a row. An incident's snapshot keeps only its steps' progress (see
   * serialise); `definitions` are the step definitions the incident was declared with
   * (incident_playbook), joined back here. Snapshots written before that split carry whole steps
   * and need none.
   */
  restore(
    id: string,
    version: number,
    stored: string,
    definitions?: readonly StepDefinition[] | null,
  ): AnyMachineSnapshot {
    const parsed = JSON.parse(stored) as StoredSnapshot;
    const context = parsed.context as { steps?: unknown } | null;
    if (
      id === INCIDENT_WORKFLOW_ID &&
      context &&
      Array.isArray(context.steps) &&
      !context.steps.every((s: object) => hasDefinition(s))
    ) {
      if (!definitions)
        throw new MissingStepDefinitionError(
          'this snapshot keeps step progress only; its step definitions are needed to restore it',
        );
      parsed.context = { ...context, steps: joinSteps(context.steps as StepProgress[], definitions) };
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
    const [next, actions] = this.stepper(machine).transition(snapshot, event);
    return { accepted: true, snapshot: next, effects: effectsOf(actions) };
  }

  allowed(id: string, version: number, snapshot: AnyMachineSnapshot, role?: Role): string[] {
    return allowedEvents(this.entry(id, version).machine, snapshot, role ? { role } : {});
  }

  /**
   * The StoredSnapshot as JSON. An incident's steps are stored as their progress only: their
   * definitions never change after declaration and live in incident_playbook, so an event
   * rewrites a row of about 1 kB instead of 4 kB (the snapshot UPDATE was the costliest statement
   * of an event). The object elements of the context's arrays are stringified once per object
   * (JsonMemo): a transition replaces only what it changes.
   */
  serialise(snapshot: AnyMachineSnapshot): string {
    const context = snapshot.context as Record<string, unknown> | null;
    const memoFor =
      (snapshot.machine as AnyStateMachine | undefined)?.id === INCIDENT_WORKFLOW_ID
        ? this.incidentMemoFor
        : this.memoFor;
    const contextText =
      context !== null && typeof context === 'object' && !Array.isArray(context)
        ? stringifyWithMemos(context, memoFor)
        : JSON.stringify(context);
    return (
      `{"value":${JSON.stringify(snapshot.value)},"context":` +
      `${contextText},"status":${JSON.stringify(snapshot.status)}}`
    );
  }

  private readonly elements = new JsonMemo<object>();
  private readonly progress = new JsonMemo<StepState>(stepProgress);
  private readonly memoFor = (): JsonMemo<object> => this.elements;
  private readonly incidentMemoFor = (key: string): JsonMemo<object> =>
    key === 'steps' ? (this.progress as JsonMemo<object>) : this.elements;

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
