import type { Job } from 'bullmq';
import {
  CLOCK_KINDS,
  INCIDENT_DEADLINE,
  REPORT_ACKNOWLEDGEMENT,
  TimerHandlers,
  TimerHandlersError,
} from '../../../src/clocks';

const done = async () => 'done';

/** Registers a handler for every job of every clock, as the domains do at module init. */
function complete(): TimerHandlers {
  const h = new TimerHandlers();
  for (const kind of CLOCK_KINDS)
    for (const name of Object.values(kind.jobs)) if (name) h.register(name, done, `${kind.title} owner`);
  return h;
}

describe('TimerHandlers: every clock job name has exactly one handler, checked before the worker starts', () => {
  it('passes when each name has one handler, and dispatches by name', async () => {
    const h = complete();
    expect(() => h.verify(CLOCK_KINDS)).not.toThrow();
    expect(await h.handler('deadline-due')!({ name: 'deadline-due', data: {} } as Job)).toBe('done');
  });

  it('names every missing, duplicate and unknown handler in one line', () => {
    const h = new TimerHandlers();
    for (const kind of CLOCK_KINDS)
      for (const name of Object.values(kind.jobs))
        if (name && name !== 'warning-feedback-due' && name !== 'report-ack-due') h.register(name, done, 'Owner');
    h.register('deadline-due', done, 'Duplicate');
    h.register('deadline-reminded', done, 'Typo');
    let error: unknown;
    try {
      h.verify(CLOCK_KINDS);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TimerHandlersError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toBe(
      'Timer job handlers: deadline-due has 2 handlers (Owner, Duplicate); no handler for report-ack-due; ' +
        "no handler for warning-feedback-due; deadline-reminded is no clock's job (registered by Typo)",
    );
    // A duplicated name has no handler to dispatch to (verify would have stopped the start-up).
    expect(h.handler('deadline-due')).toBeUndefined();
  });

  it('hands a clock handler the clock its job belongs to', async () => {
    const h = new TimerHandlers();
    const seen: unknown[] = [];
    h.on(
      INCIDENT_DEADLINE,
      'reminder',
      async (ref, data) => {
        seen.push(ref, data.fraction);
        return 'applied';
      },
      'Test',
    );
    const data = { incidentId: 'i-1', timer: 'initial-report', generation: 2, fraction: 0.5, outboxId: 'x' };
    expect(await h.handler('deadline-reminder')!({ name: 'deadline-reminder', data } as Job)).toBe('applied');
    expect(seen).toEqual([{ incidentId: 'i-1', timer: 'initial-report', generation: 2 }, 0.5]);
  });

  it('refuses a handler for a job the kind of clock does not have', () => {
    expect(() => new TimerHandlers().on(REPORT_ACKNOWLEDGEMENT, 'reminder', done, 'Test')).toThrow(
      'A report acknowledgement clock has no reminder job (registered by Test)',
    );
  });
});
