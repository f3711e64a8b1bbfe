import { getQueueToken } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { nowIso } from '../common';
import { TransactionRunner, chunks, placeholders, sql } from '../database';
import { LOGGER } from '../logging';
import { QUEUE_NAMES, type QueueName } from '../queues';
import { OutboxRow } from './outbox-row.entity';
import { OutboxService } from './outbox.service';

const BATCH = 200;
/** Rows marked sent per statement. */
const MARK_CHUNK = 50;
const POLL_MS = 250;
const RETRY_MS = 1000;
/** BullMQ waits for a connection before sending; while Redis is down that wait has no end. */
const SEND_TIMEOUT_MS = 3000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} timed out after ${ms} ms (is Redis reachable?)`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Moves committed outbox rows into BullMQ, strictly in insertion order, and marks them sent. Runs
 * in worker processes; woken in-process after commits and polling for rows written by other
 * processes. When Redis is down the first failing row stops the batch (nothing is skipped), and the
 * relay retries until Redis is back. Re-adding a row after a crash is harmless: the row id is the
 * job id, and BullMQ ignores an id it already holds.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly queues = new Map<QueueName, Queue>();
  private running = false;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  /** Resolves when the current drain finishes (for shutdown and tests). */
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly outbox: OutboxService,
    private readonly moduleRef: ModuleRef,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    for (const name of QUEUE_NAMES) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      // Without a listener ioredis prints every reconnect failure; the relay reports outages itself.
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    this.unsubscribe = this.outbox.onCommit(() => this.wake());
    this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    // A drain stuck on an unreachable Redis must not hold shutdown: its rows stay unsent and the
    // next start sends them.
    await withTimeout(this.current, SEND_TIMEOUT_MS + 1000, 'outbox drain at shutdown').catch(() => undefined);
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.running = true;
    this.current = this.drain().finally(() => {
      this.running = false;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  /** Runs a pass now (after the one under way, if any) and resolves once no pass is running (tests). */
  async pass(): Promise<void> {
    this.wake();
    while (this.running) await this.current;
  }

  /** How many rows are unsent (flush waits for none; tests read it). */
  async backlog(): Promise<number> {
    return this.dataSource.getRepository(OutboxRow).createQueryBuilder('o').where('o.sent_at IS NULL').getCount();
  }

  /** Waits until every row committed so far is in Redis (tests and graceful shutdown). */
  async flush(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while ((await this.backlog()) > 0) {
      if (Date.now() > until) throw new Error('outbox did not drain in time');
      this.wake();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async drain(): Promise<void> {
    let delay = POLL_MS;
    try {
      for (;;) {
        const rows = await this.unsent();
        if (rows.length === 0) break;
        const sent: number[] = [];
        let failure: { row: OutboxRow; error: string } | undefined;
        // Consecutive rows for the same queue go to Redis in one round trip; order is kept
        // because groups are sent one after another and a failed group stops the batch.
        for (const group of consecutiveGroups(rows)) {
          if (this.stopped) break;
          try {
            await this.send(group);
            sent.push(...group.map((r) => r.seq));
          } catch (err) {
            failure = { row: group[0], error: err instanceof Error ? err.message : String(err) };
            break;
          }
        }
        if (sent.length) await this.markSent(sent);
        if (failure) {
          await this.markFailed(failure.row, failure.error);
          this.logger.warn(
            { outbox: failure.row.id, error: failure.error },
            'outbox relay: enqueue failed; will retry',
          );
          delay = RETRY_MS;
          break;
        }
        if (rows.length < BATCH || this.stopped) break;
      }
    } catch (err) {
      this.logger.error({ err }, 'outbox relay failed');
      delay = RETRY_MS;
    }
    if (!this.stopped) this.timer = setTimeout(() => this.wake(), delay);
  }

  private async send(group: OutboxRow[]): Promise<void> {
    const queue = this.queues.get(group[0].queue as QueueName);
    if (!queue) throw new Error(`unknown queue ${group[0].queue}`);
    if (group[0].kind === 'cancel') {
      for (const row of group) {
        const payload = JSON.parse(row.payload) as { jobIds?: string[] };
        for (const id of payload.jobIds ?? []) await withTimeout(queue.remove(id), SEND_TIMEOUT_MS, 'remove job');
      }
      return;
    }
    const now = Date.now();
    const jobs = group.map((row) => {
      // Assigned, not spread: spreading a freshly parsed object costs several times as much.
      const data = JSON.parse(row.payload) as Record<string, unknown>;
      data.outboxId = row.id;
      return {
        name: row.kind,
        data,
        opts: { jobId: row.id, delay: row.dueAt ? Math.max(0, new Date(row.dueAt).getTime() - now) : undefined },
      };
    });
    await withTimeout(queue.addBulk(jobs), SEND_TIMEOUT_MS, 'enqueue');
  }

  /** The oldest unsent rows (raw SQL: the relay runs once per committed batch of side effects). */
  private async unsent(): Promise<OutboxRow[]> {
    const rows = await sql<{
      seq: number | string;
      id: string;
      queue: string;
      kind: string;
      payload: string;
      due_at: string | null;
    }>(
      this.dataSource.manager,
      'SELECT seq, id, queue, kind, payload, due_at FROM outbox WHERE sent_at IS NULL ORDER BY seq LIMIT ?',
      [BATCH],
    );
    return rows.map((r) =>
      Object.assign(new OutboxRow(), {
        seq: Number(r.seq),
        id: r.id,
        queue: r.queue,
        kind: r.kind,
        payload: r.payload,
        dueAt: r.due_at,
      }),
    );
  }

  private async markSent(seqs: number[]): Promise<void> {
    const at = nowIso();
    await this.tx.run(async (em) => {
      for (const ids of idLists(seqs)) {
        await sql(em, `UPDATE outbox SET sent_at = ? WHERE seq IN (${placeholders(ids.length)})`, [at, ...ids]);
      }
    });
  }

  private async markFailed(row: OutboxRow, error: string): Promise<void> {
    await this.tx.run((em) =>
      em
        .createQueryBuilder()
        .update(OutboxRow)
        .set({ attempts: () => 'attempts + 1', lastError: error.slice(0, 1000) })
        .where('seq = :seq', { seq: row.seq })
        .execute(),
    );
  }
}

/**
 * `seqs` as `IN (…)` lists of at most MARK_CHUNK ids, each 1–8 or exactly MARK_CHUNK long (short
 * lists padded by repeating an id), so a handful of prepared statements serve every batch.
 */
export function idLists(seqs: number[], chunkSize = MARK_CHUNK): number[][] {
  return chunks(seqs, chunkSize).map((chunk) => {
    const size = chunk.length <= 8 ? chunk.length : chunkSize;
    return [...chunk, ...Array<number>(size - chunk.length).fill(chunk[0])];
  });
}

/** Splits rows into runs of the same queue and the same sort (cancel rows apart from job rows). */
function consecutiveGroups(rows: OutboxRow[]): OutboxRow[][] {
  const groups: OutboxRow[][] = [];
  for (const row of rows) {
    const last = groups[groups.length - 1];
    const kindOf = (r: OutboxRow) => (r.kind === 'cancel' ? 'cancel' : 'job');
    if (last && last[0].queue === row.queue && kindOf(last[0]) === kindOf(row)) last.push(row);
    else groups.push([row]);
  }
  return groups;
}
