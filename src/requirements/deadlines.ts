import { addDuration } from '../common';
import type { ReportingRule, TimedReport } from './types';
import { WEEKDAYS_ONLY, type WorkingCalendar } from './working-calendar';

export type DeadlineKind = 'initial' | 'final' | 'onward';

export class NoSuchReportError extends Error {
  override name = 'NoSuchReportError';
}

/**
 * When a report of `kind` is due under `rule`, counting from `clockStart` — the instant the report's
 * `clockStartsAt` names (detectedAt for initial, handlingEndedAt for final, receivedAt for onward);
 * the caller picks that timestamp from the incident. Follow-ups have no regulatory clock and are
 * therefore not a kind here. Working days come from `calendar`; the service passes the catalogue's
 * (Catalogue.reportDeadline), which knows the published public holidays and make-up working days.
 */
export function computeReportDeadline(
  rule: ReportingRule,
  kind: DeadlineKind,
  clockStart: Date,
  calendar: WorkingCalendar = WEEKDAYS_ONLY,
): Date {
  const report: TimedReport | undefined = rule.reports[kind];
  if (!report) throw new NoSuchReportError(`rule ${rule.id} has no ${kind} report`);
  return addDuration(clockStart, report.within, report.dayKind ?? 'calendar', (t) => calendar.isWorkingDay(t));
}
