import type { Role } from './types';

/**
 * Who may send which event type, per workflow. Data, not code: the runtime checks it before it asks the
 * machine. `per-step` means the event carries the sender's role and the machine's guard checks it against
 * the step's own `roles` (a playbook decides who completes a step, not this table).
 *
 * Report events are sent by the runtime (`system`) when a report is actually delivered, and may be sent
 * by a liaison to record a report delivered outside the product (e.g. by phone, then on paper). Timer
 * events come only from the timer processor (`system`).
 */
export type EventPermission = readonly Role[] | 'per-step';

const COMMAND: readonly Role[] = ['commander', 'admin'];
const REPORTS: readonly Role[] = ['liaison', 'system'];
const TIMERS: readonly Role[] = ['system'];

export const EVENT_PERMISSIONS: Readonly<Record<string, Readonly<Record<string, EventPermission>>>> = {
  incident: {
    CONFIRM: COMMAND,
    DISMISS: COMMAND,
    REGRADE: COMMAND,
    ADVANCE: COMMAND,
    COMPLETE_STEP: 'per-step',
    REOPEN_STEP: 'per-step',
    INITIAL_REPORT_SUBMITTED: REPORTS,
    FOLLOWUP_REPORT_SUBMITTED: REPORTS,
    FINAL_REPORT_SUBMITTED: REPORTS,
    // The responsible leader signs off the review (see the leader-sign-off step), so may also close it.
    REVIEW_COMPLETED: ['commander', 'leader', 'admin'],
    REIDENTIFICATION_COMPLETED: COMMAND,
    // Version 2 on. Whether a crime is suspected is the commander's call, or the responsible leader's.
    CRIME_ASSESSED: ['commander', 'leader', 'admin'],
    // The liaison (or the commander, who often goes to the police station in person) records the report.
    POLICE_REPORT_FILED: ['liaison', 'commander'],
    DEADLINE_REMINDER: TIMERS,
    DEADLINE_MISSED: TIMERS,
  },
  'early-warning': {
    START_ASSESSMENT: ['commander', 'responder', 'admin'],
    ASSESSED: ['commander', 'admin'],
    ACTIONS_TAKEN: ['commander', 'responder', 'admin'],
    FEEDBACK_SENT: REPORTS,
    CLOSE: COMMAND,
    DEADLINE_REMINDER: TIMERS,
    DEADLINE_MISSED: TIMERS,
  },
};

export function permissionFor(workflowId: string, eventType: string): EventPermission | undefined {
  return EVENT_PERMISSIONS[workflowId]?.[eventType];
}

/**
 * Whether `role` may send `eventType` at all. For `per-step` events this says yes for any role except
 * `viewer` and `system`: the machine's guard then decides per step. Unknown workflows or events: no.
 */
export function maySend(workflowId: string, eventType: string, role: Role): boolean {
  const permission = permissionFor(workflowId, eventType);
  if (permission === undefined) return false;
  if (permission === 'per-step') return role !== 'viewer' && role !== 'system';
  return permission.includes(role);
}
