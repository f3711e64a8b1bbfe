import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Grade } from '../common';
import type { ChannelKind, Locale } from './channels/types';

export const DRILL_FILTERS = ['include', 'exclude', 'only'] as const;
export type DrillFilter = (typeof DRILL_FILTERS)[number];

/**
 * Who in an organisation wants to hear about which events, over which channel. The channel config
 * is stored in the clear (URLs, hosts, addresses) except what grants access (robot tokens in URLs,
 * custom header values), which is sealed apart; the one secret (signing key, SMTP password, robot
 * key) is sealed too. Both are bound to this row's id, so a sealed value copied into another
 * subscription does not open.
 */
@Entity('notification_subscription')
@Index(['orgId', 'createdAt'])
export class NotificationSubscription {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 20 })
  channel!: ChannelKind;

  /** The channel config as its validateConfig normalised it (JSON), access tokens and header values shown as `***`. */
  @Column({ type: 'text' })
  config!: string;

  /** SecretBox-sealed parts of the config (URL with its token, header values; AAD = `<id>#config`), or null. */
  @Column({ name: 'config_sealed', type: 'text', nullable: true })
  configSealed!: string | null;

  /** SecretBox-sealed secret (AAD = subscription id), or null. Never leaves the service. */
  @Column({ type: 'text', nullable: true })
  secret!: string | null;

  @Column({ type: 'simple-json' })
  events!: string[];

  /** Empty = every grade. */
  @Column({ type: 'simple-json' })
  grades!: Grade[];

  @Column({ type: 'varchar', length: 10 })
  drill!: DrillFilter;

  /** Escalation steps this subscription serves (commander, leader, admin); empty = all. */
  @Column({ type: 'simple-json' })
  roles!: string[];

  @Column({ type: 'varchar', length: 8 })
  locale!: Locale;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'created_by', type: 'varchar', length: 36 })
  createdBy!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}
