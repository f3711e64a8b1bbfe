import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CommittedAuditEntry } from '../audit';

export const LIVE_KINDS = ['incident', 'deadline', 'report', 'delivery', 'warning', 'inbox'] as const;
export type LiveKind = (typeof LIVE_KINDS)[number];

/** The Redis pub/sub channel of one organisation's changes. */
export const liveChannel = (orgId: string): string => `lianfang:live:${orgId}`;

/**
 * One change as a stream tells it: what kind of record changed, which one, and the audit action
 * that recorded it. Ids and kinds only, never content (titles, notes, feedback): the console
 * refetches through the API, which applies the caller's role.
 */
export class LiveChangeView {
  @ApiProperty({
    enum: LIVE_KINDS,
    description:
      'What changed: an `incident` (its state, steps, indicators), a `deadline` of an incident, an operator ' +
      "`report` (or a department's dealings with it), an external report `delivery`, a `warning`, or a " +
      "department's `inbox` item",
  })
  kind!: LiveKind;

  @ApiProperty({
    description:
      'The record: the incident, report, delivery or warning id; for an `inbox` item the report id (as in ' +
      '`/inbox/reports/{reportId}`); for a `deadline` its timer name within `incidentId` (deadlines have no id)',
  })
  id!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The incident the change belongs to, when the receiving organisation knows the incident',
  })
  incidentId?: string;

  @ApiProperty({
    description:
      'The audit action that recorded the change, e.g. `incident.event.COMPLETE_STEP`, `report.submitted`, ' +
      '`warning.event.FEEDBACK_SENT`',
  })
  action!: string;

  @ApiProperty({ format: 'date-time', description: 'When the change was recorded' })
  at!: string;
}

export type LiveChange = Pick<LiveChangeView, 'kind' | 'id' | 'action' | 'at'> & { incidentId?: string };

/** One message for one organisation's channel. */
export interface LiveDelivery {
  orgId: string;
  change: LiveChange;
}

/**
 * Audit actions of administration (organisations, users, tokens, sessions, subscriptions, the
 * registers of providers and recipients), of TAXII exchange (collections and feed polls, which
 * no console page shows yet; a warning they touch is announced by its own `warning.` entry), of
 * emergency plans and their drills (their pages are read on opening; a drill's incident is announced by
 * its own `incident.` entries), of housekeeping (sent outbox rows pruned) and the rebuild of
 * the metrics facts: nothing the console follows live, so no message.
 */
export const QUIET_PREFIXES = [
  'organisation.',
  'user.',
  'token.',
  'enrolment.',
  'session.',
  'notification-subscription.',
  'service-provider.',
  'report-recipient.',
  'taxii.',
  'plan.',
  'drill.',
  'outbox.',
  'metrics.',
] as const;

/** Report actions a department takes or its clocks record: its inbox item changed, and the operator's report. */
export const DEPARTMENT_REPORT_ACTIONS: ReadonlySet<string> = new Set([
  'report.acknowledged',
  'report.info-requested',
  'report.forwarded',
  'report.onward-reminder',
  'report.onward-missed',
  'report.onward-escalated',
]);

/** Outcomes of an external delivery attempt (report-delivery.processor). */
const DELIVERY_ACTIONS: ReadonlySet<string> = new Set([
  'report.delivered',
  'report.delivery-retry',
  'report.delivery-failed',
]);

export type LiveClass = 'incident' | 'deadline' | 'report' | 'department-report' | 'delivery' | 'warning' | 'quiet';

/** How an audit action is told live; undefined for an action this map does not know (told nothing). */
export function classifyAction(action: string): LiveClass | undefined {
  if (QUIET_PREFIXES.some((p) => action.startsWith(p))) return 'quiet';
  // Reminders and misses of an incident deadline are workflow events of the incident.
  if (action.startsWith('incident.event.DEADLINE_')) return 'deadline';
  if (action.startsWith('incident.')) return 'incident';
  if (action.startsWith('deadline.')) return 'deadline';
  if (DELIVERY_ACTIONS.has(action)) return 'delivery';
  if (DEPARTMENT_REPORT_ACTIONS.has(action)) return 'department-report';
  if (action.startsWith('report.')) return 'report';
  if (action.startsWith('warning.')) return 'warning';
  return undefined;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The messages one committed audit entry becomes: one on the channel of the organisation it
 * belongs to, and one on the channel of each organisation it concerns (AuditRecord.concerns), each
 * in that organisation's terms — a report addressed to a department is an `inbox` item there, a
 * department's acknowledgement is a change to the operator's `report`.
 */
export function liveChanges(e: CommittedAuditEntry): LiveDelivery[] {
  const cls = classifyAction(e.action);
  if (!cls || cls === 'quiet') return [];
  const out: LiveDelivery[] = [];
  const add = (
    orgId: string | null | undefined,
    kind: LiveKind,
    id: string | undefined,
    incidentId?: string | null,
  ) => {
    if (!orgId || !id) return;
    out.push({ orgId, change: { kind, id, ...(incidentId ? { incidentId } : {}), action: e.action, at: e.at } });
  };
  const p = e.payload;
  const reportId = text(p.reportId);
  switch (cls) {
    case 'incident':
      add(e.orgId, 'incident', e.incidentId ?? undefined, e.incidentId);
      break;
    case 'deadline': {
      const event = p.event as Record<string, unknown> | undefined;
      add(e.orgId, 'deadline', text(p.timer) ?? text(event?.timer), e.incidentId);
      break;
    }
    case 'delivery':
      add(e.orgId, 'delivery', text(p.deliveryId), e.incidentId);
      break;
    case 'report':
      add(e.orgId, 'report', reportId, e.incidentId);
      for (const c of e.concerns) add(c.orgId, 'inbox', reportId);
      break;
    case 'department-report':
      add(e.orgId, 'inbox', reportId);
      for (const c of e.concerns) add(c.orgId, 'report', reportId, c.incidentId);
      break;
    case 'warning':
      add(e.orgId, 'warning', text(p.warningId));
      for (const c of e.concerns) add(c.orgId, 'warning', text(p.warningId));
      break;
  }
  return out;
}
