import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { OutboxService, type OutboxItem } from '../outbox/outbox.service';
import { QUEUES } from '../queues/queue-names';
import type { FanoutPayload } from './fanout-payload';
import { NotificationSubscription } from './notification-subscription.entity';
import { subscriptionWants } from './routing';

/**
 * Keeps a fan-out job out of the outbox when no enabled subscription of its organisation wants the
 * event. Checked inside the transaction that decides the event, so it sees the subscriptions that
 * exist at that moment; most workflow events (a step completed, a regrade in triage) are watched by
 * nobody, and each would otherwise cost a queued job and a worker round trip.
 */
@Injectable()
export class FanoutGate implements OnModuleInit {
  constructor(private readonly outbox: OutboxService) {}

  onModuleInit(): void {
    this.outbox.registerFilter(QUEUES.notifications, 'fanout', (em, items) => this.wanted(em, items));
  }

  async wanted(em: EntityManager, items: OutboxItem[]): Promise<OutboxItem[]> {
    const orgIds = [...new Set(items.map((i) => (i.payload as unknown as FanoutPayload).orgId))];
    const subs = await em.getRepository(NotificationSubscription).find({
      where: { orgId: In(orgIds), enabled: true },
      select: { orgId: true, events: true, grades: true, drill: true, roles: true },
    });
    if (subs.length === 0) return [];
    return items.filter((i) => {
      const p = i.payload as unknown as FanoutPayload;
      return subs.some((s) => s.orgId === p.orgId && subscriptionWants(s, p));
    });
  }
}
