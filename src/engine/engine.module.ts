import { Global, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DeadlinePlanner } from '../deadlines/deadline-planner';
import { TimingPolicy } from '../deadlines/timing-policy';
import { IncidentEngine } from './incident-engine.service';
import { WorkflowRuntime } from './workflow-runtime';

@Global()
@Module({
  imports: [AuditModule],
  providers: [WorkflowRuntime, TimingPolicy, DeadlinePlanner, IncidentEngine],
  exports: [WorkflowRuntime, TimingPolicy, DeadlinePlanner, IncidentEngine],
})
export class EngineModule {}
