/**
 * Public surface of workflows/: pure XState machines, playbooks and helpers around them. Nothing here
 * imports from src/ or performs I/O; see workflows/README.md.
 */
export * from './types';
export * from './incident';
export * from './early-warning';
export {
  PLAYBOOKS,
  GENERIC,
  TRIAGE_STEPS,
  REVIEW_STEPS,
  REIDENTIFICATION_STEPS,
  playbookFor,
  getPlaybook,
  initialSteps,
  toStepState,
} from './playbooks';
export { WORKFLOWS, getWorkflow, latestWorkflow, listWorkflows, type WorkflowEntry } from './registry';
export {
  describeWorkflow,
  flattenStates,
  requirementsOf,
  type StateDescription,
  type TransitionDescription,
  type WorkflowDescription,
} from './describe';
export {
  machineConfigOf,
  type ActionJson,
  type MachineConfigJson,
  type StateConfigJson,
  type TransitionConfigJson,
} from './machine-config';
export { allowedEvents, machineEventTypes, type AllowedEventsOptions } from './allowed-events';
export { EVENT_PERMISSIONS, permissionFor, maySend, type EventPermission } from './permissions';
export { allCitations, citedRequirementIds, type Citation } from './citations';
export { restoreSnapshot, effectsOf } from './snapshot';
