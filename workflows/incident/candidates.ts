import type { IncidentContext, IncidentEvent, IncidentTimer } from './types';

/**
 * One representative event per payload variant that a guard can tell apart, derived from the context.
 * allowedEvents() asks the machine (`snapshot.can`) about each of them, so the answer comes from the
 * guards, not from a hand-kept table. Free-text fields (reason, reportId, actorId, at) are never read by a
 * guard, so placeholders stand in for them.
 */
export function incidentEventCandidates(context: IncidentContext): IncidentEvent[] {
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
  ];
  for (const step of context.steps) {
    for (const role of step.roles) {
      events.push({ type: 'COMPLETE_STEP', stepId: step.id, role, actorId: '', at: '' });
      events.push({ type: 'REOPEN_STEP', stepId: step.id, role, actorId: '', at: '' });
    }
  }
  for (const timer of Object.keys(context.deadlines) as IncidentTimer[]) {
    const entry = context.deadlines[timer];
    if (!entry) continue;
    events.push({ type: 'DEADLINE_MISSED', timer, generation: entry.generation });
    events.push({ type: 'DEADLINE_REMINDER', timer, generation: entry.generation, fraction: unusedFraction(entry.reminded) });
  }
  return events;
}

/** A reminder fraction not delivered yet, so the candidate asks "is this timer live", not "is 0.5 new". */
export function unusedFraction(reminded: readonly number[]): number {
  let fraction = 0.5;
  while (reminded.includes(fraction)) fraction /= 2;
  return fraction;
}
