import { Global, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { IncidentClocks } from './incident-clocks';
import { IncidentEngine } from './incident-engine.service';
import { WorkflowRuntime } from './workflow-runtime';

@Global()
@Module({
  imports: [AuditModule],
  providers: [WorkflowRuntime, IncidentEngine, IncidentClocks],
  exports: [WorkflowRuntime, IncidentEngine],
})
export class EngineModule {}
