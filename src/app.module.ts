import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditModule } from './audit/audit.module';
import { AccountsModule } from './accounts/accounts.module';
import { ClocksModule, ClocksWorkerModule } from './clocks';
import { AppConfig } from './config/app-config';
import { ConfigModule, REDIS_URL } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { IncidentsApiModule } from './incidents/incidents-api.module';
import { IncidentsModule } from './incidents/incidents.module';
import { LoggingModule } from './logging/logging.module';
import { RequirementsModule } from './requirements/requirements.module';
import { Catalogue } from './requirements/catalogue';
import { OutboxModule, OutboxRelayModule } from './outbox/outbox.module';
import { QueuesModule } from './queues/queues.module';
import { DeadLettersModule } from './queues/dead-letters';
import { WorkflowCatalogueModule } from './workflow-catalogue/workflow-catalogue.module';
import { NotificationsModule } from './notifications/notifications.module';
import { WarningsModule } from './warnings/warnings.module';
import { SharingModule } from './sharing/sharing.module';
import { TaxiiApiModule, TaxiiModule, TaxiiWorkerModule } from './taxii/taxii.module';
import { ReportsModule } from './reports/reports.module';
import { ReportingReadinessModule } from './reports/reporting-readiness';
import { ServiceProvidersModule } from './providers';
import { PlansApiModule } from './plans/plans.module';
import { LiveModule } from './live/live.module';
import { DrillsModule } from './drills/drills.module';
import { MetricsModule } from './metrics/metrics.module';
import { PrometheusModule } from './prometheus/prometheus.module';
import { ConsoleModule } from './console/console.module';
import { defaultConsoleDir } from './console/console-dir';

export interface AppModuleOptions {
  config: AppConfig;
  logger: Logger;
  redisUrl: string;
  /** The requirement catalogue, loaded and validated before Nest starts. */
  catalogue: Catalogue;
  /** Serve the HTTP API. */
  api: boolean;
  /** Run the queue workers (timers, notifications, delivery) in this process. */
  workers: boolean;
  /** Extra modules for harnesses that must run inside the real app (the benchmark's floor endpoint). */
  extraImports?: DynamicModule[];
}

/**
 * One module tree for both entrypoints: `main.ts` (API + workers, the embedded default) and
 * `worker.ts` (workers only, for scaled deployments).
 */
@Module({})
export class AppModule {
  static forRoot(opts: AppModuleOptions): DynamicModule {
    const infrastructure = [
      ConfigModule.forRoot(opts.config, [
        { provide: REDIS_URL, useValue: opts.redisUrl },
        { provide: Catalogue, useValue: opts.catalogue },
      ]),
      LoggingModule.forRoot(opts.logger),
      DatabaseModule,
      QueuesModule,
      AuditModule,
      AccountsModule,
      RequirementsModule,
      OutboxModule,
      ClocksModule,
      IncidentsModule,
    ];
    const workers = opts.workers ? [OutboxRelayModule, ClocksWorkerModule, TaxiiWorkerModule] : [];
    const api = opts.api
      ? [
          HealthModule,
          IncidentsApiModule.withCoverage(ReportingReadinessModule),
          WorkflowCatalogueModule,
          ConsoleModule.forRoot(opts.config.CONSOLE_DIR ?? defaultConsoleDir()),
          DeadLettersModule,
          PrometheusModule,
        ]
      : [];
    const roles = { api: opts.api, workers: opts.workers };
    const domain = [
      NotificationsModule.forRoot(roles),
      ReportsModule.forRoot(roles),
      TaxiiModule,
      WarningsModule.forRoot(roles),
      DrillsModule.forRoot(roles),
      ...(opts.api
        ? [SharingModule, TaxiiApiModule, ServiceProvidersModule.forRoot({ api: true }), PlansApiModule.forRoot()]
        : []),
      // Every process publishes the changes it commits; API processes also serve the streams.
      LiveModule.forRoot({ api: opts.api }),
      // Every process keeps the metrics facts from the entries it commits; API processes serve the figures.
      MetricsModule.forRoot({ api: opts.api }),
    ];
    return {
      module: AppModule,
      imports: [...infrastructure, ...workers, ...api, ...domain, ...(opts.extraImports ?? [])],
    };
  }
}
