import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts';
import { AuditModule } from '../audit';
import { METRICS_ENTITIES } from './metrics.entities';
import { MetricsController } from './metrics.controller';
import { MetricsProjection } from './metrics-projection';
import { MetricsService } from './metrics.service';

/**
 * Figures from the audit trail (README "Metrics"): every process that writes keeps the facts from the
 * entries it commits; API processes serve the figures.
 */
@Module({})
export class MetricsModule {
  static forRoot(opts: { api: boolean }): DynamicModule {
    return {
      module: MetricsModule,
      imports: [AuditModule, AccountsModule, TypeOrmModule.forFeature(METRICS_ENTITIES)],
      controllers: opts.api ? [MetricsController] : [],
      providers: [MetricsProjection, MetricsService],
      exports: [MetricsProjection],
    };
  }
}
