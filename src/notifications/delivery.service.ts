import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { LRUCache } from 'lru-cache';
import { DataSource } from 'typeorm';
import { SecretBox, nowIso, joinConfigSecrets, openConfigSecrets } from '../common';
import { TransactionRunner, bool, sql } from '../database';
import { EgressPolicy } from '../egress';
import { channelFor, type DeliveryResult, type RenderedMessage } from './channels';
import type { ChannelKind } from './channels/types';
import type { DeliveryStatus } from './notification-delivery.entity';
import { NOTIFICATION_SECRETS } from './notification-secrets';

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

/** A delivery row with the fields of its subscription that sending needs (one read). */
interface DeliveryRow {
  id: string;
  status: DeliveryStatus;
  message: string;
  sub_id: string | null;
  sub_channel: ChannelKind | null;
  sub_config: string | null;
  sub_config_sealed: string | null;
  sub_secret: string | null;
  sub_enabled: unknown;
}

/** A subscription's channel settings, validated and with the secret opened. */
interface OpenedChannel {
  config: unknown;
  secret: string | undefined;
}

interface PendingRecord {
  params: unknown[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Opened settings kept per subscription; far more than an organisation has, small in memory. */
const CHANNEL_CACHE_SIZE = 1000;

/**
 * One attempt of one delivery. The row is the truth: a delivery that is no longer `queued`
 * (delivered, failed, dead) is never sent again, whatever BullMQ does with the job. Every attempt
 * is recorded (attempts, last status, last error) in its own short transaction after the send;
 * the send itself is outside any transaction, since it can take seconds.
 */
@Injectable()
export class DeliveryService {
  /**
   * Validated config and opened secret per subscription, keyed by the stored config and sealed
   * secret themselves: an edited subscription has new stored values and misses the cache.
   */
  private readonly opened = new LRUCache<
    string,
    { config: string; configSealed: string | null; secret: string | null; value: OpenedChannel }
  >({ max: CHANNEL_CACHE_SIZE });
  private pendingRecords: PendingRecord[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    @Inject(NOTIFICATION_SECRETS) private readonly box: SecretBox,
    private readonly egress: EgressPolicy,
  ) {}

  /**
   * `lastAttempt`: no retry follows this one, so a retryable failure becomes `dead`.
   * Throws RetryableDeliveryError (retry) or UnrecoverableError (no retry) when the send failed.
   */
  async deliver(deliveryId: string, lastAttempt: boolean): Promise<DeliverOutcome> {
    const [row] = await sql<DeliveryRow>(
      this.dataSource.manager,
      'SELECT d.id, d.status, d.message, s.id AS sub_id, s.channel AS ' +
        'sub_channel, s.config AS sub_config, s.config_sealed AS ' +
        'sub_config_sealed, s.secret AS sub_secret, s.enabled AS sub_enabled ' +
        'FROM notification_delivery d LEFT JOIN notification_subscription s ON s.id = d.subscription_id WHERE d.id = ?',
      [deliveryId],
    );
    if (!row) return 'gone';
    if (row.status !== 'queued') return `already-${row.status}` as DeliverOutcome;
    let result: DeliveryResult;
    if (!row.sub_id) result = { ok: false, error: 'the subscription was deleted before delivery', retryable: false };
    else if (!bool(row.sub_enabled))
      result = { ok: false, error: 'the subscription was disabled before delivery', retryable: false };
    else result = await this.send(row);
    const status: DeliveryStatus = result.ok
      ? 'delivered'
      : !result.retryable
        ? 'failed'
        : lastAttempt
          ? 'dead'
          : 'queued';
    await this.record(row.id, status, result);
    if (result.ok) return 'delivered';
    const why = result.error ?? `status ${result.status ?? '?'}`;
    if (status === 'failed') throw new UnrecoverableError(why);
    throw new RetryableDeliveryError(why);
  }

  private async send(row: DeliveryRow): Promise<DeliveryResult> {
    const stored = JSON.parse(row.message) as StoredMessage;
    const channel = channelFor(row.sub_channel!);
    let opened: OpenedChannel;
    try {
      opened = this.open(row.sub_id!, channel, row.sub_config!, row.sub_config_sealed, row.sub_secret);
    } catch (err) {
      // A bad config or a secret sealed under another key will not get better by retrying.
      return { ok: false, error: err instanceof Error ? err.message : String(err), retryable: false };
    }
    return channel.send(opened.config as never, stored.message, opened.secret, {
      deliveryId: row.id,
      event: stored.event,
      data: stored.data,
      egress: this.egress,
    });
  }

  private open(
    subscriptionId: string,
    channel: ReturnType<typeof channelFor>,
    config: string,
    configSealed: string | null,
    secret: string | null,
  ): OpenedChannel {
    const hit = this.opened.get(subscriptionId);
    if (hit && hit.config === config && hit.configSealed === configSealed && hit.secret === secret) return hit.value;
    // Validated again: a config stored by an older version may no longer be acceptable.
    const value: OpenedChannel = {
      config: channel.validateConfig(
        joinConfigSecrets(
          JSON.parse(config) as Record<string, unknown>,
          openConfigSecrets(this.box, subscriptionId, configSealed),
        ),
      ),
      secret: secret === null ? undefined : this.box.open(secret, subscriptionId),
    };
    this.opened.set(subscriptionId, { config, configSealed, secret, value });
    return value;
  }

  /**
   * Records an attempt; resolves once it is committed, so the job completes only after its outcome
   * is durable. Attempts that finish while a recording transaction is queued or running share the
   * next one (group commit): one BEGIN/COMMIT for many deliveries instead of one each.
   */
  private record(id: string, status: DeliveryStatus, result: DeliveryResult): Promise<void> {
    const now = nowIso();
    const params = [
      status,
      result.status ?? null,
      result.ok ? null : (result.error ?? 'failed').slice(0, 2000),
      result.ok ? now : null,
      now,
      id,
      'queued',
    ];
    return new Promise<void>((resolve, reject) => {
      this.pendingRecords.push({ params, resolve, reject });
      // From the next turn of the event loop: answers that arrived together are recorded together.
      if (this.pendingRecords.length === 1) setImmediate(() => this.flushRecords());
    });
  }

  private flushRecords(): void {
    // Taken when the transaction starts, so everything recorded until then joins it.
    let batch: PendingRecord[] | undefined;
    this.tx
      .run(async (em) => {
        batch = this.pendingRecords;
        this.pendingRecords = [];
        for (const r of batch) {
          // Only a queued row moves: a concurrent duplicate run cannot overwrite a final status.
          await sql(
            em,
            'UPDATE notification_delivery SET status = ?, attempts = attempts + 1, ' +
              'last_status = ?, last_error = ?, delivered_at = COALESCE(?, ' +
              'delivered_at), updated_at = ? WHERE id = ? AND status = ?',
            r.params,
          );
        }
      })
      .then(
        () => batch!.forEach((r) => r.resolve()),
        // When the transaction failed before the work ran, what was waiting for it fails with it
        // (the jobs retry); otherwise it would wait for a flush that is never scheduled.
        (err: unknown) => (batch ?? this.pendingRecords.splice(0)).forEach((r) => r.reject(err)),
      );
  }
}
