import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource } from 'typeorm';
import { SecretBox } from '../common/crypto/secret-box';
import { nowIso } from '../common/time';
import { TransactionRunner } from '../database/transaction-runner';
import { channelFor, type DeliveryResult, type RenderedMessage } from './channels';
import { NotificationDelivery, type DeliveryStatus } from './notification-delivery.entity';
import { NOTIFICATION_SECRETS } from './notification-secrets';
import { NotificationSubscription } from './notification-subscription.entity';

export interface StoredMessage {
  message: RenderedMessage;
  event: string;
  data: Record<string, unknown>;
}

export type DeliverOutcome = 'delivered' | 'already-delivered' | 'already-failed' | 'already-dead' | 'gone' | 'failed';

/** A retryable failure: thrown so BullMQ schedules the next attempt (or, after the last, fails the job). */
export class RetryableDeliveryError extends Error {
  override name = 'RetryableDeliveryError';
}

/**
 * One attempt of one delivery. The row is the truth: a delivery that is no longer `queued`
 * (delivered, failed, dead) is never sent again, whatever BullMQ does with the job. Every attempt
 * is recorded (attempts, last status, last error) in its own short transaction after the send;
 * the send itself is outside any transaction, since it can take seconds.
 */
@Injectable()
export class DeliveryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    @Inject(NOTIFICATION_SECRETS) private readonly box: SecretBox,
  ) {}

  /**
   * `lastAttempt`: no retry follows this one, so a retryable failure becomes `dead`.
   * Throws RetryableDeliveryError (retry) or UnrecoverableError (no retry) when the send failed.
   */
  async deliver(deliveryId: string, lastAttempt: boolean): Promise<DeliverOutcome> {
    const row = await this.dataSource.getRepository(NotificationDelivery).findOneBy({ id: deliveryId });
    if (!row) return 'gone';
    if (row.status !== 'queued') return `already-${row.status}` as DeliverOutcome;
    const sub = await this.dataSource.getRepository(NotificationSubscription).findOneBy({ id: row.subscriptionId });
    let result: DeliveryResult;
    if (!sub) result = { ok: false, error: 'the subscription was deleted before delivery', retryable: false };
    else if (!sub.enabled) result = { ok: false, error: 'the subscription was disabled before delivery', retryable: false };
    else result = await this.send(row, sub);
    const status: DeliveryStatus = result.ok ? 'delivered' : !result.retryable ? 'failed' : lastAttempt ? 'dead' : 'queued';
    await this.record(row.id, status, result);
    if (result.ok) return 'delivered';
    const why = result.error ?? `status ${result.status ?? '?'}`;
    if (status === 'failed') throw new UnrecoverableError(why);
    throw new RetryableDeliveryError(why);
  }

  private async send(row: NotificationDelivery, sub: NotificationSubscription): Promise<DeliveryResult> {
    const stored = JSON.parse(row.message) as StoredMessage;
    const channel = channelFor(sub.channel);
    let config: unknown;
    let secret: string | undefined;
    try {
      // Validated again: a config stored by an older version may no longer be acceptable.
      config = channel.validateConfig(JSON.parse(sub.config));
      secret = sub.secret === null ? undefined : this.box.open(sub.secret, sub.id);
    } catch (err) {
      // A bad config or a secret sealed under another key will not get better by retrying.
      return { ok: false, error: err instanceof Error ? err.message : String(err), retryable: false };
    }
    return channel.send(config as never, stored.message, secret, { deliveryId: row.id, event: stored.event, data: stored.data });
  }

  private async record(id: string, status: DeliveryStatus, result: DeliveryResult): Promise<void> {
    const now = nowIso();
    await this.tx.run((em) =>
      em
        .createQueryBuilder()
        .update(NotificationDelivery)
        .set({
          status,
          attempts: () => 'attempts + 1',
          lastStatus: result.status ?? null,
          lastError: result.ok ? null : (result.error ?? 'failed').slice(0, 2000),
          ...(result.ok ? { deliveredAt: now } : {}),
          updatedAt: now,
        })
        // Only a queued row moves: a concurrent duplicate run cannot overwrite a final status.
        .where('id = :id AND status = :queued', { id, queued: 'queued' })
        .execute(),
    );
  }
}
