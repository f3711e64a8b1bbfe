import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { REDIS_URL } from '../config';
import IORedis from 'ioredis';
import { once } from 'node:events';
import { redisOptionsFromUrl } from '../common';

/**
 * A small client for health checks and light commands. The offline queue is off so a command fails
 * at once while Redis is down instead of waiting, which is what /ready needs to report the truth.
 */
@Injectable()
export class RedisHealth implements OnApplicationShutdown {
  readonly client: IORedis;

  constructor(@Inject(REDIS_URL) url: string) {
    this.client = new IORedis({
      ...redisOptionsFromUrl(url),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: false,
      retryStrategy: () => 500,
    });
    // Connection errors are reported through /ready; do not let them crash the process.
    this.client.on('error', () => undefined);
  }

  async ping(timeoutMs = 1000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error('timeout')), timeoutMs);
    });
    try {
      // Still connecting (just started, or reconnecting): wait for it within the same time budget,
      // since without an offline queue a command sent now would fail at once.
      if (this.client.status !== 'ready') await Promise.race([once(this.client, 'ready'), timeout]);
      const reply = await Promise.race([this.client.ping(), timeout]);
      return reply === 'PONG';
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.client.disconnect();
  }
}

/** The health-check Redis client; the URL comes with the configuration (REDIS_URL). */
@Module({ providers: [RedisHealth], exports: [RedisHealth] })
export class RedisModule {}
