import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { ConnectionOptions } from 'bullmq';
import { REDIS_URL } from '../redis/redis.module';
import { redisOptionsFromUrl } from '../redis/redis-options';
import { QUEUE_NAMES } from './queue-names';
import { RedisDownShutdown } from './redis-down-shutdown';

/**
 * Queues and the connection their workers share. Workers are registered by the processors' own
 * modules (only in processes that run workers). Producers never hold work in memory: everything
 * reaches a queue through the outbox relay, which keeps the row until Redis has accepted the job.
 */
@Global()
@Module({
  imports: [
    DiscoveryModule,
    BullModule.forRootAsync({
      inject: [REDIS_URL],
      useFactory: (url: string) => ({
        // bullmq types its connection against its own copy of ioredis' option types; same shape.
        connection: redisOptionsFromUrl(url) as ConnectionOptions,
        defaultJobOptions: {
          // Completed jobs stay a week so a deterministic job id added again in that time is a no-op.
          removeOnComplete: { age: 7 * 24 * 3600 },
          removeOnFail: { age: 30 * 24 * 3600 },
        },
      }),
    }),
    ...QUEUE_NAMES.map((name) => BullModule.registerQueue({ name })),
  ],
  providers: [RedisDownShutdown],
  exports: [BullModule],
})
export class QueuesModule {}
