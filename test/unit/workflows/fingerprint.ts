import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { AnyStateMachine } from 'xstate';
import { describeWorkflow } from '../../../workflows/describe';
import type { Playbook } from '../../../workflows/types';

function sha256(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('cannot canonicalise');
  return createHash('sha256').update(text).digest('hex');
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
