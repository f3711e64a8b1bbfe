import {
  Clocks,
  INCIDENT_DEADLINE,
  ONWARD_REPORT,
  REPORT_ACKNOWLEDGEMENT,
  WARNING_FEEDBACK,
  type TimingPolicy,
} from '../../../src/clocks';

/** The planner reads only these three settings. */
const timing = (reminders: number[]): TimingPolicy =>
  ({ reminders, escalationSteps: ['commander', 'leader', 'admin'], escalationStepDelayMs: 900_000 }) as TimingPolicy;

const at = (iso: string) => new Date(iso);
const jobs = (items: Array<{ id: string; kind: string; dueAt?: Date | string }>) =>
  items.map((i) => [i.id, i.kind, i.dueAt ? new Date(i.dueAt).toISOString() : null]);

describe('Clocks: one planner for every kind of clock', () => {
  const clocks = new Clocks(timing([0, 0.5, 0.8]));
  const window = { start: at('2026-12-01T10:00:00Z'), due: at('2026-12-01T11:00:00Z') };

  it('skips reminders already past for every kind of clock with reminders (the due job always stays)', () => {
    const now = at('2026-12-01T10:40:00Z');
    expect(
      jobs(
        clocks.start(
          INCIDENT_DEADLINE,
          { incidentId: 'i', timer: 'initial-report', generation: 1 },
          { ...window, now },
        ),
      ),
    ).toEqual([
      ['dl.i.initial-report.1.r80', 'deadline-reminder', '2026-12-01T10:48:00.000Z'],
      ['dl.i.initial-report.1.due', 'deadline-due', '2026-12-01T11:00:00.000Z'],
    ]);
    expect(jobs(clocks.start(ONWARD_REPORT, { deliveryId: 'd' }, { ...window, now }))).toEqual([
      ['rpt.d.onw.r80', 'report-onward-reminder', '2026-12-01T10:48:00.000Z'],
      ['rpt.d.onw.due', 'report-onward-due', '2026-12-01T11:00:00.000Z'],
    ]);
    const ref = { warningId: 'w', operatorOrgId: 'o', timer: 'warning-feedback', generation: 1 };
    expect(jobs(clocks.start(WARNING_FEEDBACK, ref, { ...window, now: at('2026-12-01T11:30:00Z') }))).toEqual([
      ['wf.w.o.warning-feedback.1.due', 'warning-feedback-due', '2026-12-01T11:00:00.000Z'],
    ]);
  });

  it('a reminder at the very start of a clock planned then is past too', () => {
    const now = window.start;
    expect(jobs(clocks.start(ONWARD_REPORT, { deliveryId: 'd' }, { ...window, now })).map((j) => j[0])).toEqual([
      'rpt.d.onw.r50',
      'rpt.d.onw.r80',
      'rpt.d.onw.due',
    ]);
  });

  it('a clock without reminders has its due job only', () => {
    expect(jobs(clocks.start(REPORT_ACKNOWLEDGEMENT, { deliveryId: 'd' }, { ...window, now: window.start }))).toEqual([
      ['rpt.d.ack', 'report-ack-due', '2026-12-01T11:00:00.000Z'],
    ]);
  });

  it('stopping lists every job; acknowledging only the escalation steps', () => {
    const ref = { incidentId: 'i', timer: 'police-report', generation: 3 };
    const now = at('2026-12-01T10:00:00.123Z');
    const stop = clocks.stop(INCIDENT_DEADLINE, ref, now);
    expect(stop).toMatchObject({ id: `cancel.i.police-report.3.${now.getTime()}`, queue: 'timers', kind: 'cancel' });
    expect((stop.payload.jobIds as string[]).slice(0, 5)).toEqual([
      'dl.i.police-report.3.r0',
      'dl.i.police-report.3.r50',
      'dl.i.police-report.3.r80',
      'dl.i.police-report.3.due',
      'dl.i.police-report.3.esc1',
    ]);
    expect(stop.payload.jobIds).toHaveLength(14);
    const ack = clocks.acknowledge(INCIDENT_DEADLINE, ref, now);
    expect(ack.id).toBe('cancel.i.police-report.3.ack');
    expect(ack.payload.jobIds).toEqual(Array.from({ length: 10 }, (_, i) => `dl.i.police-report.3.esc${i + 1}`));
    // The acknowledgement clock has no reminders; its cancellation covers its ladder's steps.
    expect(clocks.stop(REPORT_ACKNOWLEDGEMENT, { deliveryId: 'd' }, now).payload.jobIds).toEqual([
      'rpt.d.ack',
      'rpt.d.ack.esc.1',
      'rpt.d.ack.esc.2',
      'rpt.d.ack.esc.3',
    ]);
  });

  it('escalates on the product ladder, or on the onward clock its own', () => {
    expect(clocks.ladder(INCIDENT_DEADLINE)).toEqual(['commander', 'leader', 'admin']);
    expect(clocks.ladder(ONWARD_REPORT)).toEqual(['department-officer', 'admin']);
    expect(clocks.escalation(ONWARD_REPORT, { deliveryId: 'd' }, 2, window.due)).toEqual({
      id: 'rpt.d.onw.esc.2',
      queue: 'timers',
      kind: 'report-onward-escalate',
      payload: { deliveryId: 'd', level: 2 },
      dueAt: window.due,
    });
  });
});
