import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts';
import { AuditModule } from '../audit';
import { ClocksModule } from '../clocks';
import { IncidentsModule } from '../incidents';
import { OutboxModule } from '../outbox';
import { PlansModule } from '../plans';
import { DrillClocks } from './drill-clocks';
import { Drill, DrillFollowUp } from './drill.entities';
import { DrillsController } from './drills.controller';
import { DrillsService } from './drills.service';

/**
 * Drills of plan versions (GB/T 39204-2022 11.2): the API (API processes) and the reminder jobs'
 * handler (worker processes, registered on the timers queue like every clock).
 */
@Module({})
export class DrillsModule {
  static forRoot(opts: { api: boolean; workers: boolean }): DynamicModule {
    return {
      module: DrillsModule,
      imports: [
        AccountsModule,
        AuditModule,
        ClocksModule,
        IncidentsModule,
        OutboxModule,
        PlansModule,
        TypeOrmModule.forFeature([Drill, DrillFollowUp]),
      ],
      controllers: opts.api ? [DrillsController] : [],
      providers: [...(opts.api ? [DrillsService] : []), ...(opts.workers ? [DrillClocks] : [])],
    };
  }
}
