import {
  calendarProblems,
  loadCatalogue,
  WEEKDAYS_ONLY,
  WorkingCalendar,
  type CalendarYear,
} from '../../../src/requirements';
import type { Logger } from 'pino';
import { RequirementsService } from '../../../src/requirements/requirements.service';
import { uncoveredYears as uncoveredYearsFor } from '../../../src/requirements/working-calendar';

/** Builds an instant from a Shanghai wall-clock time. */
const cst = (local: string): Date => new Date(`${local}+08:00`);

describe('working calendar (public holidays and make-up working days)', () => {
  const shipped = loadCatalogue();
  const cal = shipped.workingCalendar;

  it('models the State Council notices for 2025 and 2026', () => {
    expect(cal.coveredYears).toEqual(expect.arrayContaining([2025, 2026]));
    // 2026 Spring Festival: 2-15 to 2-23 off; Saturday 2-14 and Saturday 2-28 are working days.
    expect(cal.isWorkingDay(cst('2026-02-16T10:00:00'))).toBe(false); // a Monday, off
    expect(cal.isWorkingDay(cst('2026-02-23T10:00:00'))).toBe(false); // a Monday, off
    expect(cal.isWorkingDay(cst('2026-02-14T10:00:00'))).toBe(true); // a Saturday, worked
    expect(cal.isWorkingDay(cst('2026-02-28T10:00:00'))).toBe(true);
    expect(cal.isWorkingDay(cst('2026-02-24T10:00:00'))).toBe(true); // ordinary Tuesday
    expect(cal.isWorkingDay(cst('2026-03-01T10:00:00'))).toBe(false); // ordinary Sunday
    // 2025 National Day and Mid-Autumn: 10-01 to 10-08 off, Saturday 10-11 worked.
    expect(cal.isWorkingDay(cst('2025-10-08T10:00:00'))).toBe(false);
    expect(cal.isWorkingDay(cst('2025-10-11T10:00:00'))).toBe(true);
  });

  it('decides the day in Asia/Shanghai: 2026-02-14 16:30 UTC is already the holiday of the 15th there', () => {
    expect(cal.isWorkingDay(new Date('2026-02-14T15:59:00Z'))).toBe(true);
    expect(cal.isWorkingDay(new Date('2026-02-14T16:00:00Z'))).toBe(false);
  });

  // No shipped rule counts working days since the summary report became 30 calendar days (NCIRM-2025
  // Art. 8); the mechanism stays for rules that do (a sector regulator's, say), so it is held by a
  // shipped rule given a 5-working-day summary report.
  const workingDayRule = (kind: 'other' | 'cii', grade: 'II' | 'III') => {
    const rule = shipped.ruleFor(kind, grade)!;
    return {
      ...rule,
      reports: { ...rule.reports, final: { ...rule.reports.final, within: 'P5D', dayKind: 'working' as const } },
    };
  };

  it('a make-up Saturday counts: 5 working days after Friday 2025-10-10 end on Thursday, not Friday', () => {
    const rule = workingDayRule('other', 'III');
    expect(shipped.reportDeadline(rule, 'final', cst('2025-10-10T16:00:00'))).toEqual(cst('2025-10-16T16:00:00'));
    // Weekdays only would have said Friday 10-17: one day past the legal deadline.
    expect(WEEKDAYS_ONLY.isWorkingDay(cst('2025-10-11T10:00:00'))).toBe(false);
  });

  it('a holiday does not count: 5 working days after Friday 2026-02-13 end on Friday 2026-02-27', () => {
    const rule = workingDayRule('cii', 'II');
    // Sat 2-14 (worked) is day 1; 2-15..2-23 are off; Tue 24, Wed 25, Thu 26, Fri 27 are days 2-5.
    expect(shipped.reportDeadline(rule, 'final', cst('2026-02-13T09:00:00'))).toEqual(cst('2026-02-27T09:00:00'));
  });

  it('a year without a notice counts Monday to Friday, and is reported as uncovered near its start', () => {
    expect(cal.covers(2027)).toBe(false);
    // A Friday; the 2027 notice is not in the catalogue.
    expect(cal.isWorkingDay(cst('2027-01-01T10:00:00'))).toBe(true);
    expect(uncoveredYearsFor(cal, cst('2026-06-01T00:00:00'))).toEqual([]);
    expect(uncoveredYearsFor(cal, cst('2026-11-25T10:00:00'))).toEqual([2027]);
    expect(uncoveredYearsFor(cal, cst('2027-03-01T10:00:00'))).toEqual([2027]);
    expect(uncoveredYearsFor(new WorkingCalendar([]), cst('2026-12-15T10:00:00'))).toEqual([2026, 2027]);
  });
});

describe('calendar data checks', () => {
  const year = (over: Partial<CalendarYear> = {}): CalendarYear => ({
    year: 2026,
    source: 'test',
    holidays: [{ name: '春节', from: '2026-02-15', to: '2026-02-23' }],
    workdays: ['2026-02-14'],
    ...over,
  });

  it('accepts the shipped shape', () => {
    expect(calendarProblems([year()])).toEqual([]);
  });

  it.each([
    [
      [year({ holidays: [{ name: 'x', from: '2026-02-30', to: '2026-03-01' }] })],
      '/calendar/years/0/holidays/0/from',
      'not a calendar date',
    ],
    [
      [year({ holidays: [{ name: 'x', from: '2027-01-01', to: '2027-01-01' }] })],
      '/calendar/years/0/holidays/0/from',
      'not in 2026',
    ],
    [
      [year({ holidays: [{ name: '春节', from: '2026-02-23', to: '2026-02-15' }] })],
      '/calendar/years/0/holidays/0',
      'ends (2026-02-15) before it starts (2026-02-23)',
    ],
    [[year({ workdays: ['2026-02-16'] })], '/calendar/years/0/workdays/0', 'is a weekday'],
    [[year({ workdays: ['2026-02-15'] })], '/calendar/years/0/workdays/0', 'also listed as a holiday'],
    [[year(), year()], '/calendar/years/1/year', 'listed twice'],
  ] as const)('names the path of a bad entry (%#)', (years, path, problem) => {
    const [first] = calendarProblems(years as unknown as CalendarYear[]);
    expect(first?.path).toBe(path);
    expect(first?.problem).toContain(problem);
  });
});

describe('the start-up and daily calendar check', () => {
  it('warns once per missing year, including a year a long-running process runs into', () => {
    const warnings: unknown[][] = [];
    const logger = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as Logger;
    const service = new RequirementsService(loadCatalogue(), logger);
    expect(service.checkCalendar(cst('2026-06-01T10:00:00'))).toEqual([]);
    expect(service.checkCalendar(cst('2026-11-25T10:00:00'))).toEqual([2027]);
    expect(service.checkCalendar(cst('2026-11-26T10:00:00'))).toEqual([]);
    expect(service.checkCalendar(cst('2027-06-01T10:00:00'))).toEqual([]);
    expect(service.checkCalendar(cst('2027-12-01T10:00:00'))).toEqual([2028]);
    expect(warnings).toHaveLength(2);
    expect(String(warnings[0]![1])).toContain('no public-holiday notice for 2027');
  });
});
