import { createMachine, type AnyStateMachine } from 'xstate';
import type { TimerParams } from './machine.v1';
import * as V1 from './machine.v1';
import { incidentMachineV2 } from './machine.v2';
import type { IncidentEvent } from './types';

const { effects } = V1;

/**
 * Whether a report was on time, as the runtime decided it from the report's submission time and the
 * deadline's due time (`late`), for the events that meet a deadline; absent when it could not tell.
 */
function lateness(event: IncidentEvent): boolean | undefined {
  return event.type === 'INITIAL_REPORT_SUBMITTED' ||
    event.type === 'FINAL_REPORT_SUBMITTED' ||
    event.type === 'POLICE_REPORT_FILED'
    ? event.late
    : undefined;
}

/**
 * Incident lifecycle, version 3: version 2 with one change (workflows/README.md). Whether a report met
 * its deadline is decided by its submission time against the due time — which the runtime compares and
 * sends as `late` — never by whether the deadline's due timer happened to run first:
 * - a report submitted after its due time records the deadline `missed` (with the `deadline.missed`
 *   notice) even when the due timer has not run yet; the timer then finds nothing to do;
 * - a report submitted before its due time records it `met` even when the due timer ran (and recorded a
 *   miss) while the report's submission was still on its way into the database.
 * Without `late` (an event sent before version 3, or no deadline row) it behaves as version 2: a pending
 * deadline is met, a missed one stays missed. In every case the deadline's jobs are cancelled.
 */
const meetDeadlineByTime = effects<TimerParams>(({ context, event, enqueue }, params) => {
  const entry = context.deadlines[params.timer];
  if (!entry || (entry.status !== 'pending' && entry.status !== 'missed')) return;
  const late = lateness(event);
  if (entry.status === 'pending' && late === true) {
    enqueue.assign({ deadlines: { ...context.deadlines, [params.timer]: { ...entry, status: 'missed' } } });
    enqueue({
      type: 'notify',
      params: { event: 'deadline.missed', data: { timer: params.timer, generation: entry.generation } },
    });
  } else if (entry.status === 'pending' || late === false) {
    enqueue.assign({ deadlines: { ...context.deadlines, [params.timer]: { ...entry, status: 'met' } } });
  }
  enqueue({ type: 'cancelDeadline', params: { timer: params.timer, generation: entry.generation } });
});

/**
 * Version 2's definition (states, transitions, guards, requirement citations) under version 3, with the
 * `meetDeadline` implementation above. Built from version 2's config and implementations so the two can
 * differ only where this file says.
 */
export const incidentMachineV3: AnyStateMachine = createMachine(
  { ...(incidentMachineV2.config as object), version: '3' } as never,
  {
    ...incidentMachineV2.implementations,
    actions: { ...incidentMachineV2.implementations.actions, meetDeadline: meetDeadlineByTime },
  } as never,
);
