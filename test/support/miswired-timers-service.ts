// A service whose timer handlers are miswired on purpose (test/e2e/timer-handlers-startup.e2e-spec.ts):
// a second handler for deadline-due and one for a name no clock queues, as a careless module might add.
import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { ClocksModule, TimerHandlers } from '../../src/clocks';
import { runProcess } from '../../src/run-process';

@Injectable()
class CarelessHandlers implements OnModuleInit {
  constructor(private readonly handlers: TimerHandlers) {}

  onModuleInit(): void {
    this.handlers.register('deadline-due', async () => 'handled twice', CarelessHandlers.name);
    this.handlers.register('deadline-overdue', async () => 'never queued', CarelessHandlers.name);
  }
}

// Like any module of the service, it imports the clocks module whose handler registry it uses.
@Module({ imports: [ClocksModule], providers: [CarelessHandlers] })
class CarelessModule {}

// As main.ts runs the service (API and workers in one process), plus the careless module.
runProcess({ api: true, workers: true, processName: 'miswired', extraImports: [{ module: CarelessModule }] });
