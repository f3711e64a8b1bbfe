import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import IORedis from 'ioredis';
import { redisOptionsFromUrl } from './redis-options';

export const REDIS_URL = Symbol('REDIS_URL');

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
    try {
      const reply = await Promise.race([
        this.client.ping(),
        new Promise<never>((_, fail) => setTimeout(() => fail(new Error('timeout')), timeoutMs)),
      ]);
      return reply === 'PONG';
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.client.disconnect();
  }
}

@Global()
@Module({})
export class RedisModule {
  static forRoot(url: string) {
    return {
      module: RedisModule,
      providers: [{ provide: REDIS_URL, useValue: url }, RedisHealth],
      exports: [REDIS_URL, RedisHealth],
    };
  }
}
