import { Global, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DeadlinePlanner } from '../deadlines/deadline-planner';
import { TimingPolicy } from '../deadlines/timing-policy';
import { EscalationStep } from '../deadlines/escalation-step';
import { IncidentEngine } from './incident-engine.service';
import { WorkflowRuntime } from './workflow-runtime';

@Global()
@Module({
  imports: [AuditModule],
  providers: [WorkflowRuntime, TimingPolicy, DeadlinePlanner, EscalationStep, IncidentEngine],
  exports: [WorkflowRuntime, TimingPolicy, DeadlinePlanner, EscalationStep, IncidentEngine],
})
export class EngineModule {}
