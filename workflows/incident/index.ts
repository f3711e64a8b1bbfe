export { incidentMachineV1, type IncidentMachine } from './machine.v1';
export * from './types';
export * from './steps';
export { incidentEventCandidates } from './candidates';
