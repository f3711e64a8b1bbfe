import { initialTransition, transition, type ExecutableActionObject } from 'xstate';
import { WorkflowRuntime } from '../../../src/engine/workflow-runtime';
import { effectsOf, incidentMachineV1, type IncidentEvent } from '../../../workflows';
import {
  MissingStepDefinitionError,
  stepDefinition,
  stepProgress,
  type IncidentContext,
} from '../../../workflows/incident';
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

  it("steps exactly like XState's pure transition(): same snapshots, same effects, same refusals", () => {
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

  it("stores an incident's steps as progress only, and restores them with the definitions, event after event", () => {
    const rt = new WorkflowRuntime();
    // What is stored: JSON.stringify of value, context and status, with each step cut to its progress,
    // and a step never started nor reopened cut to its id.
    const untouched = (p: object) => JSON.stringify(Object.keys(p)) === '["id","status","reopenCount"]';
    const expected = (s: { value: unknown; context: IncidentContext; status: string }) =>
      JSON.stringify({
        value: s.value,
        context: {
          ...s.context,
          steps: s.context.steps
            .map(stepProgress)
            .map((p) => (untouched(p) && p.status === 'open' && p.reopenCount === 0 ? p.id : p)),
        },
        status: s.status,
      });
    let snap = rt.start('incident', 1, input).snapshot;
    const definitions = (snap.context as IncidentContext).steps.map(stepDefinition);
    const reopen: IncidentEvent = {
      type: 'REOPEN_STEP',
      stepId: 'triage-step',
      role: 'commander',
      actorId: 'u1',
      at: '2026-01-01T00:01:00.000Z',
    };
    const shapes = new Set<string>();
    let compared = 0;
    // The triage step completed, reopened and completed again, then the rest of the sequence.
    for (const event of [null, events[0]!, reopen, ...events]) {
      if (event) {
        const stepped = rt.step('incident', 1, snap, event);
        if (!stepped.accepted) continue;
        snap = stepped.snapshot;
      }
      const stored = rt.serialise(snap);
      expect(stored).toBe(expected(snap as never));
      for (const p of (JSON.parse(stored) as { context: { steps: unknown[] } }).context.steps)
        shapes.add(typeof p === 'string' ? 'id only' : `${(p as { status: string }).status} object`);
      expect(stored).not.toContain('"title"');
      const restored = rt.restore('incident', 1, stored, definitions);
      expect(restored.value).toEqual(snap.value);
      expect(restored.context).toEqual(snap.context);
      expect(() => rt.restore('incident', 1, stored)).toThrow(MissingStepDefinitionError);
      compared++;
    }
    expect(compared).toBeGreaterThan(3);
    // Untouched steps as ids, a done step and a reopened (open, reopenCount 1) step as objects.
    expect([...shapes].sort()).toEqual(['done object', 'id only', 'open object']);
    expect(runtime.topState(snap)).not.toBe('triage');
  });

  it('still restores a snapshot stored with whole steps (written before the split), without definitions', () => {
    const rt = new WorkflowRuntime();
    const snap = rt.step('incident', 1, rt.start('incident', 1, input).snapshot, events[0]!).snapshot;
    const old = JSON.stringify({ value: snap.value, context: snap.context, status: snap.status });
    const restored = rt.restore('incident', 1, old);
    expect(restored.context).toEqual(snap.context);
    expect((restored.context as IncidentContext).steps[0]!.status).toBe('done');
  });

  it('keeps snapshots by row version: a hit only for the same version, least recently used evicted first', () => {
    const rt = new WorkflowRuntime();
    const a = rt.start('incident', 1, input).snapshot;
    rt.remember('row-a', 3, a);
    expect(rt.cached('row-a', 3)).toBe(a);
    expect(rt.cached('row-a', 4)).toBeUndefined();
    expect(rt.cached('row-b', 3)).toBeUndefined();
    // Fill to the bound while touching row-a, which must survive; the oldest other entry must not.
    for (let i = 0; i < 2000; i++) {
      rt.remember(`filler-${i}`, 1, a);
      if (i % 400 === 0) expect(rt.cached('row-a', 3)).toBe(a);
    }
    expect(rt.cached('row-a', 3)).toBe(a);
    expect(rt.cached('filler-0', 1)).toBeUndefined();
    expect(rt.cached('filler-1999', 1)).toBe(a);
  });
});
