import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import IORedis from 'ioredis';
import type { Logger } from 'pino';
import { AuditService, type CommittedAuditEntry } from '../audit';
import { redisOptionsFromUrl } from '../common';
import { REDIS_URL } from '../config';
import { LOGGER } from '../logging';
import { classifyAction, liveChannel, liveChanges } from './live-change';

const RETRY_DELAY_MS = 500;
/** Reconnection attempts a message waits through before it is dropped (RETRIES × RETRY_DELAY_MS). */
const RETRIES = 20;

/**
 * Publishes every committed change on its organisations' Redis channels, where the API processes'
 * LiveHub hears it and tells the open streams.
 *
 * Why the audit trail is where changes are picked up: every mutation of the service appends an
 * audit entry inside its own transaction (a rule of the code base, held by review and tests), and
 * the entry names its organisation, its incident and, by its action and payload, the record that
 * changed. Nothing else sees every change: the workflow engine sees workflow events only (not a
 * report edit or a department's acknowledgement), the outbox only changes with side effects, and
 * the services are many. The audit service calls its listeners after the transaction commits and
 * never for one that rolled back (TransactionRunner.afterCommit, as the outbox wakes its relay), so
 * a stream never announces a change a reader could not yet see. A change that involves another
 * organisation names it in the entry's `concerns` (not stored), and live-change.ts says what each
 * action is on each side.
 *
 * Runs in every process that writes (API and workers: timers and deliveries change things too),
 * on a connection of its own. Its offline queue is on, so a change committed while the connection
 * is being made or remade (at start, or just after Redis comes back, when a stream may already
 * listen again) is published once it is up; `maxRetriesPerRequest` bounds how long messages wait
 * during an outage (20 reconnection attempts, 10 s), after which they are dropped: a stream that
 * lost its connection was ended anyway, and the console refetches when it reconnects.
 */
@Injectable()
export class LivePublisher implements OnModuleInit, OnApplicationShutdown {
  private stop?: () => void;
  private client?: IORedis;
  private readonly unmapped = new Set<string>();
  /** Messages Redis never took (the outage outlasted the wait): for tests and diagnosis. */
  dropped = 0;

  constructor(
    private readonly audit: AuditService,
    @Inject(REDIS_URL) private readonly url: string,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.client = new IORedis({
      ...redisOptionsFromUrl(this.url),
      maxRetriesPerRequest: RETRIES,
      retryStrategy: () => RETRY_DELAY_MS,
    });
    // Outages are reported by /ready and by the streams ending; do not let them crash the process.
    this.client.on('error', () => undefined);
    this.stop = this.audit.onCommitted((entry) => this.publish(entry));
  }

  onApplicationShutdown(): void {
    this.stop?.();
    // Not QUIT: with Redis unreachable it would wait for ever, and nothing here must outlive the process.
    this.client?.disconnect();
  }

  private publish(entry: CommittedAuditEntry): void {
    if (classifyAction(entry.action) === undefined && !this.unmapped.has(entry.action)) {
      this.unmapped.add(entry.action);
      this.logger.warn(
        { action: entry.action },
        'live updates: audit action has no mapping in src/live/live-change.ts',
      );
    }
    const client = this.client;
    if (!client) return;
    for (const { orgId, change } of liveChanges(entry)) {
      client.publish(liveChannel(orgId), JSON.stringify(change)).catch(() => {
        this.dropped++;
      });
    }
  }
}
