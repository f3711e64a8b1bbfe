import { getAdjacencyMap } from '@xstate/graph';
import { initialTransition, transition, type AnyStateNode, type ExecutableActionObject } from 'xstate';
import { earlyWarningMachineV1, type EarlyWarningEvent } from '../../../workflows/early-warning';
import { effectsOf } from '../../../workflows/snapshot';

type Snap = ReturnType<typeof initialTransition<typeof earlyWarningMachineV1>>[0];

function start() {
  const [s, actions] = initialTransition(earlyWarningMachineV1, { warningId: 'w-1', level: 'orange' });
  return { s, effects: effectsOf(actions as ExecutableActionObject[]) };
}

function run(s: Snap, ...events: EarlyWarningEvent[]) {
  let effects: ReturnType<typeof effectsOf> = [];
  for (const e of events) {
    const [n, actions] = transition(earlyWarningMachineV1, s, e);
    s = n;
    effects = effectsOf(actions as ExecutableActionObject[]);
  }
  return { s, effects };
}

describe('early-warning machine v1', () => {
  it('starts the feedback deadline when the warning is received', () => {
    const { s, effects } = start();
    expect(s.value).toBe('received');
    expect(effects).toEqual([
      { type: 'scheduleDeadline', params: { timer: 'warning-feedback', generation: 1 } },
      { type: 'notify', params: { event: 'warning.received', data: { level: 'orange' } } },
    ]);
  });

  it('applicable: assess, act, feed back, close — the deadline is met and its job cancelled', () => {
    let { s } = start();
    ({ s } = run(s, { type: 'START_ASSESSMENT' }, { type: 'ASSESSED', applicable: true }));
    expect(s.value).toBe('acting');
    // Feedback before the actions are recorded is refused.
    expect(s.can({ type: 'FEEDBACK_SENT', feedbackId: 'fb' })).toBe(false);
    ({ s } = run(s, { type: 'ACTIONS_TAKEN', summary: 'blocked the IOCs at the perimeter' }));
    const r = run(s, { type: 'FEEDBACK_SENT', feedbackId: 'fb-1' });
    expect(r.s.value).toBe('feedbackSent');
    expect(r.s.context.deadlines['warning-feedback']?.status).toBe('met');
    expect(r.effects).toContainEqual({ type: 'cancelDeadline', params: { timer: 'warning-feedback', generation: 1 } });
    const closed = run(r.s, { type: 'CLOSE' });
    expect(closed.s.value).toBe('closed');
    expect(closed.s.status).toBe('done');
  });

  it('not applicable still requires feedback before closing', () => {
    let { s } = start();
    ({ s } = run(s, { type: 'START_ASSESSMENT' }, { type: 'ASSESSED', applicable: false, note: 'product not in use' }));
    expect(s.value).toBe('notApplicable');
    expect(s.context.applicable).toBe(false);
    expect(s.can({ type: 'CLOSE' })).toBe(false);
    ({ s } = run(s, { type: 'FEEDBACK_SENT', feedbackId: 'fb-2' }, { type: 'CLOSE' }));
    expect(s.value).toBe('closed');
  });

  it('records a missed feedback deadline once and ignores stale or late timers', () => {
    let { s } = start();
    const missed = run(s, { type: 'DEADLINE_MISSED', timer: 'warning-feedback', generation: 1 });
    expect(missed.s.context.deadlines['warning-feedback']?.status).toBe('missed');
    expect(missed.effects.map((e) => e.type)).toEqual(['notify']);
    expect(missed.s.can({ type: 'DEADLINE_MISSED', timer: 'warning-feedback', generation: 1 })).toBe(false);
    expect(s.can({ type: 'DEADLINE_MISSED', timer: 'warning-feedback', generation: 0 })).toBe(false);
    ({ s } = run(
      s,
      { type: 'START_ASSESSMENT' },
      { type: 'ASSESSED', applicable: false },
      { type: 'FEEDBACK_SENT', feedbackId: 'f' },
    ));
    expect(s.can({ type: 'DEADLINE_REMINDER', timer: 'warning-feedback', generation: 1, fraction: 0.5 })).toBe(false);
  });

  it('model-based: every state reachable, no dead end, closed accepts nothing', () => {
    const events = (snap: Snap): EarlyWarningEvent[] => [
      { type: 'START_ASSESSMENT' },
      { type: 'ASSESSED', applicable: true },
      { type: 'ASSESSED', applicable: false },
      { type: 'ACTIONS_TAKEN', summary: 's' },
      { type: 'FEEDBACK_SENT', feedbackId: 'f' },
      { type: 'CLOSE' },
      {
        type: 'DEADLINE_MISSED',
        timer: 'warning-feedback',
        generation: snap.context.deadlines['warning-feedback']?.generation ?? 1,
      },
      { type: 'DEADLINE_REMINDER', timer: 'warning-feedback', generation: 1, fraction: 0.5 },
    ];
    const serialize = (snap: Snap) =>
      JSON.stringify({
        v: snap.value,
        d: snap.context.deadlines['warning-feedback']?.status,
        a: snap.context.actionsSummary !== null,
        r: snap.context.deadlines['warning-feedback']?.reminded.length,
      });
    const adjacency = getAdjacencyMap(earlyWarningMachineV1, {
      input: { warningId: 'w', level: 'red' },
      events,
      serializeState: serialize,
    });
    const keys = Object.keys(adjacency) as Array<keyof typeof adjacency>;
    const reached = new Set(keys.map((k) => String(adjacency[k]!.state.value)));
    const all = (Object.values(earlyWarningMachineV1.root.states) as AnyStateNode[]).map((n) => n.key);
    expect(all.filter((k) => !reached.has(k))).toEqual([]);

    const done = new Set(keys.filter((k) => adjacency[k]!.state.status === 'done').map(String));
    let grew = true;
    while (grew) {
      grew = false;
      for (const k of keys) {
        if (done.has(String(k))) continue;
        if (Object.values(adjacency[k]!.transitions).some((t) => done.has(serialize(t.state)))) {
          done.add(String(k));
          grew = true;
        }
      }
    }
    expect(keys.filter((k) => !done.has(String(k)))).toEqual([]);
    for (const k of keys) {
      const snap = adjacency[k]!.state;
      if (snap.status !== 'done') continue;
      expect(snap.value).toBe('closed');
      for (const ev of events(snap)) expect(snap.can(ev)).toBe(false);
    }
  });
});
