import { getAdjacencyMap, getShortestPaths } from '@xstate/graph';
import { getMicrosteps, type AnyStateNode } from 'xstate';
import { allowedEvents, machineEventTypes } from '../../../workflows/allowed-events';
import {
  incidentEventCandidates,
  incidentMachineV1,
  incidentMachineV2,
  type IncidentEvent,
  type IncidentTimer,
} from '../../../workflows/incident';
import { maySend } from '../../../workflows/permissions';
import { ROLES, type Role } from '../../../workflows/types';
import { compactSteps, incidentInput, type IncidentSnapshot } from './helpers';

/**
 * Model-based checks with @xstate/graph over the compact playbook (one mandatory step per phase and
 * one optional step), both reporting obligations and every event kind including stale timers.
 * Generations and lists that only grow are abstracted in the serialised state so the traversal is finite.
 */

const AT = '2026-11-02T10:00:00Z';

function events(snapshot: IncidentSnapshot): IncidentEvent[] {
  const ctx = snapshot.context;
  const out: IncidentEvent[] = [
    // Version 2's police decision (version 1 refuses these). CONFIRM's own crimeSuspected answer is left to
    // incident-machine-v2.spec.ts: here it would only double the state space that CRIME_ASSESSED reaches.
    { type: 'CRIME_ASSESSED', suspected: true },
    { type: 'CRIME_ASSESSED', suspected: false },
    { type: 'POLICE_REPORT_FILED', reference: 'PSB-1', at: AT },
    { type: 'CONFIRM', grade: 'II', reportingRequired: true },
    { type: 'CONFIRM', grade: 'IV', reportingRequired: false },
    { type: 'DISMISS', reason: 'not an incident' },
    { type: 'REGRADE', grade: 'I', reportingRequired: true },
    { type: 'REGRADE', grade: 'IV', reportingRequired: false },
    { type: 'ADVANCE' },
    { type: 'INITIAL_REPORT_SUBMITTED', partial: true, reportId: 'r-partial' },
    { type: 'INITIAL_REPORT_SUBMITTED', partial: false, reportId: 'r-initial' },
    { type: 'FOLLOWUP_REPORT_SUBMITTED', reportId: 'r-follow' },
    { type: 'FINAL_REPORT_SUBMITTED', reportId: 'r-final' },
    { type: 'REVIEW_COMPLETED' },
    { type: 'REIDENTIFICATION_COMPLETED' },
  ];
  for (const step of ctx.steps) {
    if (step.status !== 'done') {
      out.push({ type: 'COMPLETE_STEP', stepId: step.id, role: step.roles[0]!, actorId: 'u', at: AT });
    }
  }
  for (const timer of ['initial-report', 'final-report', 'police-report'] as IncidentTimer[]) {
    const generation = ctx.deadlines[timer]?.generation ?? 1;
    out.push({ type: 'DEADLINE_MISSED', timer, generation });
    out.push({ type: 'DEADLINE_MISSED', timer, generation: generation - 1 });
  }
  return out;
}

function serializeState(snapshot: IncidentSnapshot): string {
  const ctx = snapshot.context;
  return JSON.stringify({
    value: snapshot.value,
    steps: ctx.steps.map((s) => s.status),
    reportingRequired: ctx.reportingRequired,
    crimeSuspected: ctx.crimeSuspected ?? null,
    policeReported: (ctx.policeReports?.length ?? 0) > 0,
    deadlines: Object.fromEntries(Object.entries(ctx.deadlines).map(([k, v]) => [k, v?.status])),
  });
}

const options = {
  input: incidentInput({ steps: compactSteps() }),
  events,
  serializeState: (s: IncidentSnapshot) => serializeState(s),
};

function leafStateIds(node: AnyStateNode): string[] {
  const children = Object.values(node.states) as AnyStateNode[];
  if (children.length === 0) return [node.id];
  return children.flatMap(leafStateIds);
}

/** Atomic node ids active in a snapshot, e.g. `incident.response.reporting.finalDue`. */
function activeLeaves(snapshot: IncidentSnapshot): string[] {
  return (snapshot._nodes as AnyStateNode[]).filter((n) => n.type === 'atomic' || n.type === 'final').map((n) => n.id);
}

const TRANSIENT: Record<string, string[]> = {
  '1': ['incident.response.reporting.deciding', 'incident.response.reporting.finalSubmitted'],
  // finalSubmitted can rest in version 2: the response then waits for the police question.
  '2': ['incident.response.police.deciding', 'incident.response.reporting.deciding'],
};

describe.each([incidentMachineV1, incidentMachineV2])('incident machine v$version: model-based', (machine) => {
  // Both versions share the context and event types; the casts only widen the v1-typed helpers.
  const incidentMachineV1 = machine as typeof import('../../../workflows/incident').incidentMachineV1;
  const adjacency = getAdjacencyMap(incidentMachineV1, options);
  const keys = Object.keys(adjacency);

  it('explores a non-trivial state space', () => {
    expect(keys.length).toBeGreaterThan(50);
  });

  it('reaches every state node', () => {
    const atRest = new Set(keys.flatMap((k) => activeLeaves(adjacency[k as keyof typeof adjacency]!.state)));
    const entered = new Set(atRest);
    for (const k of keys) {
      const { state, transitions } = adjacency[k as keyof typeof adjacency]!;
      for (const t of Object.values(transitions)) {
        for (const [micro] of getMicrosteps(incidentMachineV1, state, t.event)) {
          for (const id of activeLeaves(micro)) entered.add(id);
        }
      }
    }
    const all = leafStateIds(incidentMachineV1.root);
    expect(all.filter((id) => !entered.has(id))).toEqual([]);
    // Only the documented transient states are left at once by an eventless transition.
    expect(all.filter((id) => !atRest.has(id)).sort()).toEqual(TRANSIENT[incidentMachineV1.version!]);
  });

  it('has shortest paths to closed and to dismissed', () => {
    const paths = getShortestPaths(incidentMachineV1, {
      ...options,
      toState: (s) => s.value === 'closed' || s.value === 'dismissed',
    });
    const ends = new Set(paths.map((p) => p.state.value));
    expect(ends).toEqual(new Set(['closed', 'dismissed']));
    const toClosed = paths.find((p) => p.state.value === 'closed')!;
    const types = toClosed.steps.map((s) => s.event.type);
    expect(types).toContain('CONFIRM');
    expect(types).toContain('REIDENTIFICATION_COMPLETED');
  });

  it('has no dead end: from every reachable state, closed or dismissed can still be reached', () => {
    const canFinish = new Set<string>();
    for (const k of keys) {
      const s = adjacency[k as keyof typeof adjacency]!.state;
      if (s.value === 'closed' || s.value === 'dismissed') canFinish.add(k);
    }
    let grew = true;
    while (grew) {
      grew = false;
      for (const k of keys) {
        if (canFinish.has(k)) continue;
        const next = Object.values(adjacency[k as keyof typeof adjacency]!.transitions).map((t) =>
          serializeState(t.state),
        );
        if (next.some((n) => canFinish.has(n))) {
          canFinish.add(k);
          grew = true;
        }
      }
    }
    const stuck = keys.filter((k) => !canFinish.has(k));
    expect(stuck).toEqual([]);
  });

  it('final states are exactly closed and dismissed, and accept no event', () => {
    for (const k of keys) {
      const s = adjacency[k as keyof typeof adjacency]!.state;
      if (s.status !== 'done') continue;
      expect(['closed', 'dismissed']).toContain(s.value);
      for (const ev of events(s)) expect(s.can(ev)).toBe(false);
      for (const t of Object.values(adjacency[k as keyof typeof adjacency]!.transitions)) {
        expect(serializeState(t.state)).toBe(k);
      }
    }
  });

  it('never leaves a phase with its mandatory steps open', () => {
    const order = ['triage', 'containment', 'eradication', 'recovery', 'review', 'reidentification'];
    for (const k of keys) {
      const { state, transitions } = adjacency[k as keyof typeof adjacency]!;
      for (const t of Object.values(transitions)) {
        if (
          t.event.type !== 'ADVANCE' &&
          t.event.type !== 'CONFIRM' &&
          t.event.type !== 'REVIEW_COMPLETED' &&
          t.event.type !== 'REIDENTIFICATION_COMPLETED'
        )
          continue;
        if (serializeState(t.state) === k) continue;
        // The phase the incident was in before this transition.
        const before = state.matches('triage')
          ? 'triage'
          : state.matches('review')
            ? 'review'
            : state.matches('reidentification')
              ? 'reidentification'
              : (['containment', 'eradication', 'recovery'] as const).find((p) =>
                  state.matches({ response: { handling: p } }),
                );
        if (!before) continue;
        const open = state.context.steps.filter(
          (s) => s.mandatory && s.status !== 'done' && order.indexOf(s.phase) <= order.indexOf(before),
        );
        expect(open.map((s) => s.id)).toEqual([]);
      }
    }
  });

  it('version 2 never reaches review with a crime suspected and no police report, nor with the question open', () => {
    if (incidentMachineV1.version !== '2') return expect(incidentMachineV1.version).toBe('1');
    let checked = 0;
    for (const k of keys) {
      const s = adjacency[k as keyof typeof adjacency]!.state;
      if (!(s.matches('review') || s.matches('reidentification') || s.matches('closed'))) continue;
      checked++;
      expect(s.context.crimeSuspected).not.toBeNull();
      if (s.context.crimeSuspected) expect(s.context.policeReports!.length).toBeGreaterThan(0);
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('never reaches review with reporting required and no final report', () => {
    for (const k of keys) {
      const s = adjacency[k as keyof typeof adjacency]!.state;
      if (!(s.matches('review') || s.matches('reidentification') || s.matches('closed'))) continue;
      const initialSent = s.context.reports.initial.length > 0;
      if (initialSent || s.context.reportingRequired) {
        expect(s.context.reports.final).not.toBeNull();
      }
    }
  });

  it(
    'allowedEvents lists exactly what an exhaustive search over step, role ' +
      'and status finds, in every reachable state',
    () => {
      // The candidate generator leaves out step variants that cannot pass (other roles, wrong status);
      // this oracle tries every step with every role for both step events, whatever the step's status.
      const oracle = (s: IncidentSnapshot, role: Role): string[] => {
        const variants: IncidentEvent[] = incidentEventCandidates(s.context).filter(
          (e) => e.type !== 'COMPLETE_STEP' && e.type !== 'REOPEN_STEP',
        );
        for (const step of s.context.steps) {
          variants.push({ type: 'COMPLETE_STEP', stepId: step.id, role, actorId: '', at: '' });
          variants.push({ type: 'REOPEN_STEP', stepId: step.id, role, actorId: '', at: '' });
        }
        if (s.status !== 'active') return [];
        return machineEventTypes(incidentMachineV1).filter((type) => {
          if (!maySend('incident', type, role)) return false;
          const ofType = variants.filter((e) => e.type === type);
          return (ofType.length ? ofType : [{ type } as IncidentEvent]).some((e) => s.can(e));
        });
      };
      // Reopening needs a done step: take every reachable state, and each with its done steps.
      let compared = 0;
      for (const k of keys) {
        const s = adjacency[k as keyof typeof adjacency]!.state;
        for (const role of ROLES) {
          expect([k, role, allowedEvents(incidentMachineV1, s, { role })]).toEqual([k, role, oracle(s, role)]);
          compared++;
        }
        const union = [...new Set(ROLES.flatMap((role) => oracle(s, role)))];
        expect(new Set(allowedEvents(incidentMachineV1, s))).toEqual(new Set(union));
      }
      expect(compared).toBe(keys.length * ROLES.length);
      expect(
        keys.some((k) =>
          allowedEvents(incidentMachineV1, adjacency[k as keyof typeof adjacency]!.state, {
            role: 'commander',
          }).includes('REOPEN_STEP'),
        ),
      ).toBe(true);
    },
  );

  it('a stale timer generation never changes anything', () => {
    let checked = 0;
    for (const k of keys) {
      const { state, transitions } = adjacency[k as keyof typeof adjacency]!;
      for (const t of Object.values(transitions)) {
        if (t.event.type !== 'DEADLINE_MISSED') continue;
        const current = state.context.deadlines[t.event.timer]?.generation;
        if (current !== undefined && t.event.generation === current) continue;
        checked++;
        expect(t.state.context).toEqual(state.context);
        expect(t.state.value).toEqual(state.value);
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
