import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { AppConfig } from '../config';
import { LOGGER } from '../logging';
import { LoggedWorkerHost, QUEUES, isLastAttempt, jitteredBackoff } from '../queues';
import { DeliveryService } from './delivery.service';
import type { DeliverJobData } from './fanout.service';

/**
 * The notifications queue: `deliver`, one attempt of one delivery. (Fan-out happens in the
 * transaction that decides the event, see FanoutService.) Concurrency comes from NOTIFY_CONCURRENCY
 * once the application is up.
 */
@Processor(QUEUES.notifications, { settings: { backoffStrategy: jitteredBackoff } })
export class NotificationsProcessor extends LoggedWorkerHost {
  constructor(
    private readonly delivery: DeliveryService,
    @Inject(LOGGER) protected readonly logger: Logger,
    private readonly config: AppConfig,
  ) {
    super();
  }

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    this.worker.concurrency = this.config.NOTIFY_CONCURRENCY;
  }

  async process(job: Job<DeliverJobData>): Promise<unknown> {
    if (job.name === 'deliver') {
      return this.delivery.deliver(job.data.deliveryId, isLastAttempt(job));
    }
    this.logger.error({ job: job.id, name: job.name }, 'unknown notifications job');
    return 'unknown-job';
  }
}
