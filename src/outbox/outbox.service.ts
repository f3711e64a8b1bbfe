import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { chunks, sql, TransactionRunner } from '../database';
import { nowIso } from '../common';
import type { QueueName } from '../queues';

export interface OutboxItem {
  /** Deterministic job id: the same side effect decided twice is one row and one job. */
  id: string;
  queue: QueueName;
  /** BullMQ job name, or `cancel` to remove the jobs listed in payload.jobIds. */
  kind: string;
  payload: Record<string, unknown>;
  /** For delayed jobs: when the job should run. */
  dueAt?: Date | string;
}

type WakeListener = () => void;

/**
 * Replaces the items of one queue and kind inside the writing transaction (so it sees exactly what
 * that transaction sees): by nothing when nobody will consume them, or by the items they resolve
 * into. Registered by the domain that owns the queue and kind.
 */
export type OutboxTransform = (em: EntityManager, items: OutboxItem[]) => Promise<OutboxItem[]>;

/** 6 parameters a row: 500 rows stay far below SQLite's limit of 32,766 bound parameters. */
const INSERT_CHUNK = 500;

/**
 * Writes side effects as outbox rows inside the caller's transaction; the relay moves them into
 * BullMQ only after commit. A transaction that wrote rows wakes an in-process relay as it commits
 * (TransactionRunner.afterCommit), so the relay starts at once instead of at its next poll, and a
 * transaction that wrote none (most workflow events nobody subscribes to) costs the relay nothing.
 */
@Injectable()
export class OutboxService {
  private readonly listeners = new Set<WakeListener>();
  private readonly transforms = new Map<string, OutboxTransform>();

  constructor(private readonly tx: TransactionRunner) {}

  /** One transform per queue and kind, e.g. the notifications module for `notifications`/`fanout`. */
  registerTransform(queue: QueueName, kind: string, transform: OutboxTransform): void {
    this.transforms.set(`${queue}/${kind}`, transform);
  }

  async add(em: EntityManager, items: OutboxItem[]): Promise<void> {
    items = await this.applyTransforms(em, items);
    if (items.length === 0) return;
    const createdAt = nowIso();
    // Raw multi-row INSERT (this runs in nearly every write transaction); ON CONFLICT makes the
    // same side effect decided twice one row. Chunked: SQLite caps bound parameters per statement.
    for (const chunk of chunks(items, INSERT_CHUNK)) {
      const params: unknown[] = [];
      for (const i of chunk) {
        params.push(
          i.id,
          i.queue,
          i.kind,
          JSON.stringify(i.payload),
          i.dueAt ? new Date(i.dueAt).toISOString() : null,
          createdAt,
        );
      }
      await sql(
        em,
        `INSERT INTO outbox (id, queue, kind, payload, due_at, ` +
          `created_at, attempts) VALUES ` +
          `${chunk.map(() => '(?, ?, ?, ?, ?, ?, 0)').join(', ')} ON ` +
          `CONFLICT (id) DO NOTHING`,
        params,
      );
    }
    // Outside a runner transaction (a test's own) there is no commit to wait for: the poll sends it.
    this.tx.afterCommit(em, this.wake);
  }

  /** Each transformed group's results take the place of the group's first item, so order holds. */
  private async applyTransforms(em: EntityManager, items: OutboxItem[]): Promise<OutboxItem[]> {
    if (this.transforms.size === 0 || items.length === 0) return items;
    const key = (i: OutboxItem) => `${i.queue}/${i.kind}`;
    const groups = new Map<string, OutboxItem[]>();
    for (const i of items) {
      if (!this.transforms.has(key(i))) continue;
      const group = groups.get(key(i));
      if (group) group.push(i);
      else groups.set(key(i), [i]);
    }
    if (groups.size === 0) return items;
    const results = new Map<string, OutboxItem[]>();
    for (const [k, group] of groups) results.set(k, await this.transforms.get(k)!(em, group));
    const out: OutboxItem[] = [];
    for (const i of items) {
      const k = key(i);
      const result = results.get(k);
      if (!result) out.push(i);
      else if (groups.get(k)![0] === i) out.push(...result);
    }
    return out;
  }

  /** One function for every add(), so a transaction that adds several times wakes the relay once. */
  private readonly wake = (): void => {
    for (const l of this.listeners) l();
  };

  onCommit(listener: WakeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
