/** The prometheus module's public entry: the operations metrics. */
export { PrometheusModule } from './prometheus.module';
export { OpsMetrics } from './ops-metrics';
