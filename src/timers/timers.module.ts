import { DynamicModule, Global, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { DeadlinesController } from './deadlines.controller';
import { EscalationService } from './escalation.service';
import { TimerRegistry } from './timer-registry';
import { TimersProcessor } from './timers.processor';

/** Deadline dashboard and acknowledgement (API) and the timers queue processor (workers only). */
@Global()
@Module({})
export class TimersModule {
  static forRoot(opts: { api: boolean; workers: boolean }): DynamicModule {
    return {
      module: TimersModule,
      imports: [AuditModule],
      controllers: opts.api ? [DeadlinesController] : [],
      providers: [EscalationService, TimerRegistry, ...(opts.workers ? [TimersProcessor] : [])],
      exports: [TimerRegistry, EscalationService],
    };
  }
}
