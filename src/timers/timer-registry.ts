import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';

export type TimerHandler = (job: Job) => Promise<string>;

/**
 * One BullMQ worker serves the timers queue (two workers on one queue would take each other's
 * jobs), so each domain registers the job names it owns here, at module init:
 * `registry.register('warning-feedback-due', (job) => …)`.
 */
@Injectable()
export class TimerRegistry {
  private readonly handlers = new Map<string, TimerHandler>();

  register(jobName: string, handler: TimerHandler): void {
    if (this.handlers.has(jobName)) throw new Error(`timer job ${jobName} registered twice`);
    this.handlers.set(jobName, handler);
  }

  handler(jobName: string): TimerHandler | undefined {
    return this.handlers.get(jobName);
  }

  names(): string[] {
    return [...this.handlers.keys()];
  }
}
