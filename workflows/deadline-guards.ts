import type { DeadlineEntry } from './types';

/** A timer event as both machines receive it from the runtime. */
type TimerEvent = { type: string; timer?: string; generation?: number; fraction?: number };

/**
 * Shared by every machine that owns deadlines: a timer event counts only for a pending deadline of
 * the current generation (older generations are stale jobs of a recomputed or cancelled clock).
 */
export function timerLive(deadlines: Partial<Record<string, DeadlineEntry>>, event: TimerEvent): boolean {
  if (event.type !== 'DEADLINE_MISSED' && event.type !== 'DEADLINE_REMINDER') return false;
  const entry = event.timer === undefined ? undefined : deadlines[event.timer];
  return entry !== undefined && entry.status === 'pending' && entry.generation === event.generation;
}

/** A reminder is due once per fraction of a live deadline (a job that fires twice notifies once). */
export function reminderDue(deadlines: Partial<Record<string, DeadlineEntry>>, event: TimerEvent): boolean {
  return (
    event.type === 'DEADLINE_REMINDER' &&
    timerLive(deadlines, event) &&
    !deadlines[event.timer!]!.reminded.includes(event.fraction!)
  );
}
