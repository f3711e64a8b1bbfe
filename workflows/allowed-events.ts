import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { earlyWarningEventCandidates } from './early-warning/candidates';
import type { EarlyWarningContext } from './early-warning/types';
import { incidentEventCandidates } from './incident/candidates';
import type { IncidentContext } from './incident/types';
import { maySend } from './permissions';
import type { Role } from './types';

/**
 * Payload variants per machine id. Context is typed per machine; the registry key guarantees the match.
 * A generator may leave out variants for other roles than `role` (they are filtered out anyway).
 */
const CANDIDATES: Readonly<Record<string, (context: unknown, role?: Role) => EventObject[]>> = {
  incident: (context, role) => incidentEventCandidates(context as IncidentContext, role),
  'early-warning': (context) => earlyWarningEventCandidates(context as EarlyWarningContext),
};

const eventTypes = new WeakMap<AnyStateMachine, readonly string[]>();

/**
 * Event types the machine handles anywhere, without XState's internal ones (done.*, xstate.*).
 * Computed once per machine (a definition never changes, and this runs for every answer that lists
 * allowed events) and shared, hence read-only.
 */
export function machineEventTypes(machine: AnyStateMachine): readonly string[] {
  let types = eventTypes.get(machine);
  if (!types) {
    types = Object.freeze(
      machine.events.filter((t: string) => t !== '' && t !== '*' && !t.startsWith('xstate.') && !t.startsWith('done.')),
    );
    eventTypes.set(machine, types);
  }
  return types;
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
  const role = options.role;
  const byType = new Map<string, EventObject[]>();
  for (const c of generate ? generate(snapshot.context, role) : []) {
    if (role !== undefined && 'role' in c && (c as EventObject & { role: unknown }).role !== role) continue;
    const list = byType.get(c.type);
    if (list) list.push(c);
    else byType.set(c.type, [c]);
  }
  return machineEventTypes(machine).filter((type) => {
    if (role !== undefined && !maySend(machine.id, type, role)) return false;
    const variants = byType.get(type) ?? [{ type }];
    return variants.some((event) => snapshot.can(event));
  });
}
