import { createHash } from 'node:crypto';
import type { AnyStateMachine } from 'xstate';
import { canonicalJson } from '../../../src/common/canonical-json';
import { describeWorkflow } from '../../../workflows/describe';
import type { Playbook } from '../../../workflows/types';

function sha256(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/**
 * What a released version is pinned to: its description (states, transitions, guards with params, action
 * names, requirement IDs) and the names of its implementations. Implementation bodies are not hashed —
 * their compiled text depends on the compiler — so README.md asks for a new version when they change.
 */
export function machineFingerprint(machine: AnyStateMachine): string {
  const impl = machine.implementations as { actions: object; guards: object };
  return sha256({
    description: describeWorkflow(machine),
    actions: Object.keys(impl.actions).sort(),
    guards: Object.keys(impl.guards).sort(),
  });
}

export function playbookFingerprint(playbook: Playbook): string {
  return sha256(playbook);
}
