import type { Queue } from 'bullmq';

/** Polls until `check` returns a truthy value or the time is up (then throws, naming what was awaited). */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
  everyMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/**
 * Waits until `queue` holds no job that may still run (waiting, delayed, active, prioritized) whose id
 * starts with `prefix`: after it, nothing more can happen from those jobs, so a test can assert that
 * something did not happen without sleeping for a guessed time.
 */
export async function queueSettled(queue: Queue, prefix: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    `no pending jobs ${prefix}*`,
    async () => {
      const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);
      return jobs.every((j) => !j?.id || !j.id.startsWith(prefix));
    },
    timeoutMs,
    50,
  );
}
