import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { TransactionRunner } from '../database';
import { LOGGER } from '../logging';
import { deliveryStatusCounts } from '../notifications';
import { outboxBacklog } from '../outbox';
import { QUEUE_NAMES, workerTimings } from '../queues';

/** Job states whose counts are the queue's depth; `failed` is the queue's dead letters. */
const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed'] as const;
const NOTIFICATION_STATUSES = ['queued', 'delivered', 'failed', 'dead'] as const;
/** Latency buckets in seconds: the targets are tens of milliseconds, the tails may be seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10];
const LATENESS_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const TRANSACTION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

/**
 * The operations metrics (README "Operations metrics"), in a registry of this application's own (not
 * prom-client's global one, so several applications in one process never share series): HTTP latency
 * by route, queue depths and failed jobs per BullMQ queue, the outbox backlog and its age,
 * notification deliveries by status, timer lateness, and the duration of database transactions.
 * Counts that live in Redis or the database are read when Prometheus scrapes, so every process of a
 * deployment reports the same figures for them; latencies are this process's own.
 */
@Injectable()
export class OpsMetrics implements OnModuleDestroy {
  readonly registry = new Registry();
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly lateness: Histogram<'queue'>;
  private readonly stopTransactions: () => void;
  private readonly onLateness = (queue: string, ms: number) => this.lateness.observe({ queue }, Math.max(0, ms) / 1000);

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly dataSource: DataSource,
    tx: TransactionRunner,
    @Optional() @Inject(LOGGER) private readonly logger?: Logger,
  ) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ service: 'lianfang' });
    this.http = new Histogram({
      name: 'lianfang_http_request_duration_seconds',
      help: 'HTTP request latency by route template (unmatched paths as "unmatched", console files as "console")',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.lateness = new Histogram({
      name: 'lianfang_timer_lateness_seconds',
      help: 'How late a delayed job (a deadline reminder, due time or escalation step) started after it was due',
      labelNames: ['queue'],
      buckets: LATENESS_BUCKETS,
      registers,
    });
    workerTimings.on('lateness', this.onLateness);
    const transactions = new Histogram({
      name: 'lianfang_db_transaction_duration_seconds',
      help: 'Database transaction attempts, BEGIN to COMMIT or ROLLBACK (not the wait for the SQLite write queue)',
      labelNames: ['outcome'],
      buckets: TRANSACTION_BUCKETS,
      registers,
    });
    this.stopTransactions = tx.observe((ms, committed) =>
      transactions.observe({ outcome: committed ? 'committed' : 'rolled-back' }, ms / 1000),
    );
    const stats = (name: string, help: string, pick: (s: ReturnType<TransactionRunner['stats']>) => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(pick(tx.stats()));
        },
      });
    stats('lianfang_db_transactions_committed_total', 'Transactions committed by this process', (s) => s.committed);
    stats(
      'lianfang_db_transaction_retries_total',
      'Postgres transactions run again (deadlock, serialization)',
      (s) => s.retried,
    );
    stats('lianfang_db_transactions_exhausted_total', 'Transactions that failed on every attempt', (s) => s.exhausted);

    // The collectors' own `this` is their metric: they reach the service through these.
    const queueOf = (name: string) => this.queue(name);
    const manager = () => this.dataSource.manager;
    const log = this.logger;
    new Gauge({
      name: 'lianfang_queue_jobs',
      help: 'Jobs per BullMQ queue and state (failed: the dead letters kept for 30 days)',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const name of QUEUE_NAMES) {
          const queue = queueOf(name);
          if (!queue) continue;
          try {
            const counts = await queue.getJobCounts(...JOB_STATES);
            for (const state of JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
          } catch (err) {
            // Redis down: the queue's series are absent from this scrape rather than wrong.
            log?.debug({ err, queue: name }, 'queue counts unavailable');
          }
        }
      },
    });
    const backlog = { rows: 0, oldestAgeSeconds: 0 };
    new Gauge({
      name: 'lianfang_outbox_backlog',
      help: 'Outbox rows written but not yet handed to their queue',
      registers,
      async collect() {
        Object.assign(backlog, await outboxBacklog(manager()));
        this.set(backlog.rows);
      },
    });
    new Gauge({
      name: 'lianfang_outbox_oldest_age_seconds',
      help: 'Age of the oldest outbox row not yet handed to its queue (0 when none)',
      registers,
      collect() {
        // Read by the backlog gauge just before (prom-client collects in registration order).
        this.set(backlog.oldestAgeSeconds);
      },
    });
    new Gauge({
      name: 'lianfang_notification_deliveries',
      help: 'Notification deliveries by status',
      labelNames: ['status'],
      registers,
      async collect() {
        const counts = await deliveryStatusCounts(manager());
        for (const status of NOTIFICATION_STATUSES) this.set({ status }, counts.get(status) ?? 0);
      },
    });
  }

  onModuleDestroy(): void {
    workerTimings.off('lateness', this.onLateness);
    this.stopTransactions();
  }

  private queue(name: string): Queue | null {
    try {
      return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
    } catch {
      return null;
    }
  }

  /** Express middleware timing every request; the route is known once the router has matched it. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      const started = performance.now();
      res.once('finish', () => {
        const template = (req.route as { path?: unknown } | undefined)?.path;
        const route =
          typeof template === 'string'
            ? template
            : req.path.startsWith('/api') || req.path.startsWith('/taxii2')
              ? 'unmatched'
              : 'console';
        this.http.observe(
          { method: req.method, route, status: String(res.statusCode) },
          (performance.now() - started) / 1000,
        );
      });
      next();
    };
  }
}
