import type { AnyMachineSnapshot, AnyStateMachine, ExecutableActionObject } from 'xstate';
import { EFFECT_TYPES, type WorkflowEffect } from './types';

/**
 * Turn a stored snapshot (JSON of the snapshot or of getPersistedSnapshot) back into a machine snapshot
 * that `transition()` and `snapshot.can()` accept. Our machines have no history states and no child
 * actors, so value and context carry the whole state; status (done or not) is recomputed from the value.
 */
export function restoreSnapshot(
  machine: AnyStateMachine,
  stored: { value: unknown; context: unknown },
): AnyMachineSnapshot {
  // resolveState's parameter is typed per machine; AnyStateMachine erases it to `any`-shaped config.
  return machine.resolveState({ value: stored.value as never, context: stored.context as never });
}

function isEffect(action: ExecutableActionObject): boolean {
  return (EFFECT_TYPES as readonly string[]).includes(action.type);
}

/**
 * The side effects in the actions list returned by `initialTransition()` / `transition()`, in order, as
 * plain `{ type, params }` objects ready to be written as outbox rows. Anything else in the list (there is
 * nothing else today: assign actions are applied inside the transition and not returned) is ignored.
 */
export function effectsOf(actions: readonly ExecutableActionObject[]): WorkflowEffect[] {
  return actions.filter(isEffect).map((a) => ({ type: a.type, params: a.params }) as WorkflowEffect);
}
