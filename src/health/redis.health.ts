import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { RedisHealth } from '../redis';

/** Redis for terminus: up when the health client's PING answers within its time budget. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly redis: RedisHealth,
    private readonly health: HealthIndicatorService,
  ) {}

  async pingCheck<const Key extends string>(key: Key) {
    const indicator = this.health.check(key);
    return (await this.redis.ping()) ? indicator.up() : indicator.down('no answer to PING');
  }
}
