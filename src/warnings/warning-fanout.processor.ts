import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '../logging';
import { LoggedWorkerHost, QUEUES, jitteredBackoff } from '../queues';
import { FANOUT_JOB, WarningEngine, type FanoutJobData } from './warning-engine.service';

/**
 * The `warnings` queue: fan-out batches of issued warnings (WarningEngine.fanOut). One job at a time
 * per worker process: a batch is one short write transaction, and between two the single SQLite
 * connection and the event loop serve everyone else. A batch that fails retries with backoff
 * (TIMER_MAX_ATTEMPTS, TIMER_BACKOFF_MS); one that fails for good is a dead letter
 * (GET /api/v1/admin/dead-letters) and its warning's fan-out stays `pending` short of its total.
 */
// A batch takes milliseconds, so its lock can be short: the batch of a worker that died is taken up
// again (stalled) within about 15 s, not BullMQ's default of up to a minute.
@Processor(QUEUES.warnings, {
  concurrency: 1,
  lockDuration: 10_000,
  stalledInterval: 5_000,
  settings: { backoffStrategy: jitteredBackoff },
})
export class WarningFanoutProcessor extends LoggedWorkerHost {
  constructor(
    private readonly engine: WarningEngine,
    @Inject(LOGGER) protected readonly logger: Logger,
  ) {
    super();
  }

  async process(job: Job<FanoutJobData>): Promise<string> {
    if (job.name === FANOUT_JOB) return this.engine.fanOut(job.data);
    this.logger.error({ job: job.id, name: job.name }, 'unknown warnings job');
    return 'unknown-job';
  }
}
