import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { Clocks } from './clocks';
import { DeadlinesController } from './deadlines.controller';
import { DeadlinesService } from './deadlines.service';
import { EscalationLadder } from './escalation-ladder';
import { IncidentDeadlines } from './incident-deadlines';
import { TimerHandlers } from './timer-handlers';
import { TimersProcessor } from './timers.processor';
import { TimingPolicy } from './timing-policy';

/**
 * Every clock (incident deadlines, report acknowledgement, onward reporting, warning feedback): the
 * planner, the escalation ladder, the timer handler registry and the timers queue's processor
 * (workers only), the `incident_deadline` table and the deadline dashboard (API only). Global: the
 * domains that own clocks register their handlers here.
 */
@Module({})
export class ClocksModule {
  static forRoot(opts: { api: boolean; workers: boolean }): DynamicModule {
    return {
      module: ClocksModule,
      global: true,
      imports: [AuditModule],
      controllers: opts.api ? [DeadlinesController] : [],
      providers: [
        TimingPolicy,
        Clocks,
        TimerHandlers,
        EscalationLadder,
        IncidentDeadlines,
        DeadlinesService,
        ...(opts.workers ? [TimersProcessor] : []),
      ],
      exports: [TimingPolicy, Clocks, TimerHandlers, EscalationLadder, IncidentDeadlines],
    };
  }
}
