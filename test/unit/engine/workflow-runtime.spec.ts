import { initialTransition, transition, type ExecutableActionObject } from 'xstate';
import { WorkflowRuntime } from '../../../src/engine/workflow-runtime';
import { effectsOf, incidentMachineV1, type IncidentEvent } from '../../../workflows';
import { compactSteps, incidentInput } from '../workflows/helpers';

describe('WorkflowRuntime', () => {
  const runtime = new WorkflowRuntime();
  const input = incidentInput({ steps: compactSteps(), grade: 'II', reportingRequired: true });
  const events: IncidentEvent[] = [
    { type: 'COMPLETE_STEP', stepId: 'triage-step', role: 'commander', actorId: 'u1', at: '2026-01-01T00:00:00.000Z' },
    { type: 'CONFIRM', grade: 'I', reportingRequired: true },
    { type: 'REGRADE', grade: 'II', reportingRequired: true },
    { type: 'ADVANCE' },
  ];

  it('steps exactly like XState\'s pure transition(): same snapshots, same effects, same refusals', () => {
    const [xsStart, xsActions] = initialTransition(incidentMachineV1, input);
    const ours = runtime.start('incident', 1, input);
    expect(ours.snapshot.value).toEqual(xsStart.value);
    expect(ours.snapshot.context).toEqual(xsStart.context);
    expect(ours.effects).toEqual(effectsOf(xsActions as ExecutableActionObject[]));
    let xs = xsStart;
    let snap = ours.snapshot;
    for (const event of events) {
      const stepped = runtime.step('incident', 1, snap, event);
      const accepted = xs.can(event);
      expect(stepped.accepted).toBe(accepted);
      if (!accepted) continue;
      const [next, actions] = transition(incidentMachineV1, xs, event);
      expect(stepped.snapshot.value).toEqual(next.value);
      expect(stepped.snapshot.context).toEqual(next.context);
      expect(stepped.effects).toEqual(effectsOf(actions as ExecutableActionObject[]));
      xs = next;
      snap = stepped.snapshot;
    }
    // The sequence above did move the machine (a check that cannot pass vacuously).
    expect(runtime.topState(snap)).not.toBe('triage');
  });

  it('serialises a snapshot exactly as JSON.stringify of value, context and status, before and after transitions', () => {
    const rt = new WorkflowRuntime();
    const plain = (s: { value: unknown; context: unknown; status: string }) => JSON.stringify({ value: s.value, context: s.context, status: s.status });
    let snap = rt.start('incident', 1, input).snapshot;
    expect(rt.serialise(snap)).toBe(plain(snap));
    for (const event of events) {
      const stepped = rt.step('incident', 1, snap, event);
      if (!stepped.accepted) continue;
      snap = stepped.snapshot;
      expect(rt.serialise(snap)).toBe(plain(snap));
      // Round trip: what is stored restores to the same state.
      const restored = rt.restore('incident', 1, rt.serialise(snap));
      expect(restored.value).toEqual(snap.value);
      expect(restored.context).toEqual(snap.context);
    }
    expect(runtime.topState(snap)).not.toBe('triage');
  });

  it('keeps snapshots by row version: a hit only for the same version, least recently used evicted first', () => {
    const rt = new WorkflowRuntime();
    const a = rt.start('incident', 1, input).snapshot;
    rt.remember('row-a', 3, a);
    expect(rt.cached('row-a', 3)).toBe(a);
    expect(rt.cached('row-a', 4)).toBeUndefined();
    expect(rt.cached('row-b', 3)).toBeUndefined();
    // Fill to the bound while touching row-a, which must survive; the oldest other entry must not.
    for (let i = 0; i < 500; i++) {
      rt.remember(`filler-${i}`, 1, a);
      if (i % 100 === 0) expect(rt.cached('row-a', 3)).toBe(a);
    }
    expect(rt.cached('row-a', 3)).toBe(a);
    expect(rt.cached('filler-0', 1)).toBeUndefined();
    expect(rt.cached('filler-499', 1)).toBe(a);
  });
});
