import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { sql } from '../database/sql';
import { OutboxService, type OutboxItem } from '../outbox/outbox.service';
import { QUEUES } from '../queues/queue-names';
import type { FanoutPayload } from './fanout-payload';
import type { DrillFilter } from './notification-subscription.entity';
import { subscriptionWants, type SubscriptionFilter } from './routing';

interface FilterRow {
  org_id: string;
  events: string;
  grades: string;
  drill: DrillFilter;
  roles: string;
}

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
    // Raw SQL: this runs inside nearly every workflow event's transaction.
    const rows = await sql<FilterRow>(
      em,
      `SELECT org_id, events, grades, drill, roles FROM notification_subscription WHERE enabled = ? AND org_id IN (${orgIds.map(() => '?').join(', ')})`,
      [true, ...orgIds],
    );
    if (rows.length === 0) return [];
    const subs = rows.map((r): SubscriptionFilter & { orgId: string } => ({
      orgId: r.org_id, events: JSON.parse(r.events), grades: JSON.parse(r.grades), drill: r.drill, roles: JSON.parse(r.roles),
    }));
    return items.filter((i) => {
      const p = i.payload as unknown as FanoutPayload;
      return subs.some((s) => s.orgId === p.orgId && subscriptionWants(s, p));
    });
  }
}
