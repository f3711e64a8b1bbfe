import type { Role } from '../types';
import type { IncidentContext, IncidentEvent, IncidentTimer } from './types';

/**
 * One representative event per payload variant that a guard can tell apart, derived from the context.
 * allowedEvents() asks the machine (`snapshot.can`) about each of them, so the answer comes from the
 * guards, not from a hand-kept table. Free-text fields (reason, reportId, actorId, at) are never read by a
 * guard, so placeholders stand in for them.
 *
 * Step variants are only generated where they can pass, which keeps the number of `can()` calls down
 * (this runs for every answer that lists allowed events): for `role` only, when given, and by status,
 * because the step rules (steps.ts) never let a done step be completed nor an open one be reopened.
 * The machine still decides each variant that is generated.
 */
export function incidentEventCandidates(context: IncidentContext, role?: Role): IncidentEvent[] {
  const events: IncidentEvent[] = [
    { type: 'CONFIRM', grade: context.grade, reportingRequired: context.reportingRequired },
    { type: 'DISMISS', reason: '' },
    { type: 'REGRADE', grade: context.grade, reportingRequired: context.reportingRequired },
    { type: 'ADVANCE' },
    { type: 'INITIAL_REPORT_SUBMITTED', partial: true, reportId: '' },
    { type: 'INITIAL_REPORT_SUBMITTED', partial: false, reportId: '' },
    { type: 'FOLLOWUP_REPORT_SUBMITTED', reportId: '' },
    { type: 'FINAL_REPORT_SUBMITTED', reportId: '' },
    { type: 'REVIEW_COMPLETED' },
    { type: 'REIDENTIFICATION_COMPLETED' },
    // Version 2 on (version 1 accepts neither; can() then says no).
    { type: 'CRIME_ASSESSED', suspected: true },
    { type: 'CRIME_ASSESSED', suspected: false },
    { type: 'POLICE_REPORT_FILED', reference: '', at: '' },
  ];
  for (const step of context.steps) {
    const type = step.status === 'done' ? 'REOPEN_STEP' : 'COMPLETE_STEP';
    for (const stepRole of step.roles) {
      if (role === undefined || stepRole === role)
        events.push({ type, stepId: step.id, role: stepRole, actorId: '', at: '' });
    }
  }
  for (const timer of Object.keys(context.deadlines) as IncidentTimer[]) {
    const entry = context.deadlines[timer];
    if (!entry) continue;
    events.push({ type: 'DEADLINE_MISSED', timer, generation: entry.generation });
    events.push({
      type: 'DEADLINE_REMINDER',
      timer,
      generation: entry.generation,
      fraction: unusedFraction(entry.reminded),
    });
  }
  return events;
}

/** A reminder fraction not delivered yet, so the candidate asks "is this timer live", not "is 0.5 new". */
export function unusedFraction(reminded: readonly number[]): number {
  let fraction = 0.5;
  while (reminded.includes(fraction)) fraction /= 2;
  return fraction;
}
