import { initialTransition, transition, type ExecutableActionObject } from 'xstate';
import { WorkflowRuntime } from '../../../src/engine/workflow-runtime';
import { effectsOf, incidentMachineV1, type IncidentEvent } from '../../../workflows';
import {
  MissingStepDefinitionError,
  stepDefinition,
  stepProgress,
  storedStepProgress,
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

  it("stores only an incident's touched steps and restores them with the definitions, event after event", () => {
    const rt = new WorkflowRuntime();
    // What is stored: JSON.stringify of value, context and status, the steps replaced by `touchedSteps`:
    // the progress of each step started, done or reopened, in order; a step never started nor reopened
    // is left out (the definitions give it back).
    const untouched = (p: { status: string; reopenCount: number }) =>
      JSON.stringify(Object.keys(p)) === '["id","status","reopenCount"]' && p.status === 'open' && p.reopenCount === 0;
    const expected = (s: { value: unknown; context: IncidentContext; status: string }) => {
      const { steps, ...rest } = s.context;
      return JSON.stringify({
        value: s.value,
        context: { ...rest, touchedSteps: steps.map(stepProgress).filter((p) => !untouched(p)) },
        status: s.status,
      });
    };
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
      const parsed = JSON.parse(stored) as { context: { steps?: unknown; touchedSteps: Array<{ status: string }> } };
      expect(parsed.context.steps).toBeUndefined();
      expect(parsed.context.touchedSteps.length).toBeLessThan(definitions.length);
      shapes.add(parsed.context.touchedSteps.map((p) => p.status).join() || 'none');
      expect(stored).not.toContain('"title"');
      const restored = rt.restore('incident', 1, stored, definitions);
      expect(restored.value).toEqual(snap.value);
      expect(restored.context).toEqual(snap.context);
      expect(() => rt.restore('incident', 1, stored)).toThrow(MissingStepDefinitionError);
      compared++;
    }
    expect(compared).toBeGreaterThan(3);
    // None touched (declared), one done, one reopened (open, reopenCount 1).
    expect([...shapes].sort()).toEqual(['done', 'none', 'open']);
    expect(runtime.topState(snap)).not.toBe('triage');
    // A touched step the definitions do not name cannot be placed.
    const stray = rt.serialise(snap).replace('"id":"triage-step"', '"id":"no-such-step"');
    expect(() => rt.restore('incident', 1, stray, definitions)).toThrow(MissingStepDefinitionError);
  });

  it('still restores a snapshot stored with each step as its progress or its id (written before 2026-12-03)', () => {
    const rt = new WorkflowRuntime();
    const snap = rt.step('incident', 1, rt.start('incident', 1, input).snapshot, events[0]!).snapshot;
    const context = snap.context as IncidentContext;
    const definitions = context.steps.map(stepDefinition);
    const old = JSON.stringify({
      value: snap.value,
      context: { ...context, steps: context.steps.map((s) => storedStepProgress(stepProgress(s))) },
      status: snap.status,
    });
    expect(old).toContain('"done"');
    const restored = rt.restore('incident', 1, old, definitions);
    expect(restored.context).toEqual(snap.context);
    expect(() => rt.restore('incident', 1, old)).toThrow(MissingStepDefinitionError);
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
