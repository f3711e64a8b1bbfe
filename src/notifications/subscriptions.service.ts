import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Incidents } from '../incidents';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit';
import type { Principal } from '../auth';
import {
  badField,
  SecretBox,
  nowIso,
  carryOverSecrets,
  joinConfigSecrets,
  openConfigSecrets,
  sealConfigSecrets,
  splitConfigSecrets,
} from '../common';
import { TransactionRunner } from '../database';
import { EgressPolicy } from '../egress';
import { validateChannelConfig } from './channel-config';
import { channelFor, type ChannelKind, type DeliveryResult, type RenderedMessage } from './channels';
import { sanitize } from './templates';
import { NotificationDelivery } from './notification-delivery.entity';
import { NOTIFICATION_SECRETS } from './notification-secrets';
import { NotificationSubscription } from './notification-subscription.entity';
import type {
  CreateSubscriptionDto,
  DeliveryView,
  SubscriptionView,
  TestResultView,
  UpdateSubscriptionDto,
} from './subscription.dto';

/** Channels that cannot send at all without a secret, so a subscription without one is refused up front. */
function secretProblem(kind: ChannelKind, config: Record<string, unknown>, hasSecret: boolean): string | undefined {
  if (hasSecret) return undefined;
  if (kind === 'webhook')
    return 'a webhook subscription needs a signing secret (receivers verify X-Lianfang-Signature with it)';
  if (kind === 'email' && config.auth)
    return 'an email subscription with auth.user needs the SMTP password as its secret';
  if (kind === 'wecom' && !new URL(String(config.url)).searchParams.get('key'))
    return 'a WeCom subscription needs the robot key, in the URL or as its secret';
  return undefined;
}

/**
 * Tokens that grant posting rights (DingTalk access_token, WeCom key, Feishu hook path) and custom
 * header values are sealed apart and shown as ***; the stored config already has them masked, and
 * masking again costs nothing and holds for a row written any other way.
 */
export function redactConfig(config: Record<string, unknown>): Record<string, unknown> {
  return splitConfigSecrets(config).shown;
}

export function subscriptionView(s: NotificationSubscription): SubscriptionView {
  return {
    id: s.id,
    orgId: s.orgId,
    name: s.name,
    channel: s.channel,
    config: redactConfig(JSON.parse(s.config) as Record<string, unknown>),
    hasSecret: s.secret !== null,
    events: s.events,
    grades: s.grades,
    drill: s.drill,
    roles: s.roles,
    locale: s.locale,
    enabled: s.enabled,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/** What the audit entry records about a subscription: everything but the secret and URL tokens. */
function auditShape(s: NotificationSubscription): Record<string, unknown> {
  const v = subscriptionView(s);
  return {
    subscriptionId: v.id,
    name: v.name,
    channel: v.channel,
    config: v.config,
    hasSecret: v.hasSecret,
    events: v.events,
    grades: v.grades,
    drill: v.drill,
    roles: v.roles,
    locale: v.locale,
    enabled: v.enabled,
  };
}

@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly incidents: Incidents,
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    @Inject(NOTIFICATION_SECRETS) private readonly box: SecretBox,
    private readonly egress: EgressPolicy,
  ) {}

  async create(p: Principal, dto: CreateSubscriptionDto): Promise<SubscriptionView> {
    const config = validateChannelConfig(dto.channel, dto.config, this.egress);
    const secret = typeof dto.secret === 'string' ? dto.secret : undefined;
    const problem = secretProblem(dto.channel, config, secret !== undefined);
    if (problem) throw badField('secret', problem);
    const now = nowIso();
    const id = randomUUID();
    const { shown, secrets } = splitConfigSecrets(config);
    const sub: NotificationSubscription = Object.assign(new NotificationSubscription(), {
      id,
      orgId: p.orgId,
      name: dto.name,
      channel: dto.channel,
      config: JSON.stringify(shown),
      configSealed: sealConfigSecrets(this.box, id, secrets),
      secret: secret !== undefined ? this.box.seal(secret, id) : null,
      events: unique(dto.events),
      grades: unique(dto.grades ?? []),
      drill: dto.drill ?? 'include',
      roles: unique(dto.roles ?? []),
      locale: dto.locale ?? 'zh-CN',
      enabled: dto.enabled ?? true,
      createdBy: p.userId,
      createdAt: now,
      updatedAt: now,
    });
    await this.tx.run(async (em) => {
      await em.getRepository(NotificationSubscription).insert(sub);
      await this.audit.append(em, { actor: p, action: 'notification-subscription.created', payload: auditShape(sub) });
    });
    return subscriptionView(sub);
  }

  async list(p: Principal): Promise<SubscriptionView[]> {
    const rows = await this.dataSource
      .getRepository(NotificationSubscription)
      .find({ where: { orgId: p.orgId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(subscriptionView);
  }

  async get(p: Principal, id: string): Promise<SubscriptionView> {
    return subscriptionView(await this.find(this.dataSource.manager, p, id));
  }

  async update(p: Principal, id: string, dto: UpdateSubscriptionDto): Promise<SubscriptionView> {
    return this.tx.run(async (em) => {
      const sub = await this.find(em, p, id);
      const changed: string[] = [];
      // What the secret checks below judge: the full config, sealed parts included.
      let full = this.fullConfig(sub);
      if (dto.config !== undefined) {
        const storedShown = JSON.parse(sub.config) as Record<string, unknown>;
        full = validateChannelConfig(
          sub.channel,
          carryOverSecrets(dto.config, storedShown, openConfigSecrets(this.box, sub.id, sub.configSealed)),
          this.egress,
        );
        const { shown, secrets } = splitConfigSecrets(full);
        sub.config = JSON.stringify(shown);
        sub.configSealed = sealConfigSecrets(this.box, sub.id, secrets);
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
      const problem = secretProblem(sub.channel, full, sub.secret !== null);
      if (problem) throw badField('secret', problem);
      sub.updatedAt = nowIso();
      await em.getRepository(NotificationSubscription).save(sub);
      await this.audit.append(em, {
        actor: p,
        action: 'notification-subscription.updated',
        payload: { ...auditShape(sub), changed },
      });
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

  /**
   * Sends a test message now and reports the outcome: status, timing and our own account of a
   * failure, never what the receiver wrote back (a read-back channel into whatever answers at the
   * configured address). Nothing is retried or logged as a delivery.
   */
  async test(p: Principal, id: string): Promise<TestResultView> {
    const sub = await this.find(this.dataSource.manager, p, id);
    const channel = channelFor(sub.channel);
    const deliveryId = `test.${randomUUID()}`;
    const zh = sub.locale === 'zh-CN';
    const name = sanitize(sub.name);
    const message: RenderedMessage = {
      title: zh ? `测试消息：${name}` : `Test message: ${name}`,
      text: zh
        ? `这是来自联防的测试消息，订阅 **${name}** 配置正确。`
        : `This is a test message from lianfang: subscription **${name}** works.`,
      locale: sub.locale,
      drill: false,
      event: 'test',
    };
    const started = process.hrtime.bigint();
    let result: DeliveryResult;
    try {
      const secret = sub.secret === null ? undefined : this.box.open(sub.secret, sub.id);
      result = await channel.send(channel.validateConfig(this.fullConfig(sub)) as never, message, secret, {
        deliveryId,
        event: 'test',
        data: { subscriptionId: sub.id },
        egress: this.egress,
      });
    } catch (err) {
      result = { ok: false, error: err instanceof Error ? err.message : String(err), retryable: false };
    }
    const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    const error = result.ok ? undefined : (result.reason ?? result.error ?? 'failed');
    const view: TestResultView = {
      ok: result.ok,
      retryable: result.retryable,
      deliveryId,
      durationMs,
      ...(result.status !== undefined ? { status: result.status } : {}),
      ...(error ? { error } : {}),
    };
    await this.tx.run((em) =>
      this.audit.append(em, {
        actor: p,
        action: 'notification-subscription.tested',
        payload: {
          subscriptionId: sub.id,
          name: sub.name,
          channel: sub.channel,
          ok: view.ok,
          status: view.status ?? null,
          error: view.error ?? null,
          durationMs,
        },
      }),
    );
    return view;
  }

  /** The config a channel sends with: the stored one with its sealed parts opened. */
  private fullConfig(sub: NotificationSubscription): Record<string, unknown> {
    return joinConfigSecrets(
      JSON.parse(sub.config) as Record<string, unknown>,
      openConfigSecrets(this.box, sub.id, sub.configSealed),
    );
  }

  /** The delivery log of one incident of the caller's organisation, oldest first. */
  async incidentDeliveries(p: Principal, incidentId: string): Promise<DeliveryView[]> {
    const incident = await this.incidents.ofOrg(p.orgId, incidentId);
    if (!incident) throw new NotFoundException('Incident not found');
    const rows = await this.dataSource
      .getRepository(NotificationDelivery)
      .find({ where: { incidentId, orgId: p.orgId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((r) => ({
      id: r.id,
      event: r.event,
      template: r.template,
      subscriptionId: r.subscriptionId,
      subscriptionName: r.subscriptionName,
      channel: r.channel,
      status: r.status,
      attempts: r.attempts,
      lastStatus: r.lastStatus,
      lastError: r.lastError,
      deliveredAt: r.deliveredAt,
      reportId: r.reportId,
      title: (JSON.parse(r.message) as { message: RenderedMessage }).message.title,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
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
