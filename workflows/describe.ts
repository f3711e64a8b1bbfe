import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { machineEventTypes } from './allowed-events';

/** JSON for clients (console, API docs, auditors): the shape of a workflow and what each part cites. */
export interface StateDescription {
  /** XState node id, e.g. `incident.response.reporting.finalDue` — the same string `citations` uses as path. */
  id: string;
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  final: boolean;
  initial: string | null;
  requirements: string[];
  description: string | null;
  states: StateDescription[];
}

export interface TransitionDescription {
  source: string;
  /** null for an eventless (`always`) transition, taken as soon as its guard holds. */
  event: string | null;
  targets: string[];
  guard: string | null;
  guardParams: unknown;
  actions: string[];
  requirements: string[];
}

export interface WorkflowDescription {
  id: string;
  version: string | null;
  requirements: string[];
  events: string[];
  states: StateDescription;
  transitions: TransitionDescription[];
}

export function requirementsOf(meta: unknown): string[] {
  if (meta && typeof meta === 'object' && 'requirements' in meta) {
    const reqs = (meta as { requirements: unknown }).requirements;
    if (Array.isArray(reqs)) return reqs.filter((r): r is string => typeof r === 'string');
  }
  return [];
}

function describeState(node: AnyStateNode): StateDescription {
  const children = Object.values(node.states) as AnyStateNode[];
  const initialTarget = node.type === 'compound' ? (node.initial?.target?.[0]?.key ?? null) : null;
  return {
    id: node.id,
    key: node.key,
    type: node.type,
    final: node.type === 'final',
    initial: initialTarget,
    requirements: requirementsOf(node.meta),
    description: node.description ?? null,
    states: children.map(describeState),
  };
}

function guardOf(t: AnyTransitionDefinition): { name: string | null; params: unknown } {
  const g: unknown = t.guard;
  if (g === undefined || g === null) return { name: null, params: null };
  if (typeof g === 'string') return { name: g, params: null };
  if (typeof g === 'object' && 'type' in g) {
    const params = (g as { params?: unknown }).params;
    return {
      name: String((g as { type: unknown }).type),
      params: typeof params === 'function' ? null : (params ?? null),
    };
  }
  // Inline guard functions have no stable name; our machines use named guards only (tests check this).
  return { name: 'inline', params: null };
}

function actionName(a: unknown): string {
  if (typeof a === 'string') return a;
  if (a && typeof a === 'object' && 'type' in a) return String((a as { type: unknown }).type);
  if (typeof a === 'function') return (a as { type?: string }).type ?? 'inline';
  return 'unknown';
}

function describeTransition(t: AnyTransitionDefinition): TransitionDescription {
  const guard = guardOf(t);
  return {
    source: t.source.id,
    event: t.eventType === '' ? null : t.eventType,
    targets: (t.target ?? []).map((n: AnyStateNode) => n.id),
    guard: guard.name,
    guardParams: guard.params,
    actions: t.actions.map(actionName),
    requirements: requirementsOf(t.meta),
  };
}

function collectTransitions(node: AnyStateNode, out: TransitionDescription[]): void {
  for (const list of node.transitions.values()) {
    for (const t of list) out.push(describeTransition(t));
  }
  for (const t of node.always ?? []) out.push(describeTransition(t));
  for (const child of Object.values(node.states) as AnyStateNode[]) collectTransitions(child, out);
}

export function describeWorkflow(machine: AnyStateMachine): WorkflowDescription {
  const transitions: TransitionDescription[] = [];
  collectTransitions(machine.root, transitions);
  return {
    id: machine.id,
    version: machine.version ?? null,
    requirements: requirementsOf(machine.root.meta),
    events: [...machineEventTypes(machine)],
    states: describeState(machine.root),
    transitions,
  };
}

/** Every state of a description, depth first (root first). */
export function flattenStates(root: StateDescription): StateDescription[] {
  return [root, ...root.states.flatMap(flattenStates)];
}
