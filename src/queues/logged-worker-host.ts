import { WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { workerTimings } from './worker-timings';

/**
 * Base for every queue processor. A BullMQ worker without an 'error' listener prints each failed
 * reconnect to the console while Redis is down; this logs one warning a minute instead, through
 * the structured logger. (The worker reconnects by itself; nothing else is needed.) A job that failed
 * its last attempt is logged as an error with its queue, id and name: it will not run again, and it
 * waits in the queue's failed set (the dead letters, GET /api/v1/admin/dead-letters).
 */
export abstract class LoggedWorkerHost extends WorkerHost implements OnApplicationBootstrap {
  protected abstract readonly logger: Logger;
  private lastWarning = 0;

  onApplicationBootstrap(): void {
    // How late a delayed job (a timer above all) started after the moment it was due.
    this.worker.on('active', (job: Job) => {
      if (job.delay > 0 && job.processedOn && job.attemptsMade === 0)
        workerTimings.emit('lateness', this.worker.name, job.processedOn - (job.timestamp + job.delay));
    });
    this.worker.on('error', (err: Error) => {
      if (Date.now() - this.lastWarning < 60_000) return;
      this.lastWarning = Date.now();
      this.logger.warn(
        { queue: this.worker.name, err: err.message },
        'queue worker: Redis connection error (reconnecting)',
      );
    });
    this.worker.on('failed', (job: Job | undefined, err: Error) => {
      if (!job) return;
      // The job's state, not its attempt count, says whether it will run again: a job that stalled
      // too often or threw UnrecoverableError is failed for good with attempts left.
      job.getState().then(
        (state) => {
          if (state !== 'failed') return;
          this.logger.error(
            { queue: this.worker.name, job: job.id, name: job.name, attempts: job.attemptsMade, err: err.message },
            'queue job failed for good: it is a dead letter now (GET /api/v1/admin/dead-letters)',
          );
        },
        (stateErr: Error) =>
          this.logger.warn({ queue: this.worker.name, job: job.id, err: stateErr.message }, 'queue job state unknown'),
      );
    });
  }
}
