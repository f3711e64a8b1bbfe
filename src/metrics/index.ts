/** The metrics module's public entry: figures from the audit trail. */
export { MetricsModule } from './metrics.module';
export { MetricsProjection } from './metrics-projection';
export { METRICS_ENTITIES } from './metrics.entities';
