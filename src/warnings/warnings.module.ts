import { DynamicModule, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Warning } from './warning.entity';
import { WarningTarget } from './warning-target.entity';
import { ClocksModule } from '../clocks';
import { OutboxModule } from '../outbox';
import { AccountsModule } from '../accounts';
import { AuditModule } from '../audit';
import { EngineModule } from '../engine';
import { AppConfig } from '../config';
import { stixTextBody } from '../sharing';
import { TaxiiModule } from '../taxii';
import { WarningEngine } from './warning-engine.service';
import { WarningClocks } from './warning-clocks';
import { WarningFanoutProcessor } from './warning-fanout.processor';
import { WarningsController } from './warnings.controller';
import { WarningsService } from './warnings.service';

/**
 * Early warnings: the department's API and the operator's workflow (API), and the feedback-deadline
 * jobs registered on the timers worker and the fan-out worker of the `warnings` queue (workers).
 */
@Module({})
export class WarningsModule implements NestModule {
  constructor(private readonly config: AppConfig) {}

  static forRoot(opts: { api: boolean; workers: boolean }): DynamicModule {
    return {
      module: WarningsModule,
      imports: [
        AuditModule,
        AccountsModule,
        ClocksModule,
        EngineModule,
        OutboxModule,
        TaxiiModule,
        TypeOrmModule.forFeature([Warning, WarningTarget]),
      ],
      controllers: opts.api ? [WarningsController] : [],
      providers: [
        WarningEngine,
        ...(opts.api ? [WarningsService] : []),
        ...(opts.workers ? [WarningClocks, WarningFanoutProcessor] : []),
      ],
      exports: [WarningEngine],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // STIX sent as raw text (application/stix+json …) is read as text so its limits apply before parsing.
    consumer
      .apply(stixTextBody(this.config.BODY_LIMIT_BYTES))
      .forRoutes({ path: 'api/v1/warnings/:id/stix', method: RequestMethod.POST });
  }
}
