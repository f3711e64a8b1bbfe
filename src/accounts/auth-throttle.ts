import { HttpException, HttpStatus, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import IORedis from 'ioredis';
import ipaddr from 'ipaddr.js';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig, REDIS_URL } from '../config';
import { LOGGER } from '../logging';
import { redisOptionsFromUrl } from '../common';
import { credentialHandle } from './token-hash';

/**
 * The key of a client address: IPv4 (an IPv4-mapped IPv6 address counts as its IPv4 form) as is,
 * IPv6 by its /64, because one subscriber usually holds a whole /64 and could otherwise take a
 * fresh address for every attempt.
 */
export function sourceKey(address: string | undefined): string {
  // The common forms without a parse (ipaddr.js took about 10 µs a request).
  if (address && isIPv4(address)) return address;
  if (address?.startsWith('::ffff:') && isIPv4(address.slice(7))) return address.slice(7);
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

/**
 * Digest of a username tried at sign-in (lower-cased, as usernames are stored), so Redis holds no
 * list of names, real or mistyped (a password typed into the username field among them).
 */
export function usernameKey(username: string): string {
  return createHash('sha256')
    .update(`username:${username.trim().toLowerCase()}`, 'utf8')
    .digest('base64url')
    .slice(0, 22);
}

/** 429 with Retry-After (whole seconds, rounded up), in the service's one error shape. */
export class TooManyFailures extends HttpException {
  readonly retryAfterSeconds: number;

  constructor(ms: number) {
    const retryAfterSeconds = Math.max(1, Math.ceil(ms / 1000));
    super(
      {
        message: `Too many failed authentication attempts; try again in ${retryAfterSeconds} s`,
        code: 'too-many-failures',
        retryAfterSeconds,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

interface Limiter {
  limiter: RateLimiterRedis;
  points: number;
}

const PREFIX = 'lianfang:auth-failures';
/** Where every process announces a key that just failed (the message is `source:<key>` or `credential:<key>`). */
const CHANNEL = `${PREFIX}:announce`;
/** Keys with recent failures one process keeps in memory; past this, it checks Redis for every request. */
const MAX_SUSPECTS = 100_000;

interface Connection {
  client: IORedis;
  subscriber: IORedis;
  bySource?: Limiter;
  byCredential?: Limiter;
  byUsername?: Limiter;
  /** How many times a username was locked out within the last day: each lock-out lasts twice the one before. */
  usernameLockouts?: Limiter;
}

/** The longest lock-out the doubling reaches. */
const MAX_LOCKOUT_SECONDS = 86_400;

/**
 * Throttles failed authentication per source address and per credential, with counters in Redis
 * (rate-limiter-flexible's atomic Lua increment) so the limits hold across API processes. Only
 * failures are counted: a request with a valid token consumes nothing, but a locked-out source or
 * credential is refused even with a valid token, or the lock-out would not bound the guesses.
 *
 * So that successful requests are not slowed, a process reads Redis only for a key with recent
 * failures ("suspects"): every failure is announced on a Redis channel that every process
 * subscribes to, and at start and after each reconnection a process rebuilds its suspects from
 * the counters in Redis (SCAN), checking Redis for every request until that is done. A key another
 * process has just locked out is seen here once its announcement arrives (a round trip on the
 * same Redis); a failure in this process is seen at once.
 *
 * Password sign-ins (POST /api/v1/session) count failures per source and per username tried.
 * A username's lock-outs back off: within a day each one lasts twice as long as the one before
 * (AUTH_LOCKOUT_SECONDS, then twice that, …, at most a day), so a slow guesser at one account
 * gets fewer tries per day than the plain window allows. A sign-in that succeeds clears that
 * username's failure count (not its lock-out history, nor the source's count).
 *
 * While Redis is unreachable, each process falls back to counters of its own (the library's
 * insurance limiter), so throttling weakens to per-process instead of stopping.
 */
@Injectable()
export class AuthThrottle implements OnApplicationShutdown {
  /** Made by start(): API processes start it at start-up; worker-only processes never do. */
  private conn?: Connection;
  /** Suspect keys (`source:…`, `credential:…`) and until when (epoch ms) they stay suspect. */
  private readonly suspects = new Map<string, number>();
  /** Until then every request is checked in Redis: suspects unknown (starting, reconnecting) or too many to keep. */
  private checkAllUntil = Number.POSITIVE_INFINITY;
  private readonly horizonMs: number;
  private resyncTimer?: NodeJS.Timeout;
  private closed = false;
  /** Lock-out reads that went to the limiter (Redis, or the insurance limiter): for tests and diagnosis. */
  lockoutReads = 0;

  constructor(
    @Inject(REDIS_URL) private readonly url: string,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.horizonMs = (config.AUTH_FAILURE_WINDOW_SECONDS + config.AUTH_LOCKOUT_SECONDS) * 1000;
  }

  /** Connects to Redis and learns the current suspects; idempotent. */
  start(): Connection {
    if (this.conn) return this.conn;
    const { url, config } = this;
    // Its own connection without an offline queue: while Redis is down a check fails at once (and
    // the insurance limiter answers) instead of holding the request.
    const client = new IORedis({
      ...redisOptionsFromUrl(url),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: () => 500,
    });
    client.on('error', () => undefined);
    const make = (
      name: string,
      points: number,
      window = { duration: config.AUTH_FAILURE_WINDOW_SECONDS, blockDuration: config.AUTH_LOCKOUT_SECONDS },
    ): Limiter | undefined => {
      if (points <= 0) return undefined;
      const opts = { points, ...window };
      const limiter = new RateLimiterRedis({
        ...opts,
        storeClient: client,
        keyPrefix: `${PREFIX}:${name}`,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ ...opts, keyPrefix: `${PREFIX}:${name}` }),
      });
      return { limiter, points };
    };
    const subscriber = new IORedis({ ...redisOptionsFromUrl(url), retryStrategy: () => 500 });
    this.conn = {
      client,
      subscriber,
      bySource: make('source', config.AUTH_FAILURES_PER_SOURCE),
      byCredential: make('credential', config.AUTH_FAILURES_PER_CREDENTIAL),
      byUsername: make('username', config.AUTH_FAILURES_PER_USERNAME),
      usernameLockouts:
        config.AUTH_FAILURES_PER_USERNAME > 0
          ? make('username-lockouts', 1_000_000, { duration: 86_400, blockDuration: 0 })
          : undefined,
    };
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, key: string) => this.suspect(key));
    // 'ready' comes at the first connection and after every reconnection (ioredis subscribes
    // again by itself): announcements may have been missed, so rebuild from the counters.
    subscriber.on('ready', () => void this.resync());
    subscriber.subscribe(CHANNEL).catch(() => undefined);
    return this.conn;
  }

  /** True once this process knows its suspects and reads Redis only for them. */
  get selective(): boolean {
    return Date.now() >= this.checkAllUntil;
  }

  /**
   * Milliseconds until the source, the credential and the username (usernameKey; sign-ins only)
   * may try again; 0 when none is locked out.
   */
  async lockedOutFor(source: string, credential: string | null, username: string | null = null): Promise<number> {
    const c = this.start();
    const [a, b, u] = await Promise.all([
      this.isSuspect(`source:${source}`) ? this.remaining(c.bySource, source) : 0,
      credential !== null && this.isSuspect(`credential:${credential}`)
        ? this.remaining(c.byCredential, credential)
        : 0,
      username !== null && this.isSuspect(`username:${username}`) ? this.remaining(c.byUsername, username) : 0,
    ]);
    return Math.max(a, b, u);
  }

  /**
   * Counts one failure against each key given. Returns the lock-out in milliseconds when this
   * failure reached a limit (or one was already reached), else 0.
   */
  async failed(source: string, credential: string | null, username: string | null = null): Promise<number> {
    const c = this.start();
    const keys = [
      `source:${source}`,
      ...(credential === null ? [] : [`credential:${credential}`]),
      ...(username === null ? [] : [`username:${username}`]),
    ];
    for (const k of keys) {
      this.suspect(k);
      c.client.publish(CHANNEL, k).catch(() => undefined);
    }
    const [a, b, u] = await Promise.all([
      this.consume(c.bySource, source),
      credential === null ? 0 : this.consume(c.byCredential, credential),
      username === null ? 0 : this.consume(c.byUsername, username, c.usernameLockouts),
    ]);
    return Math.max(a, b, u);
  }

  /** A sign-in with this username (usernameKey) succeeded: its failures so far no longer count. */
  async succeeded(username: string): Promise<void> {
    const l = this.start().byUsername;
    if (!l || !this.isSuspect(`username:${username}`)) return;
    await l.limiter.delete(username).catch((err: unknown) => {
      this.logger.warn({ err }, 'authentication throttle unavailable');
    });
  }

  private suspect(key: string): void {
    if (this.suspects.size >= MAX_SUSPECTS && !this.suspects.has(key)) {
      // A spray of distinct keys: stop keeping them and check every request until it has passed.
      this.suspects.clear();
      this.checkAllUntil = Math.max(this.checkAllUntil, Date.now() + this.horizonMs);
      return;
    }
    this.suspects.set(key, Date.now() + this.horizonMs);
  }

  private isSuspect(key: string): boolean {
    const now = Date.now();
    if (now < this.checkAllUntil) return true;
    const until = this.suspects.get(key);
    if (until === undefined) return false;
    if (until > now) return true;
    this.suspects.delete(key);
    return false;
  }

  /** Reads the counters' keys from Redis into the suspects; until it has, every request is checked. */
  private async resync(): Promise<void> {
    clearTimeout(this.resyncTimer);
    if (this.closed) return;
    this.checkAllUntil = Number.POSITIVE_INFINITY;
    try {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await this.start().client.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 1000);
        for (const k of keys) if (k !== CHANNEL) found.push(k.slice(PREFIX.length + 1));
        cursor = next;
      } while (cursor !== '0' && found.length < MAX_SUSPECTS);
      if (found.length >= MAX_SUSPECTS) {
        this.checkAllUntil = Date.now() + this.horizonMs;
        return;
      }
      for (const k of found) this.suspect(k);
      this.checkAllUntil = 0;
    } catch {
      // Redis went away again (or is not ready yet): keep checking every request, and try again.
      if (!this.closed) this.resyncTimer = setTimeout(() => void this.resync(), 1000).unref();
    }
  }

  private async remaining(l: Limiter | undefined, key: string): Promise<number> {
    if (!l) return 0;
    this.lockoutReads++;
    try {
      const res = await l.limiter.get(key);
      return res && res.consumedPoints > l.points ? res.msBeforeNext : 0;
    } catch (err) {
      // Both Redis and the insurance limiter failed: let the request through rather than lock everyone out.
      this.logger.warn({ err }, 'authentication throttle unavailable');
      return 0;
    }
  }

  /**
   * Consumes one failure. With `lockouts`, the failure that starts a lock-out also counts it there,
   * and the lock-out is made to last AUTH_LOCKOUT_SECONDS · 2^(lock-outs within the day − 1).
   */
  private async consume(l: Limiter | undefined, key: string, lockouts?: Limiter): Promise<number> {
    if (!l) return 0;
    try {
      await l.limiter.consume(key);
      return 0;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        if (!lockouts || rejection.consumedPoints !== l.points + 1) return Math.max(1, rejection.msBeforeNext);
        const counted = await lockouts.limiter.consume(key).catch((r: unknown) => r);
        const n = counted instanceof RateLimiterRes ? Math.max(1, counted.consumedPoints) : 1;
        const seconds = Math.min(MAX_LOCKOUT_SECONDS, this.config.AUTH_LOCKOUT_SECONDS * 2 ** Math.min(n - 1, 20));
        if (n > 1) await l.limiter.block(key, seconds).catch(() => undefined);
        return n > 1 ? seconds * 1000 : Math.max(1, rejection.msBeforeNext);
      }
      this.logger.warn({ err: rejection }, 'authentication throttle unavailable');
      return 0;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.resyncTimer);
    this.conn?.subscriber.disconnect();
    this.conn?.client.disconnect();
  }
}
