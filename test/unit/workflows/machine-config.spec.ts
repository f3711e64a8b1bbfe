import {
  createMachine,
  initialTransition,
  transition,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type ExecutableActionObject,
} from 'xstate';
import {
  describeWorkflow,
  earlyWarningEventCandidates,
  incidentEventCandidates,
  listWorkflows,
  machineConfigOf,
  type EarlyWarningContext,
  type IncidentContext,
} from '../../../workflows';
import { effectsOf } from '../../../workflows/snapshot';
import { compactSteps, incidentInput } from './helpers';

/**
 * The machine-config export (GET /api/v1/workflows/:id/machine) is XState's own format: the JSON,
 * parsed back and handed to `createMachine` as it is, gives a machine with the same states and
 * transitions, and with the implementations supplied (guards, actions, the context factory, which
 * JSON cannot carry) it takes the same transitions, to the same states and context, with the same
 * effects, as the original on every path a bounded walk reaches.
 */

const INPUTS: Record<string, unknown> = {
  incident: incidentInput({ steps: compactSteps() }),
  'early-warning': { warningId: 'w-1', level: 'orange' },
};

function candidates(id: string, snapshot: AnyMachineSnapshot): Array<{ type: string }> {
  if (id === 'incident') {
    const ctx = snapshot.context as IncidentContext;
    const events: Array<{ type: string }> = incidentEventCandidates(ctx);
    for (const step of ctx.steps)
      events.push(
        ...step.roles.map((role) => ({ type: 'COMPLETE_STEP', stepId: step.id, role, actorId: 'u', at: 'now' })),
      );
    return events;
  }
  return earlyWarningEventCandidates(snapshot.context as EarlyWarningContext);
}

/**
 * The effects' types, in order. Their parameters are compared where JSON carries them (static ones, in
 * the first test); parameters computed from the event by a function are the implementation's part.
 */
function effectTypes(actions: unknown): string[] {
  return effectsOf(actions as ExecutableActionObject[]).map((e) => e.type);
}

/** Loads the exported JSON the way a client would: parsed text into createMachine, implementations provided. */
function load(original: AnyStateMachine): AnyStateMachine {
  const text = JSON.stringify(machineConfigOf(original));
  const config = JSON.parse(text) as Parameters<typeof createMachine>[0];
  // JSON has no functions: the initial context (a function of the input) comes with the implementations.
  const loaded = createMachine({ ...config, context: (original.config as { context?: never }).context });
  return loaded.provide({
    guards: original.implementations.guards,
    actions: original.implementations.actions,
  }) as AnyStateMachine;
}

describe.each(listWorkflows().map((w) => [`${w.id} v${w.version}`, w] as const))('%s as XState config', (_n, w) => {
  const original = w.machine;

  it('is plain JSON that createMachine accepts, with every state and transition of the original', () => {
    const config = machineConfigOf(original);
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    expect(JSON.stringify(config)).not.toMatch(/"event":null|"transitions":/);
    const loaded = createMachine(JSON.parse(JSON.stringify(config)) as Parameters<typeof createMachine>[0]);
    const { version: _a, ...want } = describeWorkflow(original);
    const { version: _b, ...got } = describeWorkflow(loaded);
    expect(got).toEqual(want);
  });

  it('behaves like the original on every path of a bounded walk', () => {
    const loaded = load(original);
    const input = INPUTS[w.id];
    const [a0, aActions] = initialTransition(original, input);
    const [b0, bActions] = initialTransition(loaded, input);
    expect(b0.value).toEqual(a0.value);
    expect(effectTypes(bActions)).toEqual(effectTypes(aActions));
    const queue: Array<[AnyMachineSnapshot, AnyMachineSnapshot]> = [[a0, b0]];
    const seen = new Set<string>();
    let transitions = 0;
    while (queue.length && seen.size < 150) {
      const [a, b] = queue.shift()!;
      const key = JSON.stringify({ value: a.value, context: a.context });
      if (seen.has(key)) continue;
      seen.add(key);
      for (const event of candidates(w.id, a)) {
        const [na, actionsA] = transition(original, a, event);
        const [nb, actionsB] = transition(loaded, b, event);
        const want = JSON.stringify({ value: na.value, context: na.context, effects: effectTypes(actionsA) });
        const got = JSON.stringify({ value: nb.value, context: nb.context, effects: effectTypes(actionsB) });
        if (got !== want) expect({ event, got: JSON.parse(got) }).toEqual({ event, got: JSON.parse(want) });
        if (na.value !== a.value || JSON.stringify(na.context) !== JSON.stringify(a.context)) {
          transitions++;
          queue.push([na, nb]);
        }
      }
    }
    expect(seen.size).toBeGreaterThan(w.id === 'incident' ? 30 : 5);
    expect(transitions).toBeGreaterThan(seen.size);
  });
});
