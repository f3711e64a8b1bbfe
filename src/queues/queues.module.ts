import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { ConnectionOptions, DefaultJobOptions } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { REDIS_URL } from '../config/config.module';
import { redisOptionsFromUrl } from '../redis/redis-options';
import { RedisModule } from '../redis/redis.module';
import { QUEUES, QUEUE_NAMES } from './queue-names';
import { RedisDownShutdown } from './redis-down-shutdown';

/** Name of the jittered exponential backoff the notifications worker implements (notifications.processor.ts). */
export const NOTIFY_BACKOFF = 'notify-jitter';

// Completed jobs stay a week so a deterministic job id added again in that time is a no-op.
const RETENTION: DefaultJobOptions = {
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/**
 * Queues and the connection their workers share. Workers are registered by the processors' own
 * modules (only in processes that run workers). Producers never hold work in memory: everything
 * reaches a queue through the outbox relay, which keeps the row until Redis has accepted the job.
 * Retry policy is queue configuration (applied when the relay adds a job), not per call site.
 */
@Module({
  imports: [
    DiscoveryModule,
    RedisModule,
    BullModule.forRootAsync({
      inject: [REDIS_URL],
      useFactory: (url: string) => ({
        // bullmq types its connection against its own copy of ioredis' option types; same shape.
        connection: redisOptionsFromUrl(url) as ConnectionOptions,
        defaultJobOptions: RETENTION,
      }),
    }),
    ...QUEUE_NAMES.filter((name) => name !== QUEUES.notifications).map((name) => BullModule.registerQueue({ name })),
    BullModule.registerQueueAsync({
      name: QUEUES.notifications,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        defaultJobOptions: {
          ...RETENTION,
          attempts: config.NOTIFY_MAX_ATTEMPTS,
          backoff: { type: NOTIFY_BACKOFF, delay: config.NOTIFY_BACKOFF_MS },
        },
      }),
    }),
  ],
  providers: [RedisDownShutdown],
  exports: [BullModule],
})
export class QueuesModule {}
