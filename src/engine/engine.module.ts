import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox';
import { AuditModule } from '../audit';
import { WorkflowEngine } from './workflow-engine';
import { WorkflowRuntime } from './workflow-runtime';

/**
 * The workflow engine and the XState runtime under it. Domains that persist workflow actors
 * (incidents, early warnings) import this module and register their kind with the engine.
 */
@Module({
  imports: [AuditModule, OutboxModule],
  providers: [WorkflowRuntime, WorkflowEngine],
  exports: [WorkflowRuntime, WorkflowEngine],
})
export class EngineModule {}
