import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { type AnyClockKind, type ClockJobData, type ClockKind, clockJobNames } from './clock-kinds';

/** What a timer job handler answers (kept as the job's return value): `applied`, `stale`, `skipped`, … */
export type TimerHandler = (job: Job) => Promise<string>;

/** A start-up failure: a timer job name without a handler, with several, or that no clock queues. */
export class TimerHandlersError extends Error {
  override readonly name = 'TimerHandlersError';
}

interface Registration {
  handler: TimerHandler;
  owner: string;
}

/**
 * Which code handles each timer job. One BullMQ worker serves the timers queue (two workers on one
 * queue would take each other's jobs), and each domain registers the jobs of its clocks here at
 * module init. TimersProcessor calls `verify` at application bootstrap, before its worker takes a
 * job: a job name with no handler, two handlers, or a handler for a name no clock queues stops the
 * start-up with one line naming them, instead of a job failing (or being dropped) when it fires.
 */
@Injectable()
export class TimerHandlers {
  private readonly registrations = new Map<string, Registration[]>();

  /** `owner` names the registering class in the start-up error. */
  register(jobName: string, handler: TimerHandler, owner: string): void {
    const list = this.registrations.get(jobName) ?? [];
    list.push({ handler, owner });
    this.registrations.set(jobName, list);
  }

  /** Registers the handler of one job of a kind of clock, given the clock the job belongs to. */
  on<Ref>(
    kind: ClockKind<Ref>,
    job: 'reminder' | 'due' | 'escalate',
    handle: (ref: Ref, data: ClockJobData, job: Job) => Promise<string>,
    owner: string,
  ): void {
    const name = kind.jobs[job];
    if (!name) throw new TimerHandlersError(`A ${kind.title} clock has no ${job} job (registered by ${owner})`);
    this.register(
      name,
      (j: Job) => {
        const data = j.data as Record<string, unknown>;
        return handle(kind.refOf(data), data as ClockJobData, j);
      },
      owner,
    );
  }

  /**
   * Runs the handler of one job of a clock as if its job had fired now (the deadline sweeper: for a
   * due job that was lost or failed for good, and for deadlines due together with one whose job runs).
   * Handlers are idempotent: run beside the real job, one of the two finds nothing to do.
   */
  fire<Ref>(kind: ClockKind<Ref>, job: 'due', ref: Ref): Promise<string> {
    const name = kind.jobs[job];
    const handler = this.handler(name);
    if (!handler) throw new TimerHandlersError(`No handler for ${name}`);
    // Handlers read the job's name and data only; this is the job the clock would have queued.
    const synthetic = { id: `sweep.${name}`, name, data: kind.payload(ref), attemptsMade: 0, opts: {} };
    return handler(synthetic as unknown as Job);
  }

  /** The handler of `jobName`, once `verify` has passed. */
  handler(jobName: string): TimerHandler | undefined {
    const list = this.registrations.get(jobName);
    return list?.length === 1 ? list[0].handler : undefined;
  }

  /** Throws TimerHandlersError unless every job name of `kinds` has exactly one handler and no other name has any. */
  verify(kinds: readonly AnyClockKind[]): void {
    const expected = clockJobNames(kinds);
    const problems: string[] = [];
    for (const name of expected) {
      const list = this.registrations.get(name) ?? [];
      if (list.length === 0) problems.push(`no handler for ${name}`);
      if (list.length > 1)
        problems.push(`${name} has ${list.length} handlers (${list.map((r) => r.owner).join(', ')})`);
    }
    for (const [name, list] of this.registrations)
      if (!expected.includes(name))
        problems.push(`${name} is no clock's job (registered by ${list.map((r) => r.owner).join(', ')})`);
    if (problems.length) throw new TimerHandlersError(`Timer job handlers: ${problems.join('; ')}`);
  }
}
