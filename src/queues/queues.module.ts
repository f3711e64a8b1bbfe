import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { ConnectionOptions, DefaultJobOptions } from 'bullmq';
import { AppConfig, REDIS_URL } from '../config';
import { redisOptionsFromUrl, durationMs } from '../common';
import { RedisModule } from '../redis';
import { retryOptions } from './backoff';
import { QUEUES, QUEUE_NAMES, type QueueName } from './queue-names';
import { RedisDownShutdown } from './redis-down-shutdown';

// Completed jobs stay a week so a deterministic job id added again in that time is a no-op.
const RETENTION: DefaultJobOptions = {
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/**
 * How the jobs of each queue retry. BullMQ's attempts and backoff are the one retry mechanism: a
 * job that throws is scheduled again after jitteredBackoff's delay, until its attempts are spent.
 * A job that fails for good stays in its queue's failed set (30 days) and is logged (LoggedWorkerHost);
 * platform admins list them at GET /api/v1/admin/dead-letters.
 */
export function queueRetryOptions(config: AppConfig): Partial<Record<QueueName, DefaultJobOptions>> {
  return {
    [QUEUES.notifications]: retryOptions(config.NOTIFY_MAX_ATTEMPTS, config.NOTIFY_BACKOFF_MS),
    [QUEUES.deliveries]: retryOptions(config.REPORT_DELIVERY_MAX_ATTEMPTS, durationMs(config.REPORT_DELIVERY_BACKOFF)),
    [QUEUES.timers]: retryOptions(config.TIMER_MAX_ATTEMPTS, config.TIMER_BACKOFF_MS),
    // A fan-out batch is a short write transaction like a timer's, and as idempotent: it retries alike.
    [QUEUES.warnings]: retryOptions(config.TIMER_MAX_ATTEMPTS, config.TIMER_BACKOFF_MS),
  };
}

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
    ...QUEUE_NAMES.map((name) =>
      BullModule.registerQueueAsync({
        name,
        inject: [AppConfig],
        useFactory: (config: AppConfig) => ({
          defaultJobOptions: { ...RETENTION, ...queueRetryOptions(config)[name] },
        }),
      }),
    ),
  ],
  providers: [RedisDownShutdown],
  exports: [BullModule],
})
export class QueuesModule {}
