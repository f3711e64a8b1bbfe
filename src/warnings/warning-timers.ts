import { ConflictException, Injectable, NotFoundException, OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { TimerRegistry } from '../timers/timer-registry';
import { WarningEngine } from './warning-engine.service';
import { WARNING_JOBS, type WarningTimerJobData } from './warning-jobs';

/**
 * Feeds the feedback-deadline jobs back into the warning workflow. The workflow refuses a timer
 * event for a stale generation or a state already left; here that is "nothing to do", not an
 * error to retry.
 */
@Injectable()
export class WarningTimers implements OnModuleInit {
  constructor(
    private readonly registry: TimerRegistry,
    private readonly engine: WarningEngine,
  ) {}

  onModuleInit(): void {
    this.registry.register(WARNING_JOBS.reminder, (job) => this.run(job as Job<WarningTimerJobData>));
    this.registry.register(WARNING_JOBS.due, (job) => this.run(job as Job<WarningTimerJobData>));
    this.registry.register(WARNING_JOBS.escalate, (job) =>
      this.engine.escalate((job as Job<WarningTimerJobData>).data),
    );
  }

  async run(job: Job<WarningTimerJobData>): Promise<string> {
    const d = job.data;
    const event =
      job.name === WARNING_JOBS.reminder
        ? { type: 'DEADLINE_REMINDER', timer: d.timer, generation: d.generation, fraction: d.fraction }
        : { type: 'DEADLINE_MISSED', timer: d.timer, generation: d.generation };
    try {
      await this.engine.apply({ system: 'timers', orgId: d.operatorOrgId }, d.warningId, d.operatorOrgId, event);
      return 'applied';
    } catch (err) {
      if (err instanceof ConflictException || err instanceof NotFoundException) return 'stale';
      throw err;
    }
  }
}
