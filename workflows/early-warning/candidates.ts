import { unusedFraction } from '../incident/candidates';
import type { EarlyWarningContext, EarlyWarningEvent, WarningTimer } from './types';

/** See incident/candidates.ts: payload variants the guards distinguish, for allowedEvents(). */
export function earlyWarningEventCandidates(context: EarlyWarningContext): EarlyWarningEvent[] {
  const events: EarlyWarningEvent[] = [
    { type: 'START_ASSESSMENT' },
    { type: 'ASSESSED', applicable: true },
    { type: 'ASSESSED', applicable: false },
    { type: 'ACTIONS_TAKEN' },
    { type: 'FEEDBACK_SENT', feedbackId: '' },
    { type: 'CLOSE' },
  ];
  for (const timer of Object.keys(context.deadlines) as WarningTimer[]) {
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
