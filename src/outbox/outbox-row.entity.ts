import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A side effect decided inside a committed transaction (schedule a timer, send a notification,
 * deliver a report). The relay moves rows into BullMQ after commit, using `id` as the job id, so a
 * relay that runs twice enqueues once.
 */
@Entity('outbox')
@Index(['sentAt', 'seq'])
export class OutboxRow {
  /** Monotonic order of insertion; rows drain in this order. */
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq!: number;

  /** Deterministic job id, unique: the same side effect decided twice is one row. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 120 })
  id!: string;

  @Column({ type: 'varchar', length: 40 })
  queue!: string;

  @Column({ type: 'varchar', length: 60 })
  kind!: string;

  @Column({ type: 'text' })
  payload!: string;

  /** For delayed jobs: the absolute due time; the relay turns it into a delay when it enqueues. */
  @Column({ name: 'due_at', type: 'varchar', length: 32, nullable: true })
  dueAt!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'sent_at', type: 'varchar', length: 32, nullable: true })
  sentAt!: string | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}
