import { initialTransition, transition } from 'xstate';
import { incidentMachineV1, INCIDENT_EVENT_TYPES, type IncidentEvent } from '../../../workflows/incident';
import { restoreSnapshot } from '../../../workflows/snapshot';
import { Driver, compactSteps, effectTypes, incidentInput, notices } from './helpers';

const AT = '2026-11-02T10:00:00Z';

describe('incident machine v1: what transition() returns', () => {
  it('returns effects as action objects with type and params, and nothing for assign actions', () => {
    const [s0, initialActions] = initialTransition(incidentMachineV1, incidentInput({ steps: compactSteps() }));
    expect(initialActions).toEqual([]);
    const [s1] = transition(incidentMachineV1, s0, {
      type: 'COMPLETE_STEP',
      stepId: 'triage-step',
      role: 'commander',
      actorId: 'u1',
      at: AT,
    });
    const [s2, actions] = transition(incidentMachineV1, s1, { type: 'CONFIRM', grade: 'II', reportingRequired: true });
    expect(s2.value).toEqual({ response: { handling: 'containment', reporting: 'initialDue' } });
    expect(actions.map((a) => ({ type: a.type, params: a.params }))).toEqual([
      {
        type: 'notify',
        params: { event: 'incident.confirmed', data: { grade: 'II', reportingRequired: true, drill: false } },
      },
      { type: 'scheduleDeadline', params: { timer: 'initial-report', generation: 1 } },
    ]);
    // The shape the runtime relies on: each returned action object carries `type` and resolved `params`.
    for (const a of actions) expect(Object.keys(a)).toEqual(expect.arrayContaining(['type', 'params']));
  });

  it('leaves the snapshot untouched and returns no actions for an event that is not accepted', () => {
    const d = new Driver(incidentInput({ steps: compactSteps() }));
    const before = d.snapshot;
    const [after, actions] = transition(incidentMachineV1, before, { type: 'ADVANCE' });
    expect(after.value).toEqual(before.value);
    expect(after.context).toEqual(before.context);
    expect(actions).toEqual([]);
  });
});

describe('triage', () => {
  it('refuses CONFIRM while a mandatory triage step is open', () => {
    const d = new Driver(incidentInput());
    expect(d.snapshot.can({ type: 'CONFIRM', grade: 'II', reportingRequired: true })).toBe(false);
    d.send({ type: 'CONFIRM', grade: 'II', reportingRequired: true });
    expect(d.snapshot.value).toBe('triage');
    d.complete('confirm-incident');
    expect(d.snapshot.can({ type: 'CONFIRM', grade: 'II', reportingRequired: true })).toBe(false);
    d.complete('assess-grade');
    d.send({ type: 'CONFIRM', grade: 'I', reportingRequired: true });
    expect(d.matches({ response: { handling: 'containment', reporting: 'initialDue' } })).toBe(true);
    expect(d.snapshot.context.grade).toBe('I');
  });

  it('does not schedule a report deadline when reporting is not required', () => {
    const d = new Driver(incidentInput({ grade: 'IV', reportingRequired: false })).confirm(false, 'IV');
    expect(d.matches({ response: { reporting: 'notRequired' } })).toBe(true);
    expect(effectTypes(d.effects)).not.toContain('scheduleDeadline');
    expect(d.snapshot.context.deadlines).toEqual({});
  });

  it('dismisses to a final state with the reason recorded and notified', () => {
    const d = new Driver(incidentInput()).send({ type: 'DISMISS', reason: 'false positive from the IDS' });
    expect(d.snapshot.value).toBe('dismissed');
    expect(d.snapshot.status).toBe('done');
    expect(d.snapshot.context.dismissReason).toBe('false positive from the IDS');
    expect(d.lastEffects).toEqual([
      { type: 'notify', params: { event: 'incident.dismissed', data: { reason: 'false positive from the IDS' } } },
    ]);
  });

  it('regrades in triage without scheduling anything (no deadline runs yet)', () => {
    const d = new Driver(incidentInput()).send({ type: 'REGRADE', grade: 'III', reportingRequired: true });
    expect(d.snapshot.context.grade).toBe('III');
    expect(d.lastEffects).toEqual([
      {
        type: 'notify',
        params: { event: 'incident.regraded', data: { from: 'II', to: 'III', reportingRequired: true } },
      },
    ]);
  });

  it('cannot be dismissed once confirmed', () => {
    const d = new Driver(incidentInput()).confirm();
    expect(d.snapshot.can({ type: 'DISMISS', reason: 'x' })).toBe(false);
  });
});

describe('playbook steps', () => {
  it('records who completed a step, with note and evidence', () => {
    const d = new Driver(incidentInput());
    d.send({
      type: 'COMPLETE_STEP',
      stepId: 'confirm-incident',
      role: 'responder',
      actorId: 'u7',
      at: AT,
      note: 'EDR alert confirmed on 3 hosts',
      evidence: ['ev-1', 'ev-2'],
    });
    expect(d.step('confirm-incident')).toMatchObject({
      status: 'done',
      completedBy: 'u7',
      completedRole: 'responder',
      completedAt: AT,
      note: 'EDR alert confirmed on 3 hosts',
      evidence: ['ev-1', 'ev-2'],
    });
    expect(notices(d.lastEffects)).toEqual(['step.completed']);
  });

  it('refuses a role the step does not allow', () => {
    const d = new Driver(incidentInput());
    // assess-grade is for the commander only.
    const ev: IncidentEvent = {
      type: 'COMPLETE_STEP',
      stepId: 'assess-grade',
      role: 'responder',
      actorId: 'u',
      at: AT,
    };
    expect(d.snapshot.can(ev)).toBe(false);
    d.send(ev);
    expect(d.step('assess-grade').status).toBe('open');
    expect(d.snapshot.can({ ...ev, role: 'viewer' })).toBe(false);
    expect(d.snapshot.can({ ...ev, role: 'commander' })).toBe(true);
  });

  it('refuses unknown steps and steps of a later phase', () => {
    const d = new Driver(incidentInput());
    expect(
      d.snapshot.can({ type: 'COMPLETE_STEP', stepId: 'no-such-step', role: 'commander', actorId: 'u', at: AT }),
    ).toBe(false);
    expect(
      d.snapshot.can({
        type: 'COMPLETE_STEP',
        stepId: 'isolate-infected-hosts',
        role: 'responder',
        actorId: 'u',
        at: AT,
      }),
    ).toBe(false);
    d.confirm();
    expect(
      d.snapshot.can({ type: 'COMPLETE_STEP', stepId: 'identify-strain', role: 'responder', actorId: 'u', at: AT }),
    ).toBe(false);
    expect(
      d.snapshot.can({
        type: 'COMPLETE_STEP',
        stepId: 'isolate-infected-hosts',
        role: 'responder',
        actorId: 'u',
        at: AT,
      }),
    ).toBe(true);
  });

  it('refuses completing a done step and reopening an open one', () => {
    const d = new Driver(incidentInput()).complete('confirm-incident');
    expect(
      d.snapshot.can({ type: 'COMPLETE_STEP', stepId: 'confirm-incident', role: 'commander', actorId: 'u', at: AT }),
    ).toBe(false);
    expect(
      d.snapshot.can({ type: 'REOPEN_STEP', stepId: 'assess-grade', role: 'commander', actorId: 'u', at: AT }),
    ).toBe(false);
  });

  it('a reopened mandatory step of an earlier phase blocks the next advance until it is redone', () => {
    const d = new Driver(incidentInput()).confirm().completePhase('containment');
    d.send({ type: 'REOPEN_STEP', stepId: 'confirm-incident', role: 'commander', actorId: 'u2', at: AT });
    expect(d.step('confirm-incident')).toMatchObject({ status: 'open', reopenCount: 1, lastReopenedBy: 'u2' });
    expect(d.step('confirm-incident').completedBy).toBeUndefined();
    expect(d.snapshot.can({ type: 'ADVANCE' })).toBe(false);
    d.complete('confirm-incident');
    d.send({ type: 'ADVANCE' });
    expect(d.matches({ response: { handling: 'eradication' } })).toBe(true);
  });

  it('refuses reopening a step of a later phase', () => {
    const d = new Driver(incidentInput()).confirm();
    expect(
      d.snapshot.can({ type: 'REOPEN_STEP', stepId: 'post-incident-analysis', role: 'leader', actorId: 'u', at: AT }),
    ).toBe(false);
  });

  it('optional steps never block', () => {
    const d = new Driver(incidentInput()).confirm().completePhase('containment');
    expect(d.step('record-ransom-details').status).toBe('open');
    d.send({ type: 'ADVANCE' });
    expect(d.matches({ response: { handling: 'eradication' } })).toBe(true);
    // An optional step left open in an earlier phase may still be caught up.
    d.complete('record-ransom-details');
    expect(d.step('record-ransom-details').status).toBe('done');
  });

  it('copies the drill-only evaluation step into drills only', () => {
    const real = new Driver(incidentInput({ drill: false }));
    const drill = new Driver(incidentInput({ drill: true }));
    expect(real.snapshot.context.steps.map((s) => s.id)).not.toContain('evaluate-drill');
    expect(drill.snapshot.context.steps.find((s) => s.id === 'evaluate-drill')).toMatchObject({
      mandatory: true,
      phase: 'review',
    });
  });
});

describe('handling region', () => {
  it('advances containment → eradication → recovery → done only with the phase mandatory steps done', () => {
    const d = new Driver(incidentInput()).confirm();
    for (const [phase, next] of [
      ['containment', 'eradication'],
      ['eradication', 'recovery'],
      ['recovery', 'done'],
    ] as const) {
      expect(d.snapshot.can({ type: 'ADVANCE' })).toBe(false);
      d.completePhase(phase);
      d.send({ type: 'ADVANCE' });
      expect(d.matches({ response: { handling: next } })).toBe(true);
      expect(d.lastEffects[0]).toEqual({
        type: 'notify',
        params: { event: 'phase.advanced', data: { from: phase, to: next } },
      });
    }
  });
});

describe('reporting region', () => {
  it(
    'partial initial report meets the initial deadline; follow-ups; final ' + 'report only after handling; then review',
    () => {
      const d = new Driver(incidentInput()).confirm();
      expect(d.snapshot.can({ type: 'FOLLOWUP_REPORT_SUBMITTED', reportId: 'r0' })).toBe(false);
      d.send({ type: 'INITIAL_REPORT_SUBMITTED', partial: true, reportId: 'r1' });
      expect(d.matches({ response: { reporting: 'initialPartial' } })).toBe(true);
      expect(d.snapshot.context.deadlines['initial-report']).toMatchObject({ generation: 1, status: 'met' });
      expect(d.lastEffects).toContainEqual({
        type: 'cancelDeadline',
        params: { timer: 'initial-report', generation: 1 },
      });
      expect(notices(d.lastEffects)).toContain('report.initial-submitted');

      d.send({ type: 'INITIAL_REPORT_SUBMITTED', partial: false, reportId: 'r2' });
      expect(d.matches({ response: { reporting: 'initialSubmitted' } })).toBe(true);
      // Completing the partial report does not cancel anything twice.
      expect(effectTypes(d.lastEffects)).not.toContain('cancelDeadline');
      d.send({ type: 'FOLLOWUP_REPORT_SUBMITTED', reportId: 'r3' });
      expect(d.snapshot.context.reports).toEqual({
        initial: [
          { reportId: 'r1', partial: true },
          { reportId: 'r2', partial: false },
        ],
        followUps: ['r3'],
        final: null,
      });
      expect(d.snapshot.can({ type: 'FINAL_REPORT_SUBMITTED', reportId: 'f' })).toBe(false);

      d.finishHandling();
      expect(d.matches({ response: { handling: 'done', reporting: 'finalDue' } })).toBe(true);
      expect(d.lastEffects).toContainEqual({
        type: 'scheduleDeadline',
        params: { timer: 'final-report', generation: 1 },
      });
      // No review without the final report.
      expect(d.snapshot.can({ type: 'REVIEW_COMPLETED' })).toBe(false);
      d.send({ type: 'FOLLOWUP_REPORT_SUBMITTED', reportId: 'r4' });
      expect(d.matches({ response: { reporting: 'finalDue' } })).toBe(true);

      d.send({ type: 'FINAL_REPORT_SUBMITTED', reportId: 'f1' });
      expect(d.snapshot.value).toBe('review');
      expect(d.snapshot.context.reports.final).toBe('f1');
      expect(d.snapshot.context.deadlines['final-report']).toMatchObject({ status: 'met' });
      expect(d.lastEffects).toContainEqual({
        type: 'cancelDeadline',
        params: { timer: 'final-report', generation: 1 },
      });
      expect(notices(d.lastEffects)).toEqual(['report.final-submitted', 'phase.advanced', 'review.started']);
    },
  );

  it('stays in response while the initial report is still owed after handling is done', () => {
    const d = new Driver(incidentInput()).confirm().finishHandling();
    expect(d.matches({ response: { handling: 'done', reporting: 'initialDue' } })).toBe(true);
    d.send({ type: 'INITIAL_REPORT_SUBMITTED', partial: false, reportId: 'r1' });
    expect(d.matches({ response: { reporting: 'finalDue' } })).toBe(true);
    d.send({ type: 'FINAL_REPORT_SUBMITTED', reportId: 'f1' });
    expect(d.snapshot.value).toBe('review');
  });

  it('goes to review as soon as handling is done when reporting is not required', () => {
    const d = new Driver(incidentInput({ grade: 'IV', reportingRequired: false }))
      .confirm(false, 'IV')
      .finishHandling();
    expect(d.snapshot.value).toBe('review');
    expect(effectTypes(d.effects)).not.toContain('scheduleDeadline');
  });

  it('ignores report events that do not fit the reporting state', () => {
    const d = new Driver(incidentInput({ grade: 'IV', reportingRequired: false })).confirm(false, 'IV');
    expect(d.snapshot.can({ type: 'INITIAL_REPORT_SUBMITTED', partial: false, reportId: 'r' })).toBe(false);
    expect(d.snapshot.can({ type: 'FINAL_REPORT_SUBMITTED', reportId: 'r' })).toBe(false);
  });
});

describe('deadline timers', () => {
  it('records a missed deadline once and carries on; a later report keeps it missed but cancels leftover jobs', () => {
    const d = new Driver(incidentInput()).confirm();
    d.send({ type: 'DEADLINE_MISSED', timer: 'initial-report', generation: 1 });
    expect(d.snapshot.context.deadlines['initial-report']?.status).toBe('missed');
    expect(d.lastEffects).toEqual([
      { type: 'notify', params: { event: 'deadline.missed', data: { timer: 'initial-report', generation: 1 } } },
    ]);
    expect(d.matches({ response: { handling: 'containment', reporting: 'initialDue' } })).toBe(true);

    // A job that fires twice changes nothing the second time.
    const before = d.snapshot;
    d.send({ type: 'DEADLINE_MISSED', timer: 'initial-report', generation: 1 });
    expect(d.snapshot.context).toEqual(before.context);
    expect(d.lastEffects).toEqual([]);

    d.send({ type: 'INITIAL_REPORT_SUBMITTED', partial: false, reportId: 'late' });
    expect(d.snapshot.context.deadlines['initial-report']?.status).toBe('missed');
    expect(d.lastEffects).toContainEqual({
      type: 'cancelDeadline',
      params: { timer: 'initial-report', generation: 1 },
    });
  });

  it('ignores stale generations after a regrade', () => {
    const d = new Driver(incidentInput()).confirm();
    d.send({ type: 'REGRADE', grade: 'I', reportingRequired: true });
    expect(d.snapshot.context.deadlines['initial-report']?.generation).toBe(2);
    const before = d.snapshot.context;
    expect(d.snapshot.can({ type: 'DEADLINE_MISSED', timer: 'initial-report', generation: 1 })).toBe(false);
    d.send({ type: 'DEADLINE_MISSED', timer: 'initial-report', generation: 1 });
    d.send({ type: 'DEADLINE_REMINDER', timer: 'initial-report', generation: 1, fraction: 0.5 });
    expect(d.snapshot.context).toEqual(before);
    d.send({ type: 'DEADLINE_MISSED', timer: 'initial-report', generation: 2 });
    expect(d.snapshot.context.deadlines['initial-report']?.status).toBe('missed');
  });

  it('ignores timers that are no longer pending or never started', () => {
    const d = new Driver(incidentInput()).confirm();
    expect(d.snapshot.can({ type: 'DEADLINE_MISSED', timer: 'final-report', generation: 1 })).toBe(false);
    d.send({ type: 'INITIAL_REPORT_SUBMITTED', partial: false, reportId: 'r1' });
    expect(d.snapshot.can({ type: 'DEADLINE_MISSED', timer: 'initial-report', generation: 1 })).toBe(false);
    expect(d.snapshot.can({ type: 'DEADLINE_REMINDER', timer: 'initial-report', generation: 1, fraction: 0.5 })).toBe(
      false,
    );
  });

  it('notifies each reminder fraction once', () => {
    const d = new Driver(incidentInput()).confirm();
    d.send({ type: 'DEADLINE_REMINDER', timer: 'initial-report', generation: 1, fraction: 0.5 });
    expect(d.lastEffects).toEqual([
      {
        type: 'notify',
        params: { event: 'deadline.reminder', data: { timer: 'initial-report', generation: 1, fraction: 0.5 } },
      },
    ]);
    d.send({ type: 'DEADLINE_REMINDER', timer: 'initial-report', generation: 1, fraction: 0.5 });
    expect(d.lastEffects).toEqual([]);
    d.send({ type: 'DEADLINE_REMINDER', timer: 'initial-report', generation: 1, fraction: 0.75 });
    expect(d.snapshot.context.deadlines['initial-report']?.reminded).toEqual([0.5, 0.75]);
  });
});

describe('regrade', () => {
  it('bumps the generation of pending deadlines and re-emits schedule actions', () => {
    const d = new Driver(incidentInput()).confirm();
    d.send({ type: 'REGRADE', grade: 'I', reportingRequired: true });
    expect(d.snapshot.context.grade).toBe('I');
    expect(d.lastEffects).toEqual([
      {
        type: 'notify',
        params: { event: 'incident.regraded', data: { from: 'II', to: 'I', reportingRequired: true } },
      },
      { type: 'cancelDeadline', params: { timer: 'initial-report', generation: 1 } },
      { type: 'scheduleDeadline', params: { timer: 'initial-report', generation: 2 } },
    ]);
    expect(d.snapshot.context.deadlines['initial-report']).toEqual({ generation: 2, status: 'pending', reminded: [] });
  });

  it('drops the initial deadline when the new grade needs no report, and restarts it when one is needed again', () => {
    const d = new Driver(incidentInput()).confirm();
    d.send({ type: 'REGRADE', grade: 'IV', reportingRequired: false });
    expect(d.matches({ response: { reporting: 'notRequired' } })).toBe(true);
    expect(d.snapshot.context.deadlines['initial-report']?.status).toBe('cancelled');
    expect(effectTypes(d.lastEffects)).toEqual(['notify', 'cancelDeadline']);

    d.send({ type: 'REGRADE', grade: 'III', reportingRequired: true });
    expect(d.matches({ response: { reporting: 'initialDue' } })).toBe(true);
    expect(d.lastEffects).toContainEqual({
      type: 'scheduleDeadline',
      params: { timer: 'initial-report', generation: 2 },
    });
    expect(d.snapshot.context.deadlines['initial-report']?.status).toBe('pending');
  });

  it('keeps the final report owed after a downgrade once an initial report went out', () => {
    const d = new Driver(incidentInput()).confirm();
    d.send({ type: 'INITIAL_REPORT_SUBMITTED', partial: false, reportId: 'r1' }).finishHandling();
    d.send({ type: 'REGRADE', grade: 'IV', reportingRequired: false });
    expect(d.matches({ response: { reporting: 'finalDue' } })).toBe(true);
    expect(d.lastEffects).toContainEqual({
      type: 'scheduleDeadline',
      params: { timer: 'final-report', generation: 2 },
    });
    expect(d.snapshot.value).not.toBe('review');
  });

  it('is not accepted after the response phase', () => {
    const d = new Driver(incidentInput({ grade: 'IV', reportingRequired: false }))
      .confirm(false, 'IV')
      .finishHandling();
    expect(d.snapshot.value).toBe('review');
    expect(d.snapshot.can({ type: 'REGRADE', grade: 'I', reportingRequired: true })).toBe(false);
  });
});

describe('review, re-identification, close', () => {
  function inReview(): Driver {
    return new Driver(incidentInput({ grade: 'IV', reportingRequired: false })).confirm(false, 'IV').finishHandling();
  }

  it('needs the review and re-identification steps before closing', () => {
    const d = inReview();
    expect(d.snapshot.can({ type: 'REVIEW_COMPLETED' })).toBe(false);
    d.completePhase('review').send({ type: 'REVIEW_COMPLETED' });
    expect(d.snapshot.value).toBe('reidentification');
    expect(d.snapshot.can({ type: 'REIDENTIFICATION_COMPLETED' })).toBe(false);
    d.completePhase('reidentification').send({ type: 'REIDENTIFICATION_COMPLETED' });
    expect(d.snapshot.value).toBe('closed');
    expect(d.snapshot.status).toBe('done');
    expect(notices(d.lastEffects)).toEqual(['incident.closed']);
  });

  it('accepts no event at all once closed', () => {
    const d = inReview().completePhase('review').send({ type: 'REVIEW_COMPLETED' });
    d.completePhase('reidentification').send({ type: 'REIDENTIFICATION_COMPLETED' });
    const closed = d.snapshot;
    const probes: IncidentEvent[] = [
      { type: 'REOPEN_STEP', stepId: 'post-incident-analysis', role: 'leader', actorId: 'u', at: AT },
      { type: 'REGRADE', grade: 'I', reportingRequired: true },
      { type: 'DEADLINE_MISSED', timer: 'initial-report', generation: 1 },
    ];
    for (const type of INCIDENT_EVENT_TYPES) probes.push({ type } as IncidentEvent);
    for (const ev of probes) {
      expect(closed.can(ev)).toBe(false);
      const [next, actions] = transition(incidentMachineV1, closed, ev);
      expect(next.value).toBe('closed');
      expect(actions).toEqual([]);
    }
  });

  it('a drill needs its evaluation step before the review completes', () => {
    const d = new Driver(incidentInput({ drill: true, grade: 'IV', reportingRequired: false }))
      .confirm(false, 'IV')
      .finishHandling();
    for (const id of ['post-incident-analysis', 'update-emergency-plan', 'leader-sign-off']) d.complete(id);
    expect(d.snapshot.can({ type: 'REVIEW_COMPLETED' })).toBe(false);
    d.complete('evaluate-drill');
    expect(d.snapshot.can({ type: 'REVIEW_COMPLETED' })).toBe(true);
  });
});

describe('persistence', () => {
  it('continues identically from a JSON round-tripped snapshot', () => {
    const d = new Driver(incidentInput())
      .confirm()
      .send({ type: 'INITIAL_REPORT_SUBMITTED', partial: true, reportId: 'r1' });
    const restored = restoreSnapshot(incidentMachineV1, JSON.parse(JSON.stringify(d.snapshot)));
    const ev: IncidentEvent = { type: 'REGRADE', grade: 'I', reportingRequired: true };
    const [a, actionsA] = transition(incidentMachineV1, d.snapshot, ev);
    const [b, actionsB] = transition(incidentMachineV1, restored as typeof d.snapshot, ev);
    expect(b.value).toEqual(a.value);
    expect(b.context).toEqual(a.context);
    expect(actionsB.map((x) => [x.type, x.params])).toEqual(actionsA.map((x) => [x.type, x.params]));
  });

  it('restores a final snapshot as done', () => {
    const d = new Driver(incidentInput()).send({ type: 'DISMISS', reason: 'dup' });
    const restored = restoreSnapshot(incidentMachineV1, JSON.parse(JSON.stringify(d.snapshot)));
    expect(restored.status).toBe('done');
  });
});
