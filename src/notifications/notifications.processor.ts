import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config';
import { LOGGER } from '../logging/logging.module';
import { LoggedWorkerHost } from '../queues/logged-worker-host';
import { QUEUES } from '../queues/queue-names';
import { NOTIFY_BACKOFF } from '../queues/queues.module';
import { DeliveryService } from './delivery.service';
import type { DeliverJobData } from './fanout.service';

export { NOTIFY_BACKOFF };
/** No single wait longer than an hour, however many attempts are configured. */
const MAX_BACKOFF_MS = 3_600_000;

/**
 * Exponential backoff with jitter: attempt n waits between half and all of base·2^(n-1), so a
 * receiver that comes back after an outage is not hit by every queued delivery at the same
 * instant. The base delay travels in the job's backoff options (set on the queue from
 * NOTIFY_BACKOFF_MS, with NOTIFY_MAX_ATTEMPTS, in queues.module.ts).
 */
export function notifyBackoff(
  attemptsMade: number,
  _type?: string,
  _err?: Error,
  job?: { opts?: { backoff?: unknown } },
): number {
  const backoff = job?.opts?.backoff as { delay?: number } | undefined;
  const base = typeof backoff?.delay === 'number' ? backoff.delay : 2000;
  const ceiling = Math.min(MAX_BACKOFF_MS, base * 2 ** Math.max(0, attemptsMade - 1));
  return Math.floor(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * The notifications queue: `deliver`, one attempt of one delivery. (Fan-out happens in the
 * transaction that decides the event, see FanoutService.) Concurrency comes from NOTIFY_CONCURRENCY
 * once the application is up.
 */
@Processor(QUEUES.notifications, { settings: { backoffStrategy: notifyBackoff } })
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
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      return this.delivery.deliver(job.data.deliveryId, last);
    }
    this.logger.error({ job: job.id, name: job.name }, 'unknown notifications job');
    return 'unknown-job';
  }
}
