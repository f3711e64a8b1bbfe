import { Module } from '@nestjs/common';
import { QueuesModule } from '../queues';
import { OpsMetricsController } from './ops-metrics.controller';
import { OpsMetrics } from './ops-metrics';

/** `GET /metrics` for the people who run the service (README "Operations metrics"); API processes only. */
@Module({
  imports: [QueuesModule],
  controllers: [OpsMetricsController],
  providers: [OpsMetrics],
  exports: [OpsMetrics],
})
export class PrometheusModule {}
