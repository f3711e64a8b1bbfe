import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { nowIso } from '../common/time';
import type { QueueName } from '../queues/queue-names';
import { OutboxRow } from './outbox-row.entity';

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
 * Writes side effects as outbox rows inside the caller's transaction; the relay moves them into
 * BullMQ only after commit. Call `committed()` after the transaction so an in-process relay starts
 * at once instead of at its next poll.
 */
@Injectable()
export class OutboxService {
  private readonly listeners = new Set<WakeListener>();

  async add(em: EntityManager, items: OutboxItem[]): Promise<void> {
    if (items.length === 0) return;
    const createdAt = nowIso();
    await em
      .createQueryBuilder()
      .insert()
      .into(OutboxRow)
      .values(
        items.map((i) => ({
          id: i.id, queue: i.queue, kind: i.kind, payload: JSON.stringify(i.payload),
          dueAt: i.dueAt ? new Date(i.dueAt).toISOString() : null, createdAt, sentAt: null, attempts: 0, lastError: null,
        })),
      )
      .orIgnore()
      .execute();
  }

  committed(): void {
    for (const l of this.listeners) l();
  }

  onCommit(listener: WakeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
