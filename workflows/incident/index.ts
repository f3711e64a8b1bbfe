export { incidentMachineV1, type IncidentMachine } from './machine.v1';
export { incidentMachineV2 } from './machine.v2';
export { incidentMachineV3 } from './machine.v3';
export * from './types';
export * from './steps';
export { incidentEventCandidates } from './candidates';
