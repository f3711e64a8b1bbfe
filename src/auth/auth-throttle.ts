import { HttpException, HttpStatus, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import IORedis from 'ioredis';
import ipaddr from 'ipaddr.js';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../config/app-config';
import { LOGGER } from '../logging/logging.module';
import { redisOptionsFromUrl } from '../redis/redis-options';
import { REDIS_URL } from '../redis/redis.module';
import { credentialHandle } from './token-hash';

/**
 * The key of a client address: IPv4 (an IPv4-mapped IPv6 address counts as its IPv4 form) as is,
 * IPv6 by its /64, because one subscriber usually holds a whole /64 and could otherwise take a
 * fresh address for every attempt.
 */
export function sourceKey(address: string | undefined): string {
  if (!address || !ipaddr.isValid(address)) return 'unknown';
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}

/** Digest of the credential's non-secret handle, so nothing of a presented token reaches Redis. */
export function credentialKey(presented: string): string {
  return createHash('sha256').update(credentialHandle(presented), 'utf8').digest('base64url').slice(0, 22);
}

/** 429 with Retry-After (whole seconds, rounded up), in the service's one error shape. */
export class TooManyFailures extends HttpException {
  readonly retryAfterSeconds: number;

  constructor(ms: number) {
    const retryAfterSeconds = Math.max(1, Math.ceil(ms / 1000));
    super({ message: `Too many failed authentication attempts; try again in ${retryAfterSeconds} s`, retryAfterSeconds }, HttpStatus.TOO_MANY_REQUESTS);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

interface Limiter {
  limiter: RateLimiterRedis;
  points: number;
}

/**
 * Throttles failed authentication per source address and per credential, with counters in Redis
 * (rate-limiter-flexible's atomic Lua increment) so the limits hold across API processes. Only
 * failures are counted: a request with a valid token consumes nothing and is never delayed, but
 * a locked-out source or credential is refused even with a valid token, or the lock-out would not
 * bound the number of guesses.
 *
 * While Redis is unreachable, each process falls back to counters of its own (the library's
 * insurance limiter), so throttling weakens to per-process instead of stopping.
 */
@Injectable()
export class AuthThrottle implements OnApplicationShutdown {
  private readonly client: IORedis;
  private readonly bySource?: Limiter;
  private readonly byCredential?: Limiter;

  constructor(
    @Inject(REDIS_URL) url: string,
    config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // Its own connection without an offline queue: while Redis is down a check fails at once (and
    // the insurance limiter answers) instead of holding the request.
    this.client = new IORedis({ ...redisOptionsFromUrl(url), enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 500 });
    this.client.on('error', () => undefined);
    const make = (name: string, points: number): Limiter | undefined => {
      if (points <= 0) return undefined;
      const opts = { points, duration: config.AUTH_FAILURE_WINDOW_SECONDS, blockDuration: config.AUTH_LOCKOUT_SECONDS };
      const limiter = new RateLimiterRedis({
        ...opts, storeClient: this.client, keyPrefix: `lianfang:auth-failures:${name}`, rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ ...opts, keyPrefix: `lianfang:auth-failures:${name}` }),
      });
      return { limiter, points };
    };
    this.bySource = make('source', config.AUTH_FAILURES_PER_SOURCE);
    this.byCredential = make('credential', config.AUTH_FAILURES_PER_CREDENTIAL);
  }

  /** Milliseconds until the source or the credential may try again; 0 when neither is locked out. */
  async lockedOutFor(source: string, credential: string | null): Promise<number> {
    const [a, b] = await Promise.all([this.remaining(this.bySource, source), credential === null ? 0 : this.remaining(this.byCredential, credential)]);
    return Math.max(a, b);
  }

  /**
   * Counts one failure against both keys. Returns the lock-out in milliseconds when this failure
   * reached a limit (or one was already reached), else 0.
   */
  async failed(source: string, credential: string | null): Promise<number> {
    const [a, b] = await Promise.all([this.consume(this.bySource, source), credential === null ? 0 : this.consume(this.byCredential, credential)]);
    return Math.max(a, b);
  }

  private async remaining(l: Limiter | undefined, key: string): Promise<number> {
    if (!l) return 0;
    try {
      const res = await l.limiter.get(key);
      return res && res.consumedPoints > l.points ? res.msBeforeNext : 0;
    } catch (err) {
      // Both Redis and the insurance limiter failed: let the request through rather than lock everyone out.
      this.logger.warn({ err }, 'authentication throttle unavailable');
      return 0;
    }
  }

  private async consume(l: Limiter | undefined, key: string): Promise<number> {
    if (!l) return 0;
    try {
      await l.limiter.consume(key);
      return 0;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, rejection.msBeforeNext);
      this.logger.warn({ err: rejection }, 'authentication throttle unavailable');
      return 0;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.client.disconnect();
  }
}
