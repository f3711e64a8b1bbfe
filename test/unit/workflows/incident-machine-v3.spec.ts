import { describeWorkflow, getWorkflow, latestWorkflow } from '../../../workflows';
import { incidentMachineV1, incidentMachineV2, incidentMachineV3 } from '../../../workflows/incident';
import { compactSteps, Driver, incidentInput, notices } from './helpers';

/**
 * Version 3 of the incident workflow: whether a report met its deadline follows its submission time
 * (the runtime's `late`), never which of the report and the due timer reached the database first.
 */
const v3 = () =>
  new Driver(incidentInput({ steps: compactSteps() }), incidentMachineV3 as unknown as typeof incidentMachineV1);
const v2 = () =>
  new Driver(incidentInput({ steps: compactSteps() }), incidentMachineV2 as unknown as typeof incidentMachineV1);
const AT = '2026-11-02T10:00:00Z';
const initial = (late?: boolean) => ({
  type: 'INITIAL_REPORT_SUBMITTED' as const,
  partial: false,
  reportId: 'r1',
  submittedAt: AT,
  ...(late === undefined ? {} : { late }),
});
const status = (d: Driver, timer = 'initial-report') => d.snapshot.context.deadlines[timer as 'initial-report']!.status;

describe('incident workflow version 3: on time is decided by the submission time', () => {
  it('is the version new incidents get; its states and transitions are version 2 under version 3', () => {
    expect(latestWorkflow('incident')!.version).toBe(3);
    expect(getWorkflow('incident', 3)!.machine).toBe(incidentMachineV3);
    const { version: _v3, ...three } = describeWorkflow(incidentMachineV3);
    const { version: _v2, ...two } = describeWorkflow(incidentMachineV2);
    expect(three).toEqual(two);
    expect(incidentMachineV3.version).toBe('3');
  });

  it('a report in time meets the pending deadline and cancels its jobs', () => {
    const d = v3().confirm().send(initial(false));
    expect(status(d)).toBe('met');
    expect(d.lastEffects).toContainEqual({
      type: 'cancelDeadline',
      params: { timer: 'initial-report', generation: 1 },
    });
    expect(notices(d.lastEffects)).not.toContain('deadline.missed');
  });

  it('a report after the due time is missed even when the due timer has not run; the timer then does nothing', () => {
    const d = v3().confirm().send(initial(true));
    expect(status(d)).toBe('missed');
    expect(notices(d.lastEffects)).toContain('deadline.missed');
    expect(d.lastEffects).toContainEqual({
      type: 'cancelDeadline',
      params: { timer: 'initial-report', generation: 1 },
    });
    expect(d.snapshot.can({ type: 'DEADLINE_MISSED', timer: 'initial-report', generation: 1 })).toBe(false);
  });

  it('a report in time is met even when the due timer recorded a miss before the report committed', () => {
    const d = v3().confirm().send({ type: 'DEADLINE_MISSED', timer: 'initial-report', generation: 1 });
    expect(status(d)).toBe('missed');
    d.send(initial(false));
    expect(status(d)).toBe('met');
    expect(d.lastEffects).toContainEqual({
      type: 'cancelDeadline',
      params: { timer: 'initial-report', generation: 1 },
    });
    // Version 2 keeps the miss: it cannot tell which came first.
    const old = v2()
      .confirm()
      .send({ type: 'DEADLINE_MISSED', timer: 'initial-report', generation: 1 })
      .send(initial(false));
    expect(status(old)).toBe('missed');
  });

  it('a late report after the recorded miss stays missed; without `late` it behaves as version 2', () => {
    const d = v3().confirm().send({ type: 'DEADLINE_MISSED', timer: 'initial-report', generation: 1 });
    d.send(initial(true));
    expect(status(d)).toBe('missed');
    expect(notices(d.lastEffects)).not.toContain('deadline.missed');
    expect(status(v3().confirm().send(initial()))).toBe('met');
    const missed = v3().confirm().send({ type: 'DEADLINE_MISSED', timer: 'initial-report', generation: 1 });
    expect(status(missed.send(initial()))).toBe('missed');
  });

  it('the police report and the final report are decided the same way', () => {
    const police = v3().confirm().send({ type: 'CRIME_ASSESSED', suspected: true });
    police.send({ type: 'POLICE_REPORT_FILED', reference: 'x', at: AT, late: true });
    expect(status(police, 'police-report')).toBe('missed');
    const inTime = v3().confirm().send({ type: 'CRIME_ASSESSED', suspected: true });
    inTime.send({ type: 'DEADLINE_MISSED', timer: 'police-report', generation: 1 });
    inTime.send({ type: 'POLICE_REPORT_FILED', reference: 'x', at: AT, late: false });
    expect(status(inTime, 'police-report')).toBe('met');

    const fin = v3().confirm().send(initial(false)).finishHandling();
    expect(status(fin, 'final-report')).toBe('pending');
    fin.send({ type: 'FINAL_REPORT_SUBMITTED', reportId: 'f1', late: true });
    expect(status(fin, 'final-report')).toBe('missed');
  });
});
