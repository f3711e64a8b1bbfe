import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { redisOptionsFromUrl } from '../common';
import { REDIS_URL } from '../config';
import { LOGGER } from '../logging';

/** The sorted set of requests in flight that may decide a deadline: member per request, score its arrival (ms). */
const KEY = 'lianfang:deadline-arrivals';
/**
 * How long a request is waited for at most. A submission takes milliseconds, or seconds on a loaded
 * machine; a hold older than this belongs to a process that died mid-request, and is ignored.
 */
export const ARRIVAL_HOLD_MS = 60_000;
/** How often a due job looks again while a hold is open. */
const POLL_MS = 20;
/** The requests that may decide a deadline by their arrival time: report submissions. */
const DECIDING = /^\/api\/v1\/reports\/[^/?]+\/submit(?:\?|$)/;

type Stamped = IncomingMessage & { receivedAt?: number };

/**
 * A deadline is decided once (issue 19). A report submission is judged by when it arrived (its
 * `submittedAt`), and its transaction may run seconds later on a busy service. Without this, a report
 * that arrived before its due time but committed after the due job ran was first recorded missed by the
 * job (with the `deadline.missed` notice and the escalation ladder) and then met by the submission: the
 * soak (`npm run soak`) found 8 of 468 deadlines decided twice that way.
 *
 * So a deciding request registers itself in Redis as it arrives, and its arrival time is the moment that
 * registration was stored; the due job of an incident deadline first waits (bounded) until no request
 * that arrived at or before its due time is still in flight. Then whichever decides, they agree: a
 * submission that arrived in time has committed `met` (the job finds nothing to do), one that arrived
 * late is `missed` either way. Requests that arrived after the due time are not waited for, so a due job
 * never waits on a stream of new submissions. Redis is shared by every process of a deployment, so this
 * holds across API and worker processes; when Redis cannot be reached the request goes on unregistered
 * (as it did before) rather than failing.
 *
 * A polled sorted set rather than keyspace notifications: the wait is rare (a submission in flight at the
 * due time), short, and needs no Redis configuration.
 */
@Injectable()
export class ArrivalHolds implements OnApplicationShutdown {
  private readonly client: IORedis;

  constructor(
    @Inject(REDIS_URL) url: string,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.client = new IORedis({ ...redisOptionsFromUrl(url), maxRetriesPerRequest: 1, enableOfflineQueue: false });
    // Failures are handled per command below; do not let connection errors crash the process.
    this.client.on('error', () => undefined);
  }

  /**
   * Express middleware, mounted after stampArrival: registers a deciding request and sets its arrival
   * time to the moment the registration is stored (a millisecond after it came in), released when the
   * answer is sent or the connection closes.
   */
  middleware() {
    return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
      if (req.method !== 'POST' || !DECIDING.test(req.url ?? '')) return next();
      const member = randomUUID();
      const stale = Date.now() - ARRIVAL_HOLD_MS;
      const at = Date.now();
      this.client
        .multi()
        .zremrangebyscore(KEY, '-inf', `(${stale}`)
        .zadd(KEY, at, member)
        .exec()
        .then(
          () => {
            (req as Stamped).receivedAt = Date.now();
            res.once('close', () => void this.client.zrem(KEY, member).catch(() => undefined));
          },
          (err: unknown) => this.logger.warn({ err }, 'could not register a report submission for its deadline'),
        )
        .finally(next);
    };
  }

  /**
   * Resolves once no deciding request that arrived at or before `dueAt` (ms) is in flight, or when the
   * oldest of them is ARRIVAL_HOLD_MS old. Answers how long it waited (ms).
   */
  async settled(dueAt: number): Promise<number> {
    const started = Date.now();
    for (;;) {
      const now = Date.now();
      let open: string[];
      try {
        open = await this.client.zrangebyscore(KEY, Math.max(dueAt - ARRIVAL_HOLD_MS, now - ARRIVAL_HOLD_MS), dueAt);
      } catch (err) {
        this.logger.warn({ err }, 'could not check report submissions in flight; deciding the deadline now');
        return now - started;
      }
      if (!open.length) return now - started;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  onApplicationShutdown(): void {
    this.client.disconnect();
  }
}
