/** The workflow engine: one transactional apply for every persisted machine of workflows/. */
export { EngineModule } from './engine.module';
export {
  WorkflowEngine,
  ConcurrentChangeException,
  actorId,
  actorRole,
  type ApplyOptions,
  type EngineEvent,
  type Transition,
  type WorkflowInstance,
  type WorkflowKind,
} from './workflow-engine';
export { WorkflowRuntime, RECENT_SNAPSHOTS, type StoredSnapshot, type Stepped } from './workflow-runtime';
