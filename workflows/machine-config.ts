import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/**
 * A workflow in XState's own machine-config format (the JSON `createMachine` takes and the Stately
 * editor imports), built from the machine's resolved state nodes: every transition a machine has,
 * with targets as absolute `#<state id>` references, named guards and actions (with their
 * parameters when those are plain data), and each state's requirement citations in `meta`.
 *
 * What JSON cannot carry stays out: the implementations of guards and actions (our machines name
 * every one; `createMachine(config).provide({ guards, actions })` or `setup` supplies them), the
 * initial context (a function of the machine's input), and action parameters computed from the
 * event by a function (such an action appears by its name alone).
 */
export interface MachineConfigJson {
  id: string;
  initial?: string;
  type?: 'parallel';
  description?: string;
  meta?: Record<string, unknown>;
  on?: Record<string, TransitionConfigJson[]>;
  always?: TransitionConfigJson[];
  entry?: ActionJson[];
  exit?: ActionJson[];
  states?: Record<string, StateConfigJson>;
}

export interface StateConfigJson {
  type?: 'parallel' | 'final' | 'history';
  initial?: string;
  history?: 'shallow' | 'deep';
  description?: string;
  meta?: Record<string, unknown>;
  on?: Record<string, TransitionConfigJson[]>;
  always?: TransitionConfigJson[];
  entry?: ActionJson[];
  exit?: ActionJson[];
  states?: Record<string, StateConfigJson>;
}

export interface TransitionConfigJson {
  target?: string[];
  guard?: string | { type: string; params: unknown };
  actions?: ActionJson[];
  reenter?: boolean;
  description?: string;
  meta?: Record<string, unknown>;
}

export type ActionJson = string | { type: string; params: unknown };

function isJson(value: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isJson(v, depth + 1));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.values(value as object).every((v) => isJson(v, depth + 1));
  return false;
}

function named(ref: unknown, what: string, where: string): ActionJson {
  if (typeof ref === 'string') return ref;
  if (ref && typeof ref === 'object' && 'type' in ref) {
    const { type, params } = ref as { type: unknown; params?: unknown };
    return params !== undefined && isJson(params) ? { type: String(type), params } : String(type);
  }
  const type = typeof ref === 'function' ? (ref as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && !type.startsWith('xstate.')) return type;
  throw new Error(`${where}: an inline ${what} has no name to export`);
}

function metaOf(meta: unknown): Record<string, unknown> | undefined {
  return meta && typeof meta === 'object' && isJson(meta) && Object.keys(meta).length
    ? (meta as Record<string, unknown>)
    : undefined;
}

function transitionConfig(t: AnyTransitionDefinition): TransitionConfigJson {
  const where = `${t.source.id} on ${t.eventType || '(always)'}`;
  const out: TransitionConfigJson = {};
  if (t.target?.length) out.target = t.target.map((n: AnyStateNode) => `#${n.id}`);
  if (t.guard !== undefined && t.guard !== null) {
    const guard = named(t.guard, 'guard', where);
    out.guard = typeof guard === 'string' ? guard : { type: guard.type, params: guard.params };
  }
  if (t.actions.length) out.actions = t.actions.map((a: unknown) => named(a, 'action', where));
  if (t.reenter) out.reenter = true;
  if (t.description) out.description = t.description;
  const meta = metaOf(t.meta);
  if (meta) out.meta = meta;
  return out;
}

function stateConfig(node: AnyStateNode): StateConfigJson {
  const out: StateConfigJson = {};
  if (node.type === 'parallel' || node.type === 'final' || node.type === 'history') out.type = node.type;
  if (node.type === 'history') out.history = node.history === 'deep' ? 'deep' : 'shallow';
  const initial = node.type === 'compound' ? node.initial?.target?.[0]?.key : undefined;
  if (initial !== undefined) out.initial = initial;
  if (node.description) out.description = node.description;
  const meta = metaOf(node.meta);
  if (meta) out.meta = meta;
  const on: Record<string, TransitionConfigJson[]> = {};
  for (const [event, list] of node.transitions.entries()) on[event] = list.map(transitionConfig);
  if (Object.keys(on).length) out.on = on;
  if (node.always?.length) out.always = node.always.map(transitionConfig);
  if (node.entry.length) out.entry = node.entry.map((a: unknown) => named(a, 'entry action', node.id));
  if (node.exit.length) out.exit = node.exit.map((a: unknown) => named(a, 'exit action', node.id));
  const children = Object.values(node.states) as AnyStateNode[];
  if (children.length) out.states = Object.fromEntries(children.map((c) => [c.key, stateConfig(c)]));
  return out;
}

/** The machine's config as XState's JSON (see above). Throws if a guard or action is an unnamed function. */
export function machineConfigOf(machine: AnyStateMachine): MachineConfigJson {
  const { type, ...root } = stateConfig(machine.root);
  return { id: machine.id, ...(type === 'parallel' ? { type } : {}), ...root };
}
