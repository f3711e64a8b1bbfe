import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type FeedAuth = 'none' | 'bearer' | 'basic';
export type PollStatus = 'never' | 'ok' | 'error';

/**
 * A subscription to an external TAXII 2.1 collection (a national or sector CERT feed), polled by a
 * BullMQ job scheduler. The credential (a bearer token or a basic-auth password) is sealed like
 * channel secrets (SECRETS_KEY, bound to the row) and never returned.
 */
@Entity('taxii_subscription')
@Index(['orgId'])
export class TaxiiSubscription {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** The API root, ending in `/`. */
  @Column({ name: 'api_root_url', type: 'varchar', length: 2048 })
  apiRootUrl!: string;

  @Column({ name: 'collection_id', type: 'varchar', length: 100 })
  collectionId!: string;

  @Column({ type: 'varchar', length: 8 })
  auth!: FeedAuth;

  @Column({ type: 'varchar', length: 200, nullable: true })
  username!: string | null;

  /** Sealed credential (SecretBox), or null. */
  @Column({ type: 'text', nullable: true })
  secret!: string | null;

  /** ISO 8601 duration between polls. */
  @Column({ name: 'poll_every', type: 'varchar', length: 40 })
  pollEvery!: string;

  @Column({ name: 'timeout_ms', type: 'integer' })
  timeoutMs!: number;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  /** The last X-TAXII-Date-Added-Last seen: the next poll's added_after. */
  @Column({ name: 'added_after', type: 'varchar', length: 40, nullable: true })
  addedAfter!: string | null;

  @Column({ name: 'last_polled_at', type: 'varchar', length: 32, nullable: true })
  lastPolledAt!: string | null;

  @Column({ name: 'last_status', type: 'varchar', length: 8 })
  lastStatus!: PollStatus;

  /** What went wrong, in words (no credential ever appears in it). */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** Objects received, indicators added and indicators skipped by the last poll. */
  @Column({ name: 'last_received', type: 'integer', default: 0 })
  lastReceived!: number;

  @Column({ name: 'last_added', type: 'integer', default: 0 })
  lastAdded!: number;

  @Column({ name: 'last_skipped', type: 'integer', default: 0 })
  lastSkipped!: number;

  @Column({ name: 'created_by', type: 'varchar', length: 36 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}

/** An indicator a subscription received, offered to the organisation for its warnings. */
@Entity('taxii_feed_indicator')
@Index(['subscriptionId', 'type', 'value'], { unique: true })
export class TaxiiFeedIndicator {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'subscription_id', type: 'varchar', length: 36 })
  subscriptionId!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ type: 'varchar', length: 20 })
  type!: string;

  @Column({ type: 'varchar', length: 2048 })
  value!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ name: 'stix_id', type: 'varchar', length: 300 })
  stixId!: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  tlp!: string | null;

  @Column({ name: 'received_at', type: 'varchar', length: 32 })
  receivedAt!: string;
}
