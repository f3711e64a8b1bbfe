import { Injectable } from '@nestjs/common';
import type { Role } from '../common';
import type { OutboxItem } from '../outbox';
import { QUEUES } from '../queues';
import { type ClockJob, type ClockKind, reminderPercent } from './clock-kinds';
import { TimingPolicy } from './timing-policy';

/** When a clock runs: its window is `start` → `due`; `now` is the moment it is planned. */
export interface ClockWindow {
  start: Date;
  due: Date;
  now: Date;
}

/**
 * The one planner of every clock: turns a clock (its kind, which instance, its window) into the
 * timer jobs that run it, as outbox items written in the caller's transaction, and into the
 * cancellations that stop it. Reminders fall at REMINDER_FRACTIONS of the window; the escalation
 * ladder after the due time is EscalationLadder's.
 */
@Injectable()
export class Clocks {
  constructor(private readonly timing: TimingPolicy) {}

  /**
   * The reminder jobs and the due job. A reminder whose moment has already passed (an incident entered
   * late, a clock regraded late in its window) would only be noise next to the ones still ahead, so it
   * is left out; the due job is always there.
   */
  start<Ref>(kind: ClockKind<Ref>, ref: Ref, w: ClockWindow): OutboxItem[] {
    const items: OutboxItem[] = [];
    const start = w.start.getTime();
    const window = w.due.getTime() - start;
    if (kind.jobs.reminder)
      for (const fraction of this.timing.reminders) {
        const at = new Date(start + window * fraction);
        if (at.getTime() <= w.now.getTime()) continue;
        items.push(this.job(kind, ref, { reminder: reminderPercent(fraction) }, kind.jobs.reminder, at, { fraction }));
      }
    items.push(this.job(kind, ref, 'due', kind.jobs.due, w.due));
    return items;
  }

  /** Removes every job the clock may have queued: reminders, the due job, escalation steps. */
  stop<Ref>(kind: ClockKind<Ref>, ref: Ref, now: Date): OutboxItem {
    return this.cancel(kind.cancelId(ref, 'stop', now), this.jobIds(kind, ref));
  }

  /** Someone has taken charge of the overdue clock: removes its escalation steps. */
  acknowledge<Ref>(kind: ClockKind<Ref>, ref: Ref, now: Date): OutboxItem {
    return this.cancel(kind.cancelId(ref, 'acknowledge', now), this.escalationIds(kind, ref));
  }

  /** Escalation step `level` of the clock, due at `at`. */
  escalation<Ref>(kind: ClockKind<Ref>, ref: Ref, level: number, at: Date): OutboxItem {
    if (!kind.jobs.escalate) throw new Error(`a ${kind.title} clock has no escalation`);
    return this.job(kind, ref, { escalate: level }, kind.jobs.escalate, at, { level });
  }

  /** Who is told at each escalation step, in order. */
  ladder(kind: ClockKind<unknown>): readonly Role[] {
    return kind.ladder === 'product' ? this.timing.escalationSteps : kind.ladder;
  }

  /** How long after one escalation step the next is taken. */
  get stepDelayMs(): number {
    return this.timing.escalationStepDelayMs;
  }

  /** Every job id the clock may have queued (reminders at the configured fractions). */
  jobIds<Ref>(kind: ClockKind<Ref>, ref: Ref): string[] {
    const reminders = kind.jobs.reminder ? this.timing.reminders : [];
    return [
      ...reminders.map((f) => kind.jobId(ref, { reminder: reminderPercent(f) })),
      kind.jobId(ref, 'due'),
      ...this.escalationIds(kind, ref),
    ];
  }

  private escalationIds<Ref>(kind: ClockKind<Ref>, ref: Ref): string[] {
    const n = kind.cancelsEscalations === 'ladder' ? this.ladder(kind).length : kind.cancelsEscalations;
    return Array.from({ length: n }, (_, i) => kind.jobId(ref, { escalate: i + 1 }));
  }

  private job<Ref>(
    kind: ClockKind<Ref>,
    ref: Ref,
    job: ClockJob,
    name: string,
    at: Date,
    extra: Record<string, unknown> = {},
  ): OutboxItem {
    return {
      id: kind.jobId(ref, job),
      queue: QUEUES.timers,
      kind: name,
      payload: { ...kind.payload(ref), ...extra },
      dueAt: at,
    };
  }

  private cancel(id: string, jobIds: string[]): OutboxItem {
    return { id, queue: QUEUES.timers, kind: 'cancel', payload: { jobIds } };
  }
}
