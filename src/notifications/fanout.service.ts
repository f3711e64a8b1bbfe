import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Organisations } from '../accounts';
import { IncidentDeadlines } from '../clocks';
import { Incidents } from '../incidents';
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { EntityManager } from 'typeorm';
import { nowIso } from '../common';
import { chunks, placeholders, sql } from '../database';
import { LOGGER } from '../logging';
import { OutboxService, type OutboxItem } from '../outbox';
import { QUEUES, jobId } from '../queues';
import type { Locale } from './channels/types';
import type { FanoutPayload } from './fanout-payload';
import type { DrillFilter } from './notification-subscription.entity';
import { renderFor, subscriptionWants, type IncidentFacts } from './routing';
import { TemplateVariableError } from './templates';

/** The payload of a `deliver` job: only the row id; the row holds everything else. */
export interface DeliverJobData {
  deliveryId: string;
}

const MAX_JOB_ID = 120; // outbox.id column

/** `dv.<fanout id>.<subscription id>`, or with the fan-out id hashed when that would not fit. */
export function deliverJobId(fanoutId: string, subscriptionId: string): string {
  const plain = `dv.${fanoutId}.${subscriptionId}`;
  if (plain.length <= MAX_JOB_ID) return jobId('dv', fanoutId, subscriptionId);
  return jobId('dv', `h${createHash('sha256').update(fanoutId).digest('hex').slice(0, 40)}`, subscriptionId);
}

/** What routing and rendering need of a subscription (never its config or secret). */
interface SubscriptionRow {
  id: string;
  org_id: string;
  name: string;
  channel: string;
  events: string;
  grades: string;
  drill: DrillFilter;
  roles: string;
  locale: Locale;
}

interface Subscription {
  id: string;
  orgId: string;
  name: string;
  channel: string;
  events: string[];
  grades: string[];
  drill: DrillFilter;
  roles: string[];
  locale: Locale;
}

/** The columns of notification_delivery, in insert order. */
const DELIVERY_COLUMNS = [
  'id',
  'org_id',
  'subscription_id',
  'subscription_name',
  'channel',
  'incident_id',
  'warning_id',
  'report_id',
  'event',
  'template',
  'message',
  'status',
  'attempts',
  'last_error',
  'last_status',
  'delivered_at',
  'fanout_id',
  'created_at',
  'updated_at',
] as const;
/** 19 parameters a row; 400 rows stay far below SQLite's limit of 32,766 bound parameters. */
const ROWS_PER_INSERT = 400;
/** Ids per `IN (…)` list. */
const IDS_PER_QUERY = 500;

/**
 * Resolves "this happened; tell whoever subscribed" into one delivery per matching subscription:
 * a `notification_delivery` row with the rendered message and a `deliver` job through the outbox.
 *
 * It runs inside the transaction that decides the event (registered as the outbox transform of
 * `notifications`/`fanout` items), so the recipients are exactly the subscriptions that exist at
 * that moment, the rendered facts are the ones that transaction wrote, and the deliveries appear in
 * the incident's log the moment the event commits. An event nobody subscribes to writes nothing.
 * Deliveries are keyed by fan-out id and subscription (unique), so the same event decided twice
 * (a timer firing twice) delivers once.
 */
@Injectable()
export class FanoutService implements OnModuleInit {
  constructor(
    private readonly organisations: Organisations,
    private readonly incidents: Incidents,
    private readonly deadlines: IncidentDeadlines,
    private readonly outbox: OutboxService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.outbox.registerTransform(QUEUES.notifications, 'fanout', (em, items) => this.resolveItems(em, items));
  }

  /** The outbox transform: fan-out items in, `deliver` items out (rows written in `em`'s transaction). */
  async resolveItems(em: EntityManager, items: OutboxItem[]): Promise<OutboxItem[]> {
    return this.resolve(
      em,
      items.map((i) => ({ id: i.id, payload: i.payload as unknown as FanoutPayload })),
    );
  }

  private async resolve(
    em: EntityManager,
    events: Array<{ id: string; payload: FanoutPayload }>,
  ): Promise<OutboxItem[]> {
    const subsByOrg = await this.subscriptions(em, [...new Set(events.map((e) => e.payload.orgId))]);
    const wanted: Array<{ id: string; payload: FanoutPayload; subs: Subscription[] }> = [];
    for (const e of events) {
      const subs = (subsByOrg.get(e.payload.orgId) ?? []).filter((s) => subscriptionWants(s, e.payload));
      if (subs.length) wanted.push({ ...e, subs });
    }
    if (wanted.length === 0) return [];

    const existing = await this.existingDeliveries(em, [...new Set(wanted.map((w) => w.id))]);
    const orgNames = await this.orgNames(em, [...new Set(wanted.map((w) => w.payload.orgId))]);
    const facts = await this.incidentFacts(
      em,
      wanted.map((w) => w.payload),
    );
    const now = nowIso();
    const rows: unknown[][] = [];
    const deliveries: OutboxItem[] = [];
    for (const { id: fanoutId, payload, subs } of wanted) {
      const incident = payload.incidentId ? (facts.get(`${payload.orgId}/${payload.incidentId}`) ?? null) : null;
      const incidentFacts = incident ? withTimer(incident, payload) : null;
      for (const sub of subs) {
        const key = `${fanoutId}\u0000${sub.id}`;
        if (existing.has(key)) continue;
        existing.add(key);
        const deliveryId = randomUUID();
        let template: string;
        let message: string;
        let status = 'queued';
        let lastError: string | null = null;
        try {
          const rendered = renderFor(payload, sub.locale, orgNames.get(payload.orgId) ?? '', incidentFacts);
          template = rendered.template;
          message = JSON.stringify({
            message: rendered.message,
            event: template === 'generic' ? payload.event : template,
            data: webhookData(payload, incidentFacts),
          });
          deliveries.push({
            id: deliverJobId(fanoutId, sub.id),
            queue: QUEUES.notifications,
            kind: 'deliver',
            payload: { deliveryId } satisfies DeliverJobData,
          });
        } catch (err) {
          // A message that cannot be rendered will not render on retry either: record it as failed, visibly.
          if (!(err instanceof TemplateVariableError)) throw err;
          template = err.event;
          message = JSON.stringify({
            message: { title: payload.event, text: '', locale: sub.locale, drill: payload.drill },
            event: payload.event,
            data: {},
          });
          status = 'failed';
          lastError = err.message;
          this.logger.warn({ fanoutId, subscription: sub.id, error: err.message }, 'notification not rendered');
        }
        rows.push([
          deliveryId,
          payload.orgId,
          sub.id,
          sub.name,
          sub.channel,
          payload.incidentId ?? null,
          payload.warningId ?? null,
          payload.reportId ?? stringOrNull(payload.data?.reportId),
          payload.event,
          template,
          message,
          status,
          0,
          lastError,
          null,
          null,
          fanoutId,
          now,
          now,
        ]);
      }
    }
    // Raw multi-row INSERT: TypeORM's multi-row insert mixes up keys on better-sqlite3 (insert-each.ts).
    for (const chunk of chunks(rows, ROWS_PER_INSERT)) {
      const row = `(${placeholders(DELIVERY_COLUMNS.length)})`;
      // A plain loop: Array.prototype.flat cost more per row (measured ~1.7 µs) than the rest of the insert's JS.
      const params: unknown[] = [];
      for (const r of chunk) for (const v of r) params.push(v);
      await sql(
        em,
        `INSERT INTO notification_delivery (${DELIVERY_COLUMNS.join(', ')}) VALUES ${chunk.map(() => row).join(', ')}`,
        params,
      );
    }
    return deliveries;
  }

  private async subscriptions(em: EntityManager, orgIds: string[]): Promise<Map<string, Subscription[]>> {
    const byOrg = new Map<string, Subscription[]>();
    for (const ids of chunks(orgIds, IDS_PER_QUERY)) {
      const rows = await sql<SubscriptionRow>(
        em,
        `SELECT id, org_id, name, channel, events, grades, drill, ` +
          `roles, locale FROM notification_subscription WHERE enabled ` +
          `= ? AND org_id IN (${placeholders(ids.length)}) ORDER BY ` +
          `created_at, id`,
        [true, ...ids],
      );
      for (const r of rows) {
        const list = byOrg.get(r.org_id) ?? [];
        list.push({
          id: r.id,
          orgId: r.org_id,
          name: r.name,
          channel: r.channel,
          events: JSON.parse(r.events),
          grades: JSON.parse(r.grades),
          drill: r.drill,
          roles: JSON.parse(r.roles),
          locale: r.locale,
        });
        byOrg.set(r.org_id, list);
      }
    }
    return byOrg;
  }

  /** `fanoutId \0 subscriptionId` of deliveries already written for these fan-outs. */
  private async existingDeliveries(em: EntityManager, fanoutIds: string[]): Promise<Set<string>> {
    const keys = new Set<string>();
    for (const ids of chunks(fanoutIds, IDS_PER_QUERY)) {
      const rows = await sql<{ fanout_id: string; subscription_id: string }>(
        em,
        `SELECT fanout_id, subscription_id FROM notification_delivery WHERE fanout_id IN (${placeholders(ids.length)})`,
        ids,
      );
      for (const r of rows) keys.add(`${r.fanout_id}\u0000${r.subscription_id}`);
    }
    return keys;
  }

  private async orgNames(em: EntityManager, orgIds: string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const ids of chunks(orgIds, IDS_PER_QUERY))
      for (const [id, name] of await this.organisations.names(ids, em)) names.set(id, name);
    return names;
  }

  /** Facts per `orgId/incidentId`, with every deadline row of each incident. */
  private async incidentFacts(
    em: EntityManager,
    payloads: FanoutPayload[],
  ): Promise<Map<string, IncidentWithDeadlines>> {
    const ids = [...new Set(payloads.filter((p) => p.incidentId).map((p) => p.incidentId!))];
    const facts = new Map<string, IncidentWithDeadlines>();
    for (const chunk of chunks(ids, IDS_PER_QUERY)) {
      const incidents = await this.incidents.findMany(chunk, em);
      const deadlines = (await this.deadlines.forIncidents(chunk, em)).map((d) => ({
        incident_id: d.incidentId,
        timer: d.timer,
        status: d.status,
        due_at: d.dueAt,
      }));
      for (const i of incidents) {
        // Keyed with the organisation: an event never reads another organisation's incident.
        facts.set(`${i.orgId}/${i.id}`, {
          reference: i.reference,
          title: i.title,
          grade: i.grade,
          category: i.category,
          deadlines: deadlines
            .filter((d) => d.incident_id === i.id)
            .map((d) => ({ timer: d.timer, status: d.status, dueAt: d.due_at })),
        });
      }
    }
    return facts;
  }
}

interface IncidentWithDeadlines {
  reference: string;
  title: string;
  grade: string;
  category: string;
  deadlines: Array<{ timer: string; status: string; dueAt: string }>;
}

/** The facts a message about this event shows: the next pending deadline, and the timer it is about. */
function withTimer(i: IncidentWithDeadlines, p: FanoutPayload): IncidentFacts {
  const timer = typeof p.data?.timer === 'string' ? p.data.timer : undefined;
  const pending = i.deadlines.filter((d) => d.status === 'pending').sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  return {
    reference: i.reference,
    title: i.title,
    grade: i.grade,
    category: i.category,
    nextDueAt: pending[0]?.dueAt ?? null,
    timerDueAt: i.deadlines.find((d) => d.timer === timer)?.dueAt ?? null,
  };
}

function stringOrNull(v: unknown): string | null {
  return typeof v === 'string' && v ? v.slice(0, 80) : null;
}

/**
 * The structured part of a generic webhook body: ids a SIEM can correlate on, plus the event data.
 * Built by assignment, not object spreads: this runs once per delivery, and the spreads cost about
 * 4 µs here against under 1.
 */
export function webhookData(p: FanoutPayload, incident: IncidentFacts | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const data = p.data ?? {};
  // Plain assignment would set the prototype for a `__proto__` key; such a key is dropped instead.
  for (const key of Object.keys(data)) if (key !== '__proto__') out[key] = data[key];
  out.orgId = p.orgId;
  out.drill = p.drill;
  if (p.incidentId) out.incidentId = p.incidentId;
  if (incident) {
    out.reference = incident.reference;
    out.grade = incident.grade;
    out.category = incident.category;
  }
  if (p.warningId) out.warningId = p.warningId;
  if (p.reportId) out.reportId = p.reportId;
  if (p.role) out.role = p.role;
  return out;
}
