import { getWorkflow, latestWorkflow } from '../../../workflows';
import { incidentMachineV1, incidentMachineV2 } from '../../../workflows/incident';
import { compactSteps, Driver, incidentInput, notices } from './helpers';

/**
 * Version 2 of the incident workflow: the police decision of NCIRM-2025 Art. 4 ("涉嫌违法犯罪的…及时向
 * 公安机关报案"). Everything version 1 does is unchanged (incident-machine.spec.ts, and the model-based
 * checks of both versions in incident-graph.spec.ts).
 */
const v2 = (overrides = {}) =>
  new Driver(
    incidentInput({ steps: compactSteps(), ...overrides }),
    incidentMachineV2 as unknown as typeof incidentMachineV1,
  );
const AT = '2026-11-02T10:00:00Z';
/** The Driver is typed with version 1's states; version 2 adds the police region. */
const inV2 = (d: Driver, value: object): boolean => d.snapshot.matches(value as never);

/** A grade-IV incident (no report owed) with handling done: only the police question can hold the response. */
function handledWithoutReporting(): Driver {
  return v2({ grade: 'IV', reportingRequired: false }).confirm(false, 'IV').finishHandling();
}

describe('incident workflow version 2: the police decision', () => {
  it('stays registered for incidents declared under it, as version 1 does (new ones get version 3)', () => {
    expect(latestWorkflow('incident')!.version).toBe(3);
    expect(getWorkflow('incident', 2)!.machine).toBe(incidentMachineV2);
    expect(getWorkflow('incident', 1)!.machine).toBe(incidentMachineV1);
  });

  it('keeps the response open until the question is answered, even with nothing else owed', () => {
    const d = handledWithoutReporting();
    expect(inV2(d, { response: { police: 'undecided', reporting: 'notRequired', handling: 'done' } })).toBe(true);
    d.send({ type: 'CRIME_ASSESSED', suspected: false });
    expect(d.matches('review')).toBe(true);
    expect(d.snapshot.context.crimeSuspected).toBe(false);
    expect(notices(d.effects)).toContain('incident.crime-assessed');
  });

  it('CONFIRM can answer at once: a suspicion starts the police-report deadline', () => {
    const d = v2()
      .completePhase('triage')
      .send({ type: 'CONFIRM', grade: 'II', reportingRequired: true, crimeSuspected: true });
    expect(inV2(d, { response: { police: 'reportDue' } })).toBe(true);
    expect(d.snapshot.context.deadlines['police-report']).toEqual({ generation: 1, status: 'pending', reminded: [] });
    expect(d.lastEffects).toContainEqual({
      type: 'scheduleDeadline',
      params: { timer: 'police-report', generation: 1 },
    });
    const no = v2()
      .completePhase('triage')
      .send({ type: 'CONFIRM', grade: 'II', reportingRequired: true, crimeSuspected: false });
    expect(inV2(no, { response: { police: 'notSuspected' } })).toBe(true);
    expect(no.snapshot.context.deadlines['police-report']).toBeUndefined();
  });

  it('the report to the police meets the deadline and lets the response end', () => {
    const d = handledWithoutReporting().send({ type: 'CRIME_ASSESSED', suspected: true });
    expect(inV2(d, { response: { police: 'reportDue' } })).toBe(true);
    d.send({ type: 'POLICE_REPORT_FILED', reference: '沪公网安受字〔2026〕101号', at: AT });
    expect(d.matches('review')).toBe(true);
    expect(d.snapshot.context.deadlines['police-report']!.status).toBe('met');
    expect(d.snapshot.context.policeReports).toEqual([{ reference: '沪公网安受字〔2026〕101号', at: AT }]);
    expect(d.effects).toContainEqual({ type: 'cancelDeadline', params: { timer: 'police-report', generation: 1 } });
    expect(notices(d.effects)).toContain('report.police-filed');
  });

  it('a suspicion withdrawn before the report drops its deadline; a new one starts the next generation', () => {
    const d = v2()
      .confirm()
      .send({ type: 'CRIME_ASSESSED', suspected: true })
      .send({ type: 'CRIME_ASSESSED', suspected: false });
    expect(inV2(d, { response: { police: 'notSuspected' } })).toBe(true);
    expect(d.snapshot.context.deadlines['police-report']!.status).toBe('cancelled');
    expect(d.lastEffects).toContainEqual({ type: 'cancelDeadline', params: { timer: 'police-report', generation: 1 } });
    d.send({ type: 'CRIME_ASSESSED', suspected: true });
    expect(d.snapshot.context.deadlines['police-report']).toMatchObject({ generation: 2, status: 'pending' });
  });

  it('a late report stays missed (the lateness is a fact) but is still recorded', () => {
    const d = v2().confirm().send({ type: 'CRIME_ASSESSED', suspected: true });
    d.send({ type: 'DEADLINE_MISSED', timer: 'police-report', generation: 1 });
    expect(d.snapshot.context.deadlines['police-report']!.status).toBe('missed');
    d.send({ type: 'POLICE_REPORT_FILED', reference: 'late', at: AT });
    expect(inV2(d, { response: { police: 'reported' } })).toBe(true);
    expect(d.snapshot.context.deadlines['police-report']!.status).toBe('missed');
  });

  it('a regrade leaves the police deadline alone (it does not depend on the grade)', () => {
    const d = v2().confirm().send({ type: 'CRIME_ASSESSED', suspected: true });
    d.send({ type: 'REGRADE', grade: 'I', reportingRequired: true });
    expect(d.snapshot.context.deadlines['police-report']).toMatchObject({ generation: 1, status: 'pending' });
    expect(d.snapshot.context.deadlines['initial-report']).toMatchObject({ generation: 2, status: 'pending' });
    expect(d.lastEffects.filter((e) => e.type !== 'notify' && e.params.timer === 'police-report')).toEqual([]);
  });

  it('the police question is answered in the response, not in triage; version 1 knows no such events', () => {
    const triage = v2();
    expect(triage.snapshot.can({ type: 'CRIME_ASSESSED', suspected: true })).toBe(false);
    const v1 = new Driver(incidentInput({ steps: compactSteps() })).confirm();
    expect(v1.snapshot.can({ type: 'CRIME_ASSESSED', suspected: true })).toBe(false);
    expect(v1.snapshot.can({ type: 'POLICE_REPORT_FILED', reference: 'x', at: AT })).toBe(false);
  });

  it('cites the new articles: the police report, the partial first report and the sector regulators', () => {
    const reporting = incidentMachineV2.root.states.response!.states.reporting!;
    expect(reporting.states.initialPartial!.meta).toEqual({
      requirements: ['NCIRM-2025-partial', 'NCIRM-2025-content'],
    });
    expect((reporting.states.initialDue!.meta as { requirements: string[] }).requirements).toEqual(
      expect.arrayContaining(['NCIRM-2025-sector']),
    );
    expect(incidentMachineV2.root.states.response!.states.police!.meta).toEqual({
      requirements: ['NCIRM-2025-4-police'],
    });
  });
});
