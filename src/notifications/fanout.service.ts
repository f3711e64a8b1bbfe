import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { insertEach } from '../database/insert-each';
import type { Logger } from 'pino';
import { DataSource, In } from 'typeorm';
import { Organisation } from '../auth/organisation.entity';
import { nowIso } from '../common/time';
import { TransactionRunner } from '../database/transaction-runner';
import { IncidentDeadline } from '../deadlines/incident-deadline.entity';
import { Incident } from '../incidents/incident.entity';
import { LOGGER } from '../logging/logging.module';
import { OutboxService, type OutboxItem } from '../outbox/outbox.service';
import { QUEUES, jobId } from '../queues/queue-names';
import type { FanoutPayload } from './fanout-payload';
import { NotificationDelivery } from './notification-delivery.entity';
import { NotificationSubscription } from './notification-subscription.entity';
import { renderFor, subscriptionWants, type IncidentFacts } from './routing';
import { TemplateVariableError } from './templates';

/** The payload of a `deliver` job: only the row id; the row holds everything else. */
export interface DeliverJobData {
  deliveryId: string;
}

const MAX_JOB_ID = 120; // outbox.id column

/** `dv.<fanout job id>.<subscription id>`, or with the fan-out id hashed when that would not fit. */
export function deliverJobId(fanoutId: string, subscriptionId: string): string {
  const plain = `dv.${fanoutId}.${subscriptionId}`;
  if (plain.length <= MAX_JOB_ID) return jobId('dv', fanoutId, subscriptionId);
  return jobId('dv', `h${createHash('sha256').update(fanoutId).digest('hex').slice(0, 40)}`, subscriptionId);
}

export interface FanoutResult {
  matched: number;
  /** Deliveries created by this run (0 when the job already ran). */
  created: number;
}

/**
 * Resolves one fan-out job into one delivery per matching subscription. Rows and their `deliver`
 * jobs are written in one transaction through the outbox; a job that runs again finds its rows
 * (unique fanout_id + subscription_id) and adds nothing.
 */
@Injectable()
export class FanoutService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly outbox: OutboxService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async fanout(fanoutId: string, payload: FanoutPayload): Promise<FanoutResult> {
    const subs = (await this.dataSource.getRepository(NotificationSubscription).findBy({ orgId: payload.orgId, enabled: true })).filter((s) => subscriptionWants(s, payload));
    if (subs.length === 0) return { matched: 0, created: 0 };
    const org = await this.dataSource.getRepository(Organisation).findOneBy({ id: payload.orgId });
    const incident = payload.incidentId ? await this.incidentFacts(payload) : null;
    const created = await this.tx.run(async (em) => {
      const repo = em.getRepository(NotificationDelivery);
      const done = new Set((await repo.find({ where: { fanoutId, subscriptionId: In(subs.map((s) => s.id)) }, select: { subscriptionId: true } })).map((r) => r.subscriptionId));
      const now = nowIso();
      const rows: NotificationDelivery[] = [];
      const items: OutboxItem[] = [];
      for (const sub of subs) {
        if (done.has(sub.id)) continue;
        const row: NotificationDelivery = Object.assign(new NotificationDelivery(), {
          id: randomUUID(), orgId: payload.orgId, subscriptionId: sub.id, subscriptionName: sub.name, channel: sub.channel,
          incidentId: payload.incidentId ?? null, warningId: payload.warningId ?? null, reportId: payload.reportId ?? stringOrNull(payload.data?.reportId),
          event: payload.event, status: 'queued', attempts: 0, lastError: null, lastStatus: null, deliveredAt: null, fanoutId, createdAt: now, updatedAt: now,
        });
        try {
          const { template, message } = renderFor(payload, sub.locale, org?.name ?? '', incident);
          row.template = template;
          row.message = JSON.stringify({ message, event: template === 'generic' ? payload.event : template, data: webhookData(payload, incident) });
          items.push({ id: deliverJobId(fanoutId, sub.id), queue: QUEUES.notifications, kind: 'deliver', payload: { deliveryId: row.id } satisfies DeliverJobData });
        } catch (err) {
          // A message that cannot be rendered will not render on retry either: record it as failed, visibly.
          if (!(err instanceof TemplateVariableError)) throw err;
          row.template = err.event;
          row.message = JSON.stringify({ message: { title: payload.event, text: '', locale: sub.locale, drill: payload.drill }, event: payload.event, data: {} });
          row.status = 'failed';
          row.lastError = err.message;
          this.logger.warn({ fanoutId, subscription: sub.id, error: err.message }, 'notification not rendered');
        }
        rows.push(row);
      }
      await insertEach(repo, rows);
      await this.outbox.add(em, items);
      return rows.length;
    });
    return { matched: subs.length, created };
  }

  private async incidentFacts(p: FanoutPayload): Promise<IncidentFacts | null> {
    const incident = await this.dataSource.getRepository(Incident).findOneBy({ id: p.incidentId!, orgId: p.orgId });
    if (!incident) return null;
    const deadlines = await this.dataSource.getRepository(IncidentDeadline).findBy({ incidentId: incident.id });
    const timer = typeof p.data?.timer === 'string' ? p.data.timer : undefined;
    const pending = deadlines.filter((d) => d.status === 'pending').sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    return {
      reference: incident.reference, title: incident.title, grade: incident.grade, category: incident.category,
      nextDueAt: pending[0]?.dueAt ?? null, timerDueAt: deadlines.find((d) => d.timer === timer)?.dueAt ?? null,
    };
  }
}

function stringOrNull(v: unknown): string | null {
  return typeof v === 'string' && v ? v.slice(0, 80) : null;
}

/** The structured part of a generic webhook body: ids a SIEM can correlate on, plus the event data. */
function webhookData(p: FanoutPayload, incident: IncidentFacts | null): Record<string, unknown> {
  return {
    ...p.data,
    orgId: p.orgId,
    drill: p.drill,
    ...(p.incidentId ? { incidentId: p.incidentId } : {}),
    ...(incident ? { reference: incident.reference, grade: incident.grade, category: incident.category } : {}),
    ...(p.warningId ? { warningId: p.warningId } : {}),
    ...(p.reportId ? { reportId: p.reportId } : {}),
    ...(p.role ? { role: p.role } : {}),
  };
}
