import type { BackoffOptions, DefaultJobOptions } from 'bullmq';

/** BullMQ backoff type of the one retry delay the workers compute (see jitteredBackoff). */
export const JITTERED_BACKOFF = 'jittered-exponential';

/** No single wait longer than an hour, however many attempts are configured. */
export const MAX_BACKOFF_MS = 3_600_000;

/**
 * Exponential backoff with jitter: after attempt n fails, the job waits a random time between half
 * and all of base·2^(n-1), at most an hour, so a receiver that comes back after an outage is not
 * hit by every queued delivery at the same instant. The base delay travels in the job's backoff
 * options (queue defaults, see retryOptions). Registered as `settings.backoffStrategy` of the
 * workers whose jobs retry (notifications, report deliveries); BullMQ calls it for every backoff
 * type it does not know itself.
 */
export function jitteredBackoff(
  attemptsMade: number,
  _type?: string,
  _err?: Error,
  job?: { opts?: { backoff?: number | BackoffOptions } },
): number {
  const backoff = job?.opts?.backoff;
  const base = typeof backoff === 'object' && typeof backoff.delay === 'number' ? backoff.delay : 2000;
  const ceiling = Math.min(MAX_BACKOFF_MS, base * 2 ** Math.max(0, attemptsMade - 1));
  return Math.floor(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Job options of a queue whose jobs retry: `attempts` in all (the first included), `baseMs` apart at first. */
export function retryOptions(attempts: number, baseMs: number): Pick<DefaultJobOptions, 'attempts' | 'backoff'> {
  return { attempts, backoff: { type: JITTERED_BACKOFF, delay: baseMs } };
}

/** True when no retry follows this attempt of `job`: its attempts (the queue's, or 1) are spent with it. */
export function isLastAttempt(job: { attemptsMade: number; opts: { attempts?: number } }): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}
