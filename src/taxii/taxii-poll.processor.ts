import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '../logging';
import { LoggedWorkerHost, QUEUES } from '../queues';
import { POLL_JOB, TaxiiSubscriptions } from './taxii-subscriptions.service';

/**
 * The taxii queue: `poll` jobs, from each subscription's job scheduler or a "poll now". A poll
 * records its own outcome and does not throw for what a feed does, so BullMQ never retries it: the
 * schedule is the retry. At start the schedulers are reconciled with the subscriptions.
 */
@Processor(QUEUES.taxii)
export class TaxiiPollProcessor extends LoggedWorkerHost {
  constructor(
    private readonly subscriptions: TaxiiSubscriptions,
    @Inject(LOGGER) protected readonly logger: Logger,
  ) {
    super();
  }

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    this.subscriptions.reconcile().catch((err: unknown) => {
      this.logger.warn({ err }, 'taxii: could not reconcile the poll schedules (Redis away?); next start will');
    });
  }

  async process(job: Job<{ subscriptionId: string; manual?: boolean }>): Promise<unknown> {
    if (job.name === POLL_JOB) return this.subscriptions.poll(job.data.subscriptionId, job.data.manual === true);
    this.logger.error({ job: job.id, name: job.name }, 'unknown taxii job');
    return 'unknown-job';
  }
}
