import { Processor } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { AppConfig } from '../config';
import { LOGGER } from '../logging';
import { jitteredBackoff, LoggedWorkerHost, QUEUES } from '../queues';
import { CLOCK_KINDS, INCIDENT_DEADLINE } from './clock-kinds';
import { DeadlineSweeper } from './deadline-sweeper';
import { TimerHandlers } from './timer-handlers';

/**
 * The single worker of the timers queue: every clock's reminders, due times and escalation steps,
 * dispatched by job name to the handler its domain registered (TimerHandlers). The worker is created
 * stopped and started only once every job name of every clock has exactly one handler, so no job is
 * taken (and lost) before its handler exists, and a wiring mistake stops the start-up.
 */
// Failed jobs retry (queue options: TIMER_MAX_ATTEMPTS, TIMER_BACKOFF_MS) with the jittered backoff.
@Processor(QUEUES.timers, { autorun: false, settings: { backoffStrategy: jitteredBackoff } })
export class TimersProcessor extends LoggedWorkerHost {
  constructor(
    private readonly handlers: TimerHandlers,
    @Inject(LOGGER) protected readonly logger: Logger,
    private readonly config: AppConfig,
    private readonly sweeper: DeadlineSweeper,
  ) {
    super();
  }

  override onApplicationBootstrap(): void {
    this.handlers.verify(CLOCK_KINDS);
    super.onApplicationBootstrap();
    this.worker.concurrency = this.config.TIMERS_CONCURRENCY;
    // Resolves when the worker closes (at shutdown); a failure to run is logged, not thrown into nowhere.
    this.worker.run().catch((err: unknown) => this.logger.error({ err }, 'timers worker stopped'));
  }

  async process(job: Job): Promise<string> {
    const handler = this.handlers.handler(job.name);
    // The other deadlines due by now are decided together, not one per job (DeadlineSweeper.dueTogether);
    // not awaited: this job's own decision goes on beside them and finds its deadline decided or decides it.
    if (job.name === INCIDENT_DEADLINE.jobs.due) void this.sweeper.dueTogether();
    if (handler) return handler(job);
    // A name no clock of this version queues (a job of a newer version, after a rollback): kept in
    // the completed set with this answer, for someone to look at.
    this.logger.error({ job: job.id, name: job.name }, 'unknown timer job');
    return 'unknown-job';
  }
}
