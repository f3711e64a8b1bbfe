import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { badField } from '../common/bad-field';
import { SecretBox } from '../common/crypto/secret-box';
import { nowIso } from '../common/time';
import { TransactionRunner } from '../database/transaction-runner';
import { Incident } from '../incidents/incident.entity';
import { channelFor, ChannelConfigError, type ChannelKind, type RenderedMessage } from './channels';
import { urlSecrets } from './channels/http';
import { NotificationDelivery } from './notification-delivery.entity';
import { NOTIFICATION_SECRETS } from './notification-secrets';
import { NotificationSubscription } from './notification-subscription.entity';
import type { CreateSubscriptionDto, DeliveryView, SubscriptionView, TestResultView, UpdateSubscriptionDto } from './subscription.dto';

/** Validates a channel config with the channel's own validator; a 400 names `config.<field>`. */
export function validateChannelConfig(kind: ChannelKind, config: unknown): Record<string, unknown> {
  try {
    return channelFor(kind).validateConfig(config) as unknown as Record<string, unknown>;
  } catch (err) {
    if (err instanceof ChannelConfigError) {
      const field = err.field === '(config)' ? 'config' : `config.${err.field}`;
      throw badField(field, err.message);
    }
    throw err;
  }
}

/** Channels that cannot send at all without a secret, so a subscription without one is refused up front. */
function secretProblem(kind: ChannelKind, config: Record<string, unknown>, hasSecret: boolean): string | undefined {
  if (hasSecret) return undefined;
  if (kind === 'webhook') return 'a webhook subscription needs a signing secret (receivers verify X-Lianfang-Signature with it)';
  if (kind === 'email' && config.auth) return 'an email subscription with auth.user needs the SMTP password as its secret';
  if (kind === 'wecom' && !new URL(String(config.url)).searchParams.get('key')) return 'a WeCom subscription needs the robot key, in the URL or as its secret';
  return undefined;
}

/**
 * Tokens that grant posting rights can sit in a robot URL (DingTalk access_token, WeCom key,
 * Feishu hook path). They are needed to send, so they are stored, but never shown or audited.
 */
export function redactConfig(config: Record<string, unknown>): Record<string, unknown> {
  if (typeof config.url !== 'string') return { ...config };
  let shown = config.url;
  try {
    const url = new URL(config.url);
    for (const s of urlSecrets(url)) shown = shown.split(encodeURIComponent(s)).join('***').split(s).join('***');
    shown = shown.replace(/\/hook\/[^/?#]+/, '/hook/***');
  } catch {
    // Stored configs were validated as URLs; an unparsable one is shown as it is.
  }
  return { ...config, url: shown };
}

export function subscriptionView(s: NotificationSubscription): SubscriptionView {
  return {
    id: s.id, orgId: s.orgId, name: s.name, channel: s.channel, config: redactConfig(JSON.parse(s.config) as Record<string, unknown>),
    hasSecret: s.secret !== null, events: s.events, grades: s.grades, drill: s.drill, roles: s.roles, locale: s.locale,
    enabled: s.enabled, createdAt: s.createdAt, updatedAt: s.updatedAt,
  };
}

/** What the audit entry records about a subscription: everything but the secret and URL tokens. */
function auditShape(s: NotificationSubscription): Record<string, unknown> {
  const v = subscriptionView(s);
  return { subscriptionId: v.id, name: v.name, channel: v.channel, config: v.config, hasSecret: v.hasSecret, events: v.events, grades: v.grades, drill: v.drill, roles: v.roles, locale: v.locale, enabled: v.enabled };
}

@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    @Inject(NOTIFICATION_SECRETS) private readonly box: SecretBox,
  ) {}

  async create(p: Principal, dto: CreateSubscriptionDto): Promise<SubscriptionView> {
    const config = validateChannelConfig(dto.channel, dto.config);
    const secret = typeof dto.secret === 'string' ? dto.secret : undefined;
    const problem = secretProblem(dto.channel, config, secret !== undefined);
    if (problem) throw badField('secret', problem);
    const now = nowIso();
    const id = randomUUID();
    const sub: NotificationSubscription = Object.assign(new NotificationSubscription(), {
      id, orgId: p.orgId, name: dto.name, channel: dto.channel, config: JSON.stringify(config),
      secret: secret !== undefined ? this.box.seal(secret, id) : null, events: unique(dto.events), grades: unique(dto.grades ?? []),
      drill: dto.drill ?? 'include', roles: unique(dto.roles ?? []), locale: dto.locale ?? 'zh-CN', enabled: dto.enabled ?? true,
      createdBy: p.userId, createdAt: now, updatedAt: now,
    });
    await this.tx.run(async (em) => {
      await em.getRepository(NotificationSubscription).insert(sub);
      await this.audit.append(em, { actor: p, action: 'notification-subscription.created', payload: auditShape(sub) });
    });
    return subscriptionView(sub);
  }

  async list(p: Principal): Promise<SubscriptionView[]> {
    const rows = await this.dataSource.getRepository(NotificationSubscription).find({ where: { orgId: p.orgId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(subscriptionView);
  }

  async get(p: Principal, id: string): Promise<SubscriptionView> {
    return subscriptionView(await this.find(this.dataSource.manager, p, id));
  }

  async update(p: Principal, id: string, dto: UpdateSubscriptionDto): Promise<SubscriptionView> {
    return this.tx.run(async (em) => {
      const sub = await this.find(em, p, id);
      const changed: string[] = [];
      if (dto.config !== undefined) {
        sub.config = JSON.stringify(validateChannelConfig(sub.channel, dto.config));
        changed.push('config');
      }
      if (dto.secret !== undefined) {
        sub.secret = dto.secret === null ? null : this.box.seal(dto.secret, sub.id);
        changed.push('secret');
      }
      for (const key of ['name', 'drill', 'locale', 'enabled'] as const) {
        if (dto[key] !== undefined) {
          (sub as unknown as Record<string, unknown>)[key] = dto[key];
          changed.push(key);
        }
      }
      for (const key of ['events', 'grades', 'roles'] as const) {
        if (dto[key] !== undefined) {
          (sub as unknown as Record<string, unknown>)[key] = unique(dto[key] as string[]);
          changed.push(key);
        }
      }
      const problem = secretProblem(sub.channel, JSON.parse(sub.config) as Record<string, unknown>, sub.secret !== null);
      if (problem) throw badField('secret', problem);
      sub.updatedAt = nowIso();
      await em.getRepository(NotificationSubscription).save(sub);
      await this.audit.append(em, { actor: p, action: 'notification-subscription.updated', payload: { ...auditShape(sub), changed } });
      return subscriptionView(sub);
    });
  }

  async remove(p: Principal, id: string): Promise<void> {
    await this.tx.run(async (em) => {
      const sub = await this.find(em, p, id);
      await em.getRepository(NotificationSubscription).delete({ id: sub.id });
      await this.audit.append(em, { actor: p, action: 'notification-subscription.deleted', payload: auditShape(sub) });
    });
  }

  /** Sends a test message now and reports what the receiver said; nothing is retried or logged as a delivery. */
  async test(p: Principal, id: string): Promise<TestResultView> {
    const sub = await this.find(this.dataSource.manager, p, id);
    const channel = channelFor(sub.channel);
    const deliveryId = `test.${randomUUID()}`;
    const zh = sub.locale === 'zh-CN';
    const message: RenderedMessage = {
      title: zh ? `测试消息：${sub.name}` : `Test message: ${sub.name}`,
      text: zh ? `这是来自联防的测试消息，订阅 **${sub.name}** 配置正确。` : `This is a test message from lianfang: subscription **${sub.name}** works.`,
      locale: sub.locale, drill: false, event: 'test',
    };
    let result;
    try {
      const secret = sub.secret === null ? undefined : this.box.open(sub.secret, sub.id);
      result = await channel.send(channel.validateConfig(JSON.parse(sub.config)) as never, message, secret, { deliveryId, event: 'test', data: { subscriptionId: sub.id } });
    } catch (err) {
      result = { ok: false, error: err instanceof Error ? err.message : String(err), retryable: false };
    }
    const view: TestResultView = { ok: result.ok, retryable: result.retryable, deliveryId, ...(result.status !== undefined ? { status: result.status } : {}), ...(result.error ? { error: result.error } : {}), ...(result.response ? { response: result.response } : {}) };
    await this.tx.run((em) => this.audit.append(em, { actor: p, action: 'notification-subscription.tested', payload: { subscriptionId: sub.id, name: sub.name, channel: sub.channel, ok: view.ok, status: view.status ?? null, error: view.error ?? null } }));
    return view;
  }

  /** The delivery log of one incident of the caller's organisation, oldest first. */
  async incidentDeliveries(p: Principal, incidentId: string): Promise<DeliveryView[]> {
    const incident = await this.dataSource.getRepository(Incident).findOneBy({ id: incidentId, orgId: p.orgId });
    if (!incident) throw new NotFoundException('Incident not found');
    const rows = await this.dataSource.getRepository(NotificationDelivery).find({ where: { incidentId, orgId: p.orgId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((r) => ({
      id: r.id, event: r.event, template: r.template, subscriptionId: r.subscriptionId, subscriptionName: r.subscriptionName, channel: r.channel,
      status: r.status, attempts: r.attempts, lastStatus: r.lastStatus, lastError: r.lastError, deliveredAt: r.deliveredAt, reportId: r.reportId,
      title: (JSON.parse(r.message) as { message: RenderedMessage }).message.title, createdAt: r.createdAt, updatedAt: r.updatedAt,
    }));
  }

  private async find(em: EntityManager, p: Principal, id: string): Promise<NotificationSubscription> {
    // Another organisation's subscription is "not found", so existence does not leak.
    const sub = await em.getRepository(NotificationSubscription).findOneBy({ id, orgId: p.orgId });
    if (!sub) throw new NotFoundException('Subscription not found');
    return sub;
  }
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
