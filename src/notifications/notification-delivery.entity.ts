import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ChannelKind } from './channels/types';

export const DELIVERY_STATUSES = ['queued', 'delivered', 'failed', 'dead'] as const;
/**
 * queued: waiting for (another) attempt; delivered: a receiver accepted it; failed: a failure no
 * retry can fix (bad config, 4xx, rejected recipients); dead: every attempt failed (dead letter).
 */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One message to one subscription, decided by one fan-out. Subscription name and channel are
 * copied in so the log still reads right after the subscription is renamed or deleted.
 */
@Entity('notification_delivery')
@Index(['fanoutId', 'subscriptionId'], { unique: true })
@Index(['incidentId', 'createdAt'])
@Index(['orgId', 'createdAt'])
export class NotificationDelivery {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ name: 'subscription_id', type: 'varchar', length: 36 })
  subscriptionId!: string;

  @Column({ name: 'subscription_name', type: 'varchar', length: 200 })
  subscriptionName!: string;

  @Column({ type: 'varchar', length: 20 })
  channel!: ChannelKind;

  @Column({ name: 'incident_id', type: 'varchar', length: 36, nullable: true })
  incidentId!: string | null;

  @Column({ name: 'warning_id', type: 'varchar', length: 36, nullable: true })
  warningId!: string | null;

  @Column({ name: 'report_id', type: 'varchar', length: 80, nullable: true })
  reportId!: string | null;

  /** The event as the fan-out named it (e.g. report.initial-submitted). */
  @Column({ type: 'varchar', length: 80 })
  event!: string;

  /** The template it was rendered with (e.g. report.submitted), or `generic`. */
  @Column({ type: 'varchar', length: 80 })
  template!: string;

  /** What is sent: { message: RenderedMessage, event, data } as JSON, rendered once at fan-out. */
  @Column({ type: 'text' })
  message!: string;

  @Column({ type: 'varchar', length: 12 })
  status!: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** HTTP status or SMTP reply code of the last attempt. */
  @Column({ name: 'last_status', type: 'integer', nullable: true })
  lastStatus!: number | null;

  @Column({ name: 'delivered_at', type: 'varchar', length: 32, nullable: true })
  deliveredAt!: string | null;

  /** The fan-out (its outbox item id) that decided this delivery: with subscription_id, the idempotency key. */
  @Column({ name: 'fanout_id', type: 'varchar', length: 120 })
  fanoutId!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}
