import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { IncidentsModule } from './incidents/incidents.module';
import { LoggingModule } from './logging/logging.module';
import { RedisModule } from './redis/redis.module';

export interface AppModuleOptions {
  config: AppConfig;
  logger: Logger;
  redisUrl: string;
  /** Serve the HTTP API. */
  api: boolean;
  /** Run the queue workers (timers, notifications, delivery) in this process. */
  workers: boolean;
}

/**
 * One module tree for both entrypoints: `main.ts` (API + workers, the embedded default) and
 * `worker.ts` (workers only, for scaled deployments).
 */
@Module({})
export class AppModule {
  static forRoot(opts: AppModuleOptions): DynamicModule {
    const infrastructure = [
      ConfigModule.forRoot(opts.config),
      LoggingModule.forRoot(opts.logger),
      DatabaseModule,
      RedisModule.forRoot(opts.redisUrl),
      AuditModule,
      AuthModule,
    ];
    const api = opts.api ? [HealthModule, IncidentsModule] : [];
    return { module: AppModule, imports: [...infrastructure, ...api] };
  }
}
