import { addDuration, durationMs, isShanghaiWorkingDay, parseDuration } from '../../../src/requirements';

/** Builds an instant from a Shanghai wall-clock time, so the tests read like the calendar they check. */
const cst = (local: string): Date => new Date(`${local}+08:00`);

describe('parseDuration', () => {
  it.each([
    ['PT1H', { weeks: 0, days: 0, hours: 1, minutes: 0, seconds: 0 }],
    ['PT30M', { weeks: 0, days: 0, hours: 0, minutes: 30, seconds: 0 }],
    ['P5D', { weeks: 0, days: 5, hours: 0, minutes: 0, seconds: 0 }],
    ['P1DT2H3M4S', { weeks: 0, days: 1, hours: 2, minutes: 3, seconds: 4 }],
    ['PT90S', { weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 90 }],
    ['P2W', { weeks: 2, days: 0, hours: 0, minutes: 0, seconds: 0 }],
  ])('parses %s', (iso, expected) => {
    expect(parseDuration(iso)).toEqual(expected);
  });

  it.each(['', 'P', 'PT', 'P1M', 'P1Y', 'P1W2D', 'PT1.5H', '1H', 'pt1h', 'PT1X', 'P1DT', 'PT-1H', ' PT1H'])(
    'rejects %j',
    (iso) => {
      expect(() => parseDuration(iso)).toThrow(/not an ISO 8601 duration/);
    },
  );

  it('converts to milliseconds', () => {
    expect(durationMs('PT1H')).toBe(3_600_000);
    expect(durationMs('PT30M')).toBe(1_800_000);
    expect(durationMs('P1DT1S')).toBe(86_401_000);
    expect(durationMs('P1W')).toBe(7 * 86_400_000);
  });
});

describe('addDuration', () => {
  it('adds elapsed time on the calendar, weekends included', () => {
    expect(addDuration(cst('2026-11-27T10:00:00'), 'P1D')).toEqual(cst('2026-11-28T10:00:00'));
    expect(addDuration(cst('2026-11-25T23:45:00'), 'PT30M')).toEqual(cst('2026-11-26T00:15:00'));
  });

  it('skips Saturday and Sunday when adding working days', () => {
    // Friday 2026-11-27 10:00 + 1 working day = Monday 2026-11-30 10:00
    expect(addDuration(cst('2026-11-27T10:00:00'), 'P1D', 'working')).toEqual(cst('2026-11-30T10:00:00'));
    // Thursday + 5 working days = next Thursday (Fri, Mon, Tue, Wed, Thu)
    expect(addDuration(cst('2026-11-26T10:00:00'), 'P5D', 'working')).toEqual(cst('2026-12-03T10:00:00'));
    // A start on Saturday counts Monday as the first working day.
    expect(addDuration(cst('2026-11-28T09:00:00'), 'P1D', 'working')).toEqual(cst('2026-11-30T09:00:00'));
    // A week of working days is five of them.
    expect(addDuration(cst('2026-11-25T10:00:00'), 'P1W', 'working')).toEqual(cst('2026-12-02T10:00:00'));
    // The time part is added after the day part.
    expect(addDuration(cst('2026-11-27T10:00:00'), 'P1DT2H', 'working')).toEqual(cst('2026-11-30T12:00:00'));
  });

  it('decides the weekday in Asia/Shanghai, not UTC', () => {
    // 2026-11-27T17:00Z is Friday in UTC but Saturday 01:00 in Shanghai.
    const start = new Date('2026-11-27T17:00:00Z');
    expect(isShanghaiWorkingDay(start)).toBe(false);
    expect(addDuration(start, 'P1D', 'working')).toEqual(cst('2026-11-30T01:00:00'));
    // Friday 23:30 in Shanghai (15:30Z, still Friday in UTC too) + 1 working day = Monday 23:30.
    expect(addDuration(cst('2026-11-27T23:30:00'), 'P1D', 'working')).toEqual(cst('2026-11-30T23:30:00'));
  });

  it('leaves hour-only durations unaffected by the day kind', () => {
    const fri = cst('2026-11-27T22:00:00');
    expect(addDuration(fri, 'PT4H', 'working')).toEqual(addDuration(fri, 'PT4H', 'calendar'));
  });

  it('rejects an invalid start', () => {
    expect(() => addDuration(new Date('nonsense'), 'PT1H')).toThrow(/valid Date/);
  });
});
