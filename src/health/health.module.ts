import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RedisModule } from '../redis';
import { HealthController } from './health.controller';
import { RedisHealthIndicator } from './redis.health';

// No log line per failed check: orchestrators probe every few seconds, and /ready answers 503 with the
// failing dependency named; an outage is reported by the parts that depend on it (relay, workers).
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), RedisModule],
  controllers: [HealthController],
  providers: [RedisHealthIndicator],
})
export class HealthModule {}
