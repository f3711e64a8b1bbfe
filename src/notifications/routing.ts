import type { RenderedMessage, Locale } from './channels/types';
import type { FanoutPayload } from './fanout-payload';
import {
  isNotificationEvent,
  NOTIFICATION_EVENTS,
  renderMessage,
  sanitize,
  VAR_NAMES,
  type NotificationEvent,
  type TemplateVars,
} from './templates';
import type { DrillFilter } from './notification-subscription.entity';

/**
 * How a fan-out event finds its subscriptions and its template.
 *
 * - An event with a template of its own (catalog.ts) matches subscriptions that list it.
 * - The workflow's report events are aliases of `report.submitted`: a subscription to
 *   `report.submitted` hears all three; one that lists e.g. `report.final-submitted` hears only that.
 * - A warning's missed feedback deadline (`deadline.missed` without an incident) is rendered with
 *   `warning.feedback-overdue`.
 * - Events without a template (GENERIC_EVENTS) are never sent to everyone: only subscriptions that
 *   name them get them, rendered with a short generic message (event, reference, title).
 */
export const EVENT_ALIASES: Readonly<Record<string, NotificationEvent>> = {
  'report.initial-submitted': 'report.submitted',
  'report.followup-submitted': 'report.submitted',
  'report.final-submitted': 'report.submitted',
};

const REPORT_KIND_OF: Readonly<Record<string, string>> = {
  'report.initial-submitted': 'initial',
  'report.followup-submitted': 'followUp',
  'report.final-submitted': 'final',
};

/** Workflow notify events with no template: opt-in by name, generic rendering. */
export const GENERIC_EVENTS = [
  'step.completed',
  'step.reopened',
  'review.started',
  'warning.assessed',
  'warning.actions-taken',
  'warning.closed',
  'warning.feedback-reminder',
  'warning.feedback-received',
  'incident.crime-assessed',
  'report.police-filed',
  'drill.reminder',
] as const;

/** A plan's notification step: addressed by the plan (FanoutPayload.notify), rendered generically. */
export const PLAN_NOTIFICATION = 'plan.notification';

/** Every event name a subscription may list. */
export const SUBSCRIBABLE_EVENTS: readonly string[] = [
  ...NOTIFICATION_EVENTS,
  ...Object.keys(EVENT_ALIASES),
  ...GENERIC_EVENTS,
];

/** The escalation roles a subscription can serve (see clocks/escalation-ladder.ts). */
export const ESCALATION_ROLES = ['commander', 'leader', 'admin'] as const;

export function templateEventFor(
  p: Pick<FanoutPayload, 'event' | 'incidentId' | 'warningId'>,
): NotificationEvent | null {
  if (p.event === 'deadline.missed' && p.warningId && !p.incidentId) return 'warning.feedback-overdue';
  if (isNotificationEvent(p.event)) return p.event;
  return EVENT_ALIASES[p.event] ?? null;
}

export interface SubscriptionFilter {
  /** The subscription's channel (webhook, email, …): a plan's notification step may choose one. */
  channel?: string;
  events: string[];
  grades: string[];
  drill: DrillFilter;
  roles: string[];
}

/**
 * Whether a subscription wants this event. Grade filter: an event without a grade (a warning)
 * passes, since there is nothing to filter on. Roles filter: applies to `escalation` only.
 */
export function subscriptionWants(sub: SubscriptionFilter, p: FanoutPayload): boolean {
  if (p.event === PLAN_NOTIFICATION) {
    // The plan chose the recipients (a channel, a role served, or both), not the subscription's event list;
    // a role is served by the subscriptions that name it (an escalation's "any role" would be everyone).
    const to = p.notify ?? {};
    if (!to.role && !to.channel) return false;
    if (to.channel && sub.channel !== to.channel) return false;
    if (to.role && !sub.roles.includes(to.role)) return false;
  } else {
    const template = templateEventFor(p);
    if (!sub.events.includes(p.event) && !(template && sub.events.includes(template))) return false;
  }
  if (sub.grades.length > 0 && p.grade && !sub.grades.includes(p.grade)) return false;
  if (sub.drill === 'exclude' && p.drill) return false;
  if (sub.drill === 'only' && !p.drill) return false;
  if (p.event === 'escalation' && sub.roles.length > 0 && (!p.role || !sub.roles.includes(p.role))) return false;
  return true;
}

/** What fan-out knows about the incident behind an event (loaded from the database). */
export interface IncidentFacts {
  reference: string;
  title: string;
  grade: string;
  category: string;
  /** Earliest pending reporting deadline, for declared/confirmed messages. */
  nextDueAt?: string | null;
  /** Due time of the timer the event is about (reminders, missed deadlines). */
  timerDueAt?: string | null;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/**
 * Template variables: string fields of the event data first (warnings carry their own title,
 * level, issuer), then the incident's own facts, which win, then what each event adds.
 */
export function templateVars(
  template: NotificationEvent,
  p: FanoutPayload,
  orgName: string,
  incident: IncidentFacts | null,
): TemplateVars {
  const d = p.data ?? {};
  const vars: Record<string, unknown> = { orgName };
  for (const name of VAR_NAMES) {
    const v = str(d[name]);
    if (v !== undefined) vars[name] = v;
  }
  if (incident)
    Object.assign(vars, {
      reference: incident.reference,
      title: incident.title,
      grade: incident.grade,
      category: incident.category,
    });
  switch (template) {
    case 'incident.declared':
    case 'incident.confirmed':
      if (incident?.nextDueAt) vars.dueAt = incident.nextDueAt;
      break;
    case 'incident.regraded':
      vars.previousGrade = str(d.from);
      vars.grade = str(d.to) ?? vars.grade;
      break;
    case 'phase.advanced':
      vars.phase = str(d.to) ?? str(d.phase);
      break;
    case 'deadline.reminder':
    case 'deadline.missed':
      vars.dueAt = str(d.dueAt) ?? incident?.timerDueAt ?? undefined;
      break;
    case 'escalation':
      vars.dueAt = str(d.dueAt) ?? incident?.timerDueAt ?? undefined;
      if (str(d.role)) vars.note = `${String(d.role)} (level ${String(d.level ?? '?')})`;
      break;
    case 'report.submitted':
      vars.reportKind = REPORT_KIND_OF[p.event] ?? str(d.reportKind);
      break;
    default:
      break;
  }
  vars.drill = p.drill;
  return vars as TemplateVars;
}

const GENERIC_LABELS: Readonly<Record<string, Record<Locale, string>>> = {
  'step.completed': { 'zh-CN': '处置步骤已完成', en: 'Step completed' },
  'step.reopened': { 'zh-CN': '处置步骤已重新打开', en: 'Step reopened' },
  'review.started': { 'zh-CN': '进入总结复盘', en: 'Post-incident review started' },
  'warning.assessed': { 'zh-CN': '预警已研判', en: 'Warning assessed' },
  'warning.actions-taken': { 'zh-CN': '预警处置措施已记录', en: 'Warning actions recorded' },
  'warning.closed': { 'zh-CN': '预警已关闭', en: 'Warning closed' },
  [PLAN_NOTIFICATION]: { 'zh-CN': '预案通知', en: 'Plan notification' },
  'drill.reminder': { 'zh-CN': '应急演练即将开始', en: 'Emergency drill coming up' },
};

/** The message for an event with no template of its own. */
export function renderGeneric(
  event: string,
  locale: Locale,
  p: FanoutPayload,
  incident: IncidentFacts | null,
): RenderedMessage {
  const label = GENERIC_LABELS[event]?.[locale] ?? event;
  const ref = incident ? `[${sanitize(incident.reference)}] ` : '';
  const drillStamp = p.drill ? (locale === 'zh-CN' ? '【演练】' : '[DRILL] ') : '';
  const lines: string[] = [];
  if (p.drill)
    lines.push(
      locale === 'zh-CN'
        ? '> 【演练】本消息来自应急演练，不是真实事件。'
        : '> [DRILL] This message comes from an exercise, not a real incident.',
      '',
    );
  lines.push(`**${label}**`, `- ${locale === 'zh-CN' ? '事件类型' : 'Event'}: ${event}`);
  if (incident) lines.push(`- ${locale === 'zh-CN' ? '事件名称' : 'Title'}: ${sanitize(incident.title)}`);
  for (const key of ['stepId', 'role', 'title', 'level', 'phase', 'startsAt', 'participants']) {
    const v = p.data?.[key];
    if (typeof v === 'string' && v) lines.push(`- ${key}: ${sanitize(v)}`);
  }
  return {
    title: `${drillStamp}${ref}${label}${incident ? `: ${sanitize(incident.title)}` : ''}`,
    text: lines.join('\n'),
    locale,
    drill: p.drill,
    event,
  };
}

/**
 * Renders with the event's template, or generically when it has none. Throws TemplateVariableError when a required
 * variable is missing.
 */
export function renderFor(
  p: FanoutPayload,
  locale: Locale,
  orgName: string,
  incident: IncidentFacts | null,
): { template: string; message: RenderedMessage } {
  const template = templateEventFor(p);
  if (!template) return { template: 'generic', message: renderGeneric(p.event, locale, p, incident) };
  return { template, message: renderMessage(template, locale, templateVars(template, p, orgName, incident)) };
}
