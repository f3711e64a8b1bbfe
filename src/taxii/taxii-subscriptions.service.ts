import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource, In } from 'typeorm';
import { AuditService } from '../audit';
import type { Actor, Principal } from '../auth';
import { badField, durationMs, DurationError, nowIso, type SecretBox } from '../common';
import { AppConfig } from '../config';
import { TransactionRunner } from '../database';
import { EgressPolicy } from '../egress';
import { LOGGER } from '../logging';
import { OutboxService } from '../outbox';
import { jobId, QUEUES } from '../queues';
import { FeedError, pollFeed } from './taxii-feed-client';
import { TAXII_SECRETS } from './taxii-secrets';
import { TaxiiFeedIndicator, TaxiiSubscription } from './taxii-subscription.entities';
import type {
  CreateTaxiiSubscriptionDto,
  FeedIndicatorPage,
  FeedIndicatorQuery,
  TaxiiSubscriptionView,
  UpdateTaxiiSubscriptionDto,
} from './taxii-subscription.dto';

const DEFAULT_POLL_EVERY = 'PT1H';
const MAX_POLL_EVERY_MS = 7 * 24 * 3600_000;
const DEFAULT_TIMEOUT_MS = 30_000;
export const POLL_JOB = 'poll';
const CLIENT: Actor = { system: 'taxii-client', orgId: null };

const schedulerId = (subscriptionId: string): string => jobId('taxii-poll', subscriptionId);

function view(s: TaxiiSubscription): TaxiiSubscriptionView {
  return {
    id: s.id,
    name: s.name,
    apiRootUrl: s.apiRootUrl,
    collectionId: s.collectionId,
    auth: s.auth,
    username: s.username,
    hasSecret: s.secret !== null,
    pollEvery: s.pollEvery,
    timeoutMs: s.timeoutMs,
    enabled: s.enabled,
    addedAfter: s.addedAfter,
    lastPolledAt: s.lastPolledAt,
    lastStatus: s.lastStatus,
    lastError: s.lastError,
    lastReceived: s.lastReceived,
    lastAdded: s.lastAdded,
    lastSkipped: s.lastSkipped,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/**
 * Subscriptions to external TAXII 2.1 collections (a national or sector CERT feed): each is polled
 * by a BullMQ job scheduler (`taxii-poll.<id>`, every `pollEvery`), asks only for what was added
 * since the last poll (`added_after`), and keeps the indicators it receives, offered to the
 * organisation for its warnings. What the feed sends goes through the STIX import's limits and
 * validation; a feed that answers junk, refuses, or stalls past `timeoutMs` leaves the
 * subscription with `lastStatus: error` and the reason, never a crash. The credential is sealed
 * at rest (SECRETS_KEY, bound to the subscription) and never returned.
 */
@Injectable()
export class TaxiiSubscriptions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
    private readonly egress: EgressPolicy,
    @Inject(TAXII_SECRETS) private readonly box: SecretBox,
    @InjectQueue(QUEUES.taxii) private readonly queue: Queue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async create(p: Principal, dto: CreateTaxiiSubscriptionDto): Promise<TaxiiSubscriptionView> {
    const apiRootUrl = this.checkUrl(dto.apiRootUrl);
    const pollEvery = this.checkInterval(dto.pollEvery ?? DEFAULT_POLL_EVERY);
    if (dto.auth === 'basic' && !dto.username) throw badField('username', 'basic authentication needs a username');
    if (dto.auth !== 'none' && !dto.secret) throw badField('secret', `${dto.auth} authentication needs a secret`);
    if (dto.auth === 'none' && dto.secret) throw badField('secret', 'no secret without authentication');
    const id = randomUUID();
    const at = nowIso();
    const row: TaxiiSubscription = {
      id,
      orgId: p.orgId,
      name: dto.name,
      apiRootUrl,
      collectionId: dto.collectionId,
      auth: dto.auth,
      username: dto.auth === 'basic' ? (dto.username ?? null) : null,
      secret: dto.secret ? this.box.seal(dto.secret, id) : null,
      pollEvery,
      timeoutMs: dto.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      enabled: dto.enabled ?? true,
      addedAfter: null,
      lastPolledAt: null,
      lastStatus: 'never',
      lastError: null,
      lastReceived: 0,
      lastAdded: 0,
      lastSkipped: 0,
      createdBy: p.userId,
      createdAt: at,
      updatedAt: at,
    };
    await this.tx.run(async (em) => {
      await em.getRepository(TaxiiSubscription).insert(row);
      await this.audit.append(em, {
        actor: p,
        action: 'taxii.subscription-created',
        payload: { subscriptionId: id, name: row.name, apiRootUrl, collectionId: row.collectionId, auth: row.auth },
      });
    });
    await this.schedule(row);
    return view(row);
  }

  async list(p: Principal): Promise<TaxiiSubscriptionView[]> {
    const rows = await this.dataSource
      .getRepository(TaxiiSubscription)
      .find({ where: { orgId: p.orgId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(view);
  }

  async get(p: Principal, id: string): Promise<TaxiiSubscriptionView> {
    return view(await this.own(p, id));
  }

  async update(p: Principal, id: string, dto: UpdateTaxiiSubscriptionDto): Promise<TaxiiSubscriptionView> {
    const pollEvery = dto.pollEvery === undefined ? undefined : this.checkInterval(dto.pollEvery);
    const row = await this.tx.run(async (em) => {
      const sub = await em.getRepository(TaxiiSubscription).findOneBy({ id, orgId: p.orgId });
      if (!sub) throw new NotFoundException('No such TAXII subscription');
      if (dto.secret !== undefined && sub.auth === 'none')
        throw badField('secret', 'this subscription uses no authentication');
      const changes: Partial<TaxiiSubscription> = {
        ...(dto.name !== undefined ? { name: dto.name } : {}),
        ...(dto.enabled !== undefined ? { enabled: dto.enabled } : {}),
        ...(pollEvery !== undefined ? { pollEvery } : {}),
        ...(dto.timeoutMs !== undefined ? { timeoutMs: dto.timeoutMs } : {}),
        ...(dto.secret !== undefined ? { secret: this.box.seal(dto.secret, id) } : {}),
        updatedAt: nowIso(),
      };
      await em.getRepository(TaxiiSubscription).update({ id }, changes);
      await this.audit.append(em, {
        actor: p,
        action: 'taxii.subscription-updated',
        payload: {
          subscriptionId: id,
          changed: Object.keys(changes).filter((k) => k !== 'updatedAt' && k !== 'secret'),
          ...(dto.secret !== undefined ? { secretReplaced: true } : {}),
        },
      });
      return { ...sub, ...changes };
    });
    await this.schedule(row);
    return view(row);
  }

  async remove(p: Principal, id: string): Promise<void> {
    await this.tx.run(async (em) => {
      const sub = await em.getRepository(TaxiiSubscription).findOneBy({ id, orgId: p.orgId });
      if (!sub) throw new NotFoundException('No such TAXII subscription');
      await em.getRepository(TaxiiFeedIndicator).delete({ subscriptionId: id });
      await em.getRepository(TaxiiSubscription).delete({ id });
      await this.audit.append(em, {
        actor: p,
        action: 'taxii.subscription-deleted',
        payload: { subscriptionId: id, name: sub.name },
      });
    });
    await this.unschedule(id);
  }

  /** Queues a poll to run now (through the outbox, so it is not lost while Redis is away), enabled or not. */
  async pollNow(p: Principal, id: string): Promise<{ queued: boolean }> {
    await this.tx.run(async (em) => {
      const sub = await em.getRepository(TaxiiSubscription).findOneBy({ id, orgId: p.orgId });
      if (!sub) throw new NotFoundException('No such TAXII subscription');
      await this.outbox.add(em, [
        {
          id: jobId('taxii-poll-now', id, randomUUID()),
          queue: QUEUES.taxii,
          kind: POLL_JOB,
          payload: { subscriptionId: id, manual: true },
        },
      ]);
      await this.audit.append(em, { actor: p, action: 'taxii.poll-requested', payload: { subscriptionId: id } });
    });
    return { queued: true };
  }

  async indicators(p: Principal, id: string, q: FeedIndicatorQuery): Promise<FeedIndicatorPage> {
    await this.own(p, id);
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const [rows, total] = await this.dataSource.getRepository(TaxiiFeedIndicator).findAndCount({
      where: { subscriptionId: id, orgId: p.orgId },
      order: { receivedAt: 'DESC', id: 'ASC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return {
      items: rows.map((r) => ({
        id: r.id,
        type: r.type,
        value: r.value,
        description: r.description,
        stixId: r.stixId,
        tlp: r.tlp,
        receivedAt: r.receivedAt,
      })),
      total,
      page,
      pageSize,
    };
  }

  /**
   * Indicators of `orgId`'s subscriptions by id, in the order asked; an id that is not one of them is
   * a 400 naming `field[i]` (the same whether it does not exist or is another organisation's).
   */
  async feedIndicators(orgId: string, ids: readonly string[], field: string): Promise<TaxiiFeedIndicator[]> {
    const rows = ids.length
      ? await this.dataSource.getRepository(TaxiiFeedIndicator).findBy({ id: In([...new Set(ids)]), orgId })
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const missing = ids.findIndex((id) => !byId.has(id));
    if (missing >= 0)
      throw badField(field, `${field}[${missing}] is not an indicator your TAXII subscriptions received`);
    return ids.map((id) => byId.get(id)!);
  }

  /**
   * One poll (the queue's job): never throws for what the feed does; records the outcome on the
   * subscription. A disabled subscription is polled only when asked to (`manual`).
   */
  async poll(subscriptionId: string, manual = false): Promise<string> {
    const sub = await this.dataSource.getRepository(TaxiiSubscription).findOneBy({ id: subscriptionId });
    if (!sub) {
      await this.unschedule(subscriptionId);
      return 'gone';
    }
    if (!sub.enabled && !manual) return 'disabled';
    let secret: string | undefined;
    try {
      secret = sub.secret === null ? undefined : this.box.open(sub.secret, sub.id);
    } catch {
      // SECRETS_KEY changed since the credential was sealed: say so rather than fail the job unseen.
      await this.record(sub, nowIso(), sub.addedAfter, [], {
        status: 'error',
        error: 'the stored credential cannot be opened (was SECRETS_KEY changed?); set the secret again',
        received: 0,
        added: 0,
        skipped: 0,
      });
      return 'error';
    }
    const authorization =
      sub.auth === 'bearer' && secret
        ? `Bearer ${secret}`
        : sub.auth === 'basic' && secret
          ? `Basic ${Buffer.from(`${sub.username ?? ''}:${secret}`, 'utf8').toString('base64')}`
          : undefined;
    const at = nowIso();
    let outcome: { status: 'ok' | 'error'; error: string | null; received: number; added: number; skipped: number };
    let addedAfter = sub.addedAfter;
    let fresh: TaxiiFeedIndicator[] = [];
    try {
      const polled = await pollFeed({
        apiRootUrl: sub.apiRootUrl,
        collectionId: sub.collectionId,
        addedAfter: sub.addedAfter,
        authorization,
        timeoutMs: sub.timeoutMs,
        egress: this.egress,
      });
      addedAfter = polled.addedAfter;
      fresh = polled.result.indicators.map((i) => ({
        id: randomUUID(),
        subscriptionId: sub.id,
        orgId: sub.orgId,
        type: i.type,
        value: i.value,
        description: i.description ?? null,
        stixId: i.stixId,
        tlp: i.tlp ?? null,
        receivedAt: at,
      }));
      outcome = {
        status: polled.error ? 'error' : 'ok',
        error: polled.error ? scrub(polled.error, secret) : null,
        received: polled.received,
        added: 0,
        skipped: polled.result.skipped.length,
      };
    } catch (err) {
      const message = err instanceof FeedError ? err.message : `unexpected failure: ${String(err)}`;
      if (!(err instanceof FeedError)) this.logger.error({ err, subscriptionId }, 'taxii poll failed unexpectedly');
      outcome = { status: 'error', error: scrub(message, secret), received: 0, added: 0, skipped: 0 };
    }
    await this.record(sub, at, addedAfter, fresh, outcome);
    return outcome.status;
  }

  /** Stores a poll's new indicators and outcome on the subscription, audited, in one transaction. */
  private async record(
    sub: TaxiiSubscription,
    at: string,
    addedAfter: string | null,
    fresh: TaxiiFeedIndicator[],
    outcome: { status: 'ok' | 'error'; error: string | null; received: number; added: number; skipped: number },
  ): Promise<void> {
    await this.tx.run(async (em) => {
      const repo = em.getRepository(TaxiiFeedIndicator);
      for (const indicator of fresh) {
        const existing = await repo.findOneBy({ subscriptionId: sub.id, type: indicator.type, value: indicator.value });
        if (existing) continue;
        await repo.insert(indicator);
        outcome.added++;
      }
      await em.getRepository(TaxiiSubscription).update(
        { id: sub.id },
        {
          addedAfter,
          lastPolledAt: at,
          lastStatus: outcome.status,
          lastError: outcome.error,
          lastReceived: outcome.received,
          lastAdded: outcome.added,
          lastSkipped: outcome.skipped,
        },
      );
      await this.audit.append(em, {
        actor: { ...CLIENT, orgId: sub.orgId },
        action: 'taxii.feed-polled',
        payload: {
          subscriptionId: sub.id,
          status: outcome.status,
          ...(outcome.error ? { error: outcome.error } : {}),
          received: outcome.received,
          added: outcome.added,
          skipped: outcome.skipped,
          addedAfter,
        },
      });
    });
  }

  /** Makes the job schedulers match the enabled subscriptions (at worker start: repairs what a Redis outage lost). */
  async reconcile(): Promise<void> {
    const subs = await this.dataSource.getRepository(TaxiiSubscription).find();
    const wanted = new Set<string>();
    for (const s of subs) {
      if (!s.enabled) continue;
      wanted.add(schedulerId(s.id));
      await this.schedule(s);
    }
    for (const existing of await this.queue.getJobSchedulers()) {
      if (existing.key && !wanted.has(existing.key)) await this.queue.removeJobScheduler(existing.key);
    }
  }

  /** The subscription's job scheduler; failures (Redis away) are logged and repaired by reconcile(). */
  private async schedule(s: TaxiiSubscription): Promise<void> {
    try {
      if (!s.enabled) return await this.unschedule(s.id);
      await this.queue.upsertJobScheduler(
        schedulerId(s.id),
        { every: durationMs(s.pollEvery) },
        { name: POLL_JOB, data: { subscriptionId: s.id } },
      );
    } catch (err) {
      this.logger.warn({ err, subscriptionId: s.id }, 'taxii: could not update the poll schedule; reconciled at start');
    }
  }

  private async unschedule(id: string): Promise<void> {
    try {
      await this.queue.removeJobScheduler(schedulerId(id));
    } catch (err) {
      this.logger.warn({ err, subscriptionId: id }, 'taxii: could not remove the poll schedule; reconciled at start');
    }
  }

  private async own(p: Principal, id: string): Promise<TaxiiSubscription> {
    const row = await this.dataSource.getRepository(TaxiiSubscription).findOneBy({ id, orgId: p.orgId });
    if (!row) throw new NotFoundException('No such TAXII subscription');
    return row;
  }

  private checkUrl(value: string): string {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw badField('apiRootUrl', 'apiRootUrl must be an absolute http(s) URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw badField('apiRootUrl', 'apiRootUrl must be an http or https URL');
    if (url.username || url.password)
      throw badField('apiRootUrl', 'put credentials in username/secret, not in the URL');
    if (url.search || url.hash) throw badField('apiRootUrl', 'apiRootUrl takes no query or fragment');
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const refused = this.egress.refusalForLiteral(url.hostname, port);
    if (refused) throw badField('apiRootUrl', refused.message);
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    return url.toString();
  }

  private checkInterval(value: string): string {
    let ms: number;
    try {
      ms = durationMs(value);
    } catch (err) {
      if (err instanceof DurationError)
        throw badField('pollEvery', `pollEvery must be an ISO 8601 duration (${err.message})`);
      throw err;
    }
    const min = durationMs(this.config.TAXII_MIN_POLL_INTERVAL);
    if (ms < min) throw badField('pollEvery', `pollEvery must be at least ${this.config.TAXII_MIN_POLL_INTERVAL}`);
    if (ms > MAX_POLL_EVERY_MS) throw badField('pollEvery', 'pollEvery must be at most P7D');
    return value;
  }
}

function scrub(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('***') : text;
}
