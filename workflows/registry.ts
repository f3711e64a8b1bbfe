import type { AnyStateMachine } from 'xstate';
import { earlyWarningMachineV1 } from './early-warning/machine.v1';
import { incidentMachineV1 } from './incident/machine.v1';
import { incidentMachineV2 } from './incident/machine.v2';
import { incidentMachineV3 } from './incident/machine.v3';

export interface WorkflowEntry {
  id: string;
  version: number;
  machine: AnyStateMachine;
}

/**
 * Every workflow version ever released. A definition change is a NEW entry (machine.v2.ts next to
 * machine.v1.ts), never an edit of an old one: a running incident stores its workflow id and version with
 * its snapshot and stays on that definition until it ends. test/unit/workflows/workflow-helpers.spec.ts
 * fails when a registered version's fingerprint no longer matches workflows/versions.lock.json, to
 * catch accidental in-place edits.
 */
export const WORKFLOWS: readonly WorkflowEntry[] = [
  { id: 'incident', version: 1, machine: incidentMachineV1 },
  { id: 'incident', version: 2, machine: incidentMachineV2 },
  { id: 'incident', version: 3, machine: incidentMachineV3 },
  { id: 'early-warning', version: 1, machine: earlyWarningMachineV1 },
];

export function getWorkflow(id: string, version: number): WorkflowEntry | undefined {
  return WORKFLOWS.find((w) => w.id === id && w.version === version);
}

export function latestWorkflow(id: string): WorkflowEntry | undefined {
  let latest: WorkflowEntry | undefined;
  for (const w of WORKFLOWS) {
    if (w.id === id && (!latest || w.version > latest.version)) latest = w;
  }
  return latest;
}

export function listWorkflows(): ReadonlyArray<WorkflowEntry> {
  return WORKFLOWS;
}
