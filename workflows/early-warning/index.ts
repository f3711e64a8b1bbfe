export { earlyWarningMachineV1, type EarlyWarningMachine } from './machine.v1';
export * from './types';
export { earlyWarningEventCandidates } from './candidates';
