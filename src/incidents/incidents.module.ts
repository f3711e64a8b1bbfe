import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Incident } from './incident.entity';
import { IncidentPlaybook, PlaybookSteps } from './incident-playbook.entity';
import { IncidentPlanAction } from './incident-plan-action.entity';
import { PlanActions } from './plan-actions';
import { AccountsModule } from '../accounts';
import { ClocksModule, DeadlineIncidents } from '../clocks';
import { OutboxModule } from '../outbox';
import { AuditModule } from '../audit';
import { EngineModule } from '../engine';
import { PlansModule } from '../plans';
import { IncidentClocks } from './incident-clocks';
import { IncidentEngine } from './incident-engine';
import { IncidentsForDeadlines, Incidents } from './incidents.repository';

/**
 * Incidents as workflow actors: declaration and events through the engine, and the incident
 * deadlines' timer handlers. Every process has it (workers apply timer events, reports apply
 * report events); the HTTP side is IncidentsApiModule.
 */
@Module({
  imports: [
    AuditModule,
    AccountsModule,
    ClocksModule,
    EngineModule,
    OutboxModule,
    PlansModule,
    TypeOrmModule.forFeature([Incident, IncidentPlaybook, PlaybookSteps, IncidentPlanAction]),
  ],
  providers: [
    IncidentEngine,
    IncidentClocks,
    PlanActions,
    Incidents,
    { provide: DeadlineIncidents, useClass: IncidentsForDeadlines },
  ],
  exports: [IncidentEngine, Incidents, PlanActions],
})
export class IncidentsModule {}
