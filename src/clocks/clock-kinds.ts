import type { Role } from '../common';
import { jobId } from '../queues';

/**
 * The kinds of clock and how their timer jobs are spelled in Redis. Jobs outlive the code that
 * queued them (a deployment is upgraded while clocks run), and they are found, handled and cancelled
 * by these ids, names and payloads, so every string here is a contract with the jobs already queued:
 * test/e2e/clock-jobs-golden.e2e-spec.ts holds the record, and test/e2e/clock-upgrade.e2e-spec.ts
 * shows jobs queued by the code before this module are still handled and cancelled.
 */

/** One job of one clock: a reminder at `reminder` percent of the window, the due time, or an escalation step. */
export type ClockJob = { reminder: number } | 'due' | { escalate: number };

/** What a clock's jobs carry beside the clock's identity. */
export interface ClockJobData {
  fraction?: number;
  level?: number;
}

export interface ClockKind<Ref> {
  /** For messages and logs. */
  readonly title: string;
  /**
   * BullMQ job names. A kind without `reminder` has no reminders; one without `escalate` (a drill's
   * reminder) is only a moment, nobody is overdue after it.
   */
  readonly jobs: { readonly reminder?: string; readonly due: string; readonly escalate?: string };
  /**
   * Who is told, step by step, once the clock is overdue: the product's ladder (reporting-rules.yaml
   * `escalation.steps`) or a ladder of its own.
   */
  readonly ladder: 'product' | readonly Role[];
  /** How many escalation-step ids a cancellation lists: a fixed maximum, or the ladder's length. */
  readonly cancelsEscalations: number | 'ladder';
  jobId(ref: Ref, job: ClockJob): string;
  /**
   * Id of the outbox row that removes the clock's jobs: when it stops (`at` is when) or when someone
   * acknowledges it (its escalation steps only).
   */
  cancelId(ref: Ref, why: 'stop' | 'acknowledge', at: Date): string;
  /** The fields every job of the clock carries. */
  payload(ref: Ref): Record<string, unknown>;
  /** The clock a job belongs to, from the job's data. */
  refOf(data: Record<string, unknown>): Ref;
}

/** The part of a job id that says which job of its clock it is, where the ids have no dot inside it. */
const compact = (job: ClockJob): string =>
  job === 'due' ? 'due' : 'reminder' in job ? `r${job.reminder}` : `esc${job.escalate}`;

/** Fraction of a clock's window → the percent that names its reminder job. */
export const reminderPercent = (fraction: number): number => Math.round(fraction * 100);

/** Escalation-step ids a cancellation of an incident or warning clock lists (ladders are data, up to this long). */
export const MAX_ESCALATION_STEPS = 10;

export interface IncidentDeadlineRef {
  incidentId: string;
  /** The workflow's timer: `initial-report`, `final-report`, `police-report`. */
  timer: string;
  generation: number;
}

/** An incident's reporting deadline (the workflow's timers); its row is `incident_deadline`. */
export const INCIDENT_DEADLINE: ClockKind<IncidentDeadlineRef> = {
  title: 'incident deadline',
  jobs: { reminder: 'deadline-reminder', due: 'deadline-due', escalate: 'deadline-escalate' },
  ladder: 'product',
  cancelsEscalations: MAX_ESCALATION_STEPS,
  jobId: (r, job) => jobId('dl', r.incidentId, r.timer, r.generation, compact(job)),
  cancelId: (r, why, at) =>
    jobId('cancel', r.incidentId, r.timer, r.generation, why === 'acknowledge' ? 'ack' : at.getTime()),
  payload: (r) => ({ incidentId: r.incidentId, timer: r.timer, generation: r.generation }),
  refOf: (d) => ({ incidentId: String(d.incidentId), timer: String(d.timer), generation: Number(d.generation) }),
};

export interface DeliveryRef {
  deliveryId: string;
}

/**
 * A submitted report's acknowledgement by one recipient. Its due job is the first escalation step
 * (the operator's commander is told when the window closes); acknowledging stops the clock.
 */
export const REPORT_ACKNOWLEDGEMENT: ClockKind<DeliveryRef> = {
  title: 'report acknowledgement',
  jobs: { due: 'report-ack-due', escalate: 'report-ack-escalate' },
  ladder: 'product',
  cancelsEscalations: 'ladder',
  jobId: (r, job) => {
    if (job === 'due') return jobId('rpt', r.deliveryId, 'ack');
    if ('reminder' in job) throw new Error('a report acknowledgement clock has no reminders');
    return jobId('rpt', r.deliveryId, 'ack', 'esc', job.escalate);
  },
  cancelId: (r) => jobId('cancel', 'rpt', r.deliveryId, 'ack'),
  payload: (r) => ({ deliveryId: r.deliveryId }),
  refOf: (d) => ({ deliveryId: String(d.deliveryId) }),
};

/** The department side of an onward deadline: its officer first, then its admin. */
export const ONWARD_ESCALATION: readonly Role[] = ['department-officer', 'admin'];

/** The receiving department's duty to pass a grade I/II initial report on (rule `onward`). */
export const ONWARD_REPORT: ClockKind<DeliveryRef> = {
  title: 'onward report',
  jobs: { reminder: 'report-onward-reminder', due: 'report-onward-due', escalate: 'report-onward-escalate' },
  ladder: ONWARD_ESCALATION,
  cancelsEscalations: 'ladder',
  jobId: (r, job) =>
    job === 'due' || 'reminder' in job
      ? jobId('rpt', r.deliveryId, 'onw', compact(job))
      : jobId('rpt', r.deliveryId, 'onw', 'esc', job.escalate),
  cancelId: (r) => jobId('cancel', 'rpt', r.deliveryId, 'onw'),
  payload: (r) => ({ deliveryId: r.deliveryId }),
  refOf: (d) => ({ deliveryId: String(d.deliveryId) }),
};

export interface WarningFeedbackRef {
  warningId: string;
  operatorOrgId: string;
  /** The early-warning workflow's timer (`warning-feedback`). */
  timer: string;
  generation: number;
}

/** A warned operator's feedback deadline; its state is on the `warning_target` row. */
export const WARNING_FEEDBACK: ClockKind<WarningFeedbackRef> = {
  title: 'warning feedback',
  jobs: {
    reminder: 'warning-feedback-reminder',
    due: 'warning-feedback-due',
    escalate: 'warning-feedback-escalate',
  },
  ladder: 'product',
  cancelsEscalations: MAX_ESCALATION_STEPS,
  jobId: (r, job) => jobId('wf', r.warningId, r.operatorOrgId, r.timer, r.generation, compact(job)),
  cancelId: (r, _why, at) => jobId('cancel', 'w', r.warningId, r.operatorOrgId, r.timer, r.generation, at.getTime()),
  payload: (r) => ({
    warningId: r.warningId,
    operatorOrgId: r.operatorOrgId,
    timer: r.timer,
    generation: r.generation,
  }),
  refOf: (d) => ({
    warningId: String(d.warningId),
    operatorOrgId: String(d.operatorOrgId),
    timer: String(d.timer),
    generation: Number(d.generation),
  }),
};

export interface ApprovalRef {
  incidentId: string;
  /** The plan's approval step (kebab-case, no dots). */
  stepId: string;
}

/**
 * An approval step's timeout (an organisation's plan, src/plans): from the moment the incident reaches the
 * step's phase until the named role decides. Its due job is the first escalation step (the product's
 * ladder); a decision, yes or no, stops it. Its state is on the `incident_plan_action` row.
 */
export const APPROVAL_TIMEOUT: ClockKind<ApprovalRef> = {
  title: 'approval timeout',
  jobs: { due: 'approval-due', escalate: 'approval-escalate' },
  ladder: 'product',
  cancelsEscalations: 'ladder',
  jobId: (r, job) => {
    if (job === 'due') return jobId('apv', r.incidentId, r.stepId, 'due');
    if ('reminder' in job) throw new Error('an approval clock has no reminders');
    return jobId('apv', r.incidentId, r.stepId, 'esc', job.escalate);
  },
  cancelId: (r) => jobId('cancel', 'apv', r.incidentId, r.stepId),
  payload: (r) => ({ incidentId: r.incidentId, stepId: r.stepId }),
  refOf: (d) => ({ incidentId: String(d.incidentId), stepId: String(d.stepId) }),
};

export interface DrillReminderRef {
  drillId: string;
  /** How long before the drill starts, as the ISO 8601 duration the drill was scheduled with (`PT24H`). */
  before: string;
}

/**
 * One reminder to a scheduled drill's participants, `before` its start. Each reminder is a clock of its
 * own whose due time is the reminder's moment: the lead times are fixed durations chosen per drill
 * (24 h and 1 h by default), not fractions of a window, and nobody is overdue afterwards, so there is
 * no ladder. Its state is on the `drill` row (src/drills).
 */
export const DRILL_REMINDER: ClockKind<DrillReminderRef> = {
  title: 'drill reminder',
  jobs: { due: 'drill-reminder' },
  ladder: [],
  cancelsEscalations: 0,
  jobId: (r, job) => {
    if (job !== 'due') throw new Error('a drill reminder clock has only its due job');
    return jobId('drill', r.drillId, r.before);
  },
  cancelId: (r) => jobId('cancel', 'drill', r.drillId, r.before),
  payload: (r) => ({ drillId: r.drillId, before: r.before }),
  refOf: (d) => ({ drillId: String(d.drillId), before: String(d.before) }),
};

/** Any kind, for code that only reads its names and ladder. */
export type AnyClockKind = ClockKind<unknown>;

/** Every kind of clock: the timers queue holds jobs of these names and no others. */
export const CLOCK_KINDS: readonly AnyClockKind[] = [
  INCIDENT_DEADLINE,
  REPORT_ACKNOWLEDGEMENT,
  ONWARD_REPORT,
  WARNING_FEEDBACK,
  APPROVAL_TIMEOUT,
  DRILL_REMINDER,
];

/** Every job name a clock may queue. */
export const clockJobNames = (kinds: readonly AnyClockKind[] = CLOCK_KINDS): string[] =>
  kinds.flatMap((k) => [k.jobs.reminder, k.jobs.due, k.jobs.escalate].filter((n): n is string => !!n));
