import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { earlyWarningEventCandidates } from './early-warning/candidates';
import type { EarlyWarningContext } from './early-warning/types';
import { incidentEventCandidates } from './incident/candidates';
import type { IncidentContext } from './incident/types';
import { maySend } from './permissions';
import type { Role } from './types';

/**
 * Payload variants per machine id. Context is typed per machine; the registry key guarantees the match.
 */
const CANDIDATES: Readonly<Record<string, (context: unknown) => EventObject[]>> = {
  incident: (context) => incidentEventCandidates(context as IncidentContext),
  'early-warning': (context) => earlyWarningEventCandidates(context as EarlyWarningContext),
};

/** Event types the machine handles anywhere, without XState's internal ones (done.*, xstate.*). */
export function machineEventTypes(machine: AnyStateMachine): string[] {
  return machine.events.filter((t: string) => t !== '' && t !== '*' && !t.startsWith('xstate.') && !t.startsWith('done.'));
}

export interface AllowedEventsOptions {
  /** Only events this role may send (EVENT_PERMISSIONS), and step events for steps this role may act on. */
  role?: Role;
}

/**
 * The event types the machine would accept now. Computed from the machine: for every event type it
 * handles, each payload variant from the machine's candidate generator (one per distinction a guard
 * draws — step × role, partial or not, the live timer generation; see incident/candidates.ts) is tried
 * with `snapshot.can()`, which runs the real guards. A type is allowed when at least one variant passes,
 * so payload-dependent guards mean "allowed for some payload": COMPLETE_STEP is listed when some open
 * step of the current phase can be completed, and the runtime still refuses a particular bad payload.
 * Timer events are listed only while their timer is live (a stale generation is ignored by the machine).
 * A machine without a candidate generator is asked with a bare `{ type }` per event type.
 */
export function allowedEvents(
  machine: AnyStateMachine,
  snapshot: AnyMachineSnapshot,
  options: AllowedEventsOptions = {},
): string[] {
  if (snapshot.status !== 'active') return [];
  const generate = CANDIDATES[machine.id];
  const candidates = generate ? generate(snapshot.context) : [];
  const role = options.role;
  return machineEventTypes(machine).filter((type) => {
    if (role !== undefined && !maySend(machine.id, type, role)) return false;
    let variants = candidates.filter((c) => c.type === type);
    if (role !== undefined) {
      variants = variants.filter((c) => !('role' in c) || (c as EventObject & { role: unknown }).role === role);
    }
    if (variants.length === 0) variants = [{ type }];
    return variants.some((event) => snapshot.can(event));
  });
}
