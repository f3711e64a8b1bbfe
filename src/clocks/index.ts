/**
 * Clocks: what another module may use. A domain with a clock plans it with `Clocks` (start, stop,
 * acknowledge, escalation), registers its timer jobs' handlers with `TimerHandlers` and its
 * escalation state with `EscalationLadder`; the kinds of clock and their job ids are in clock-kinds.ts.
 */
export {
  APPROVAL_TIMEOUT,
  CLOCK_KINDS,
  DRILL_REMINDER,
  INCIDENT_DEADLINE,
  MAX_ESCALATION_STEPS,
  ONWARD_ESCALATION,
  ONWARD_REPORT,
  REPORT_ACKNOWLEDGEMENT,
  WARNING_FEEDBACK,
  reminderPercent,
  type ApprovalRef,
  type ClockJobData,
  type ClockKind,
  type DeliveryRef,
  type DrillReminderRef,
  type IncidentDeadlineRef,
  type WarningFeedbackRef,
} from './clock-kinds';
export { Clocks, type ClockWindow } from './clocks';
export { ClocksModule, ClocksWorkerModule } from './clocks.module';
export { DeadlineSweeper } from './deadline-sweeper';
export { EscalationLadder, type LadderBinding, type LadderState, type LadderStep } from './escalation-ladder';
export { type DeadlineRowStatus, IncidentDeadline } from './incident-deadline.entity';
export { IncidentDeadlines, type DeadlineSubject, type EscalationFacts } from './incident-deadlines';
export { TimerHandlers, TimerHandlersError, type TimerHandler } from './timer-handlers';
export { TimerTransactions } from './timer-transactions';
export { TimingPolicy } from './timing-policy';
export { DeadlineIncidents, type DeadlineIncident } from './deadline-incidents';
export { ArrivalHolds, ARRIVAL_HOLD_MS } from './arrival-holds';
