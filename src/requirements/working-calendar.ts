/**
 * Which Asia/Shanghai calendar days are working days, for deadlines counted in working days (the
 * summary report after handling ends).
 *
 * China's working days are not simply Monday to Friday: each year the State Council's notice on
 * holiday arrangements (国务院办公厅关于某年部分节假日安排的通知) makes some weekdays public holidays
 * and some weekend days make-up working days (调休上班). Ignoring both errs in both directions: a
 * holiday counted as a working day brings a deadline forward, and a make-up Saturday not counted
 * pushes it back, past the legal one (Friday 2025-10-10 + 5 working days is Thursday 10-16 with the
 * make-up Saturday 10-11, Friday 10-17 without).
 *
 * Years the catalogue has no notice for fall back to Monday to Friday; `covers()` says which years
 * are modelled, and the service warns at start-up when the current or the coming year is not.
 */

export interface HolidayPeriod {
  name: string;
  /** First and last day off, `YYYY-MM-DD`, inclusive. */
  from: string;
  to: string;
}

export interface CalendarYear {
  year: number;
  /** The notice the days come from. */
  source: string;
  holidays: HolidayPeriod[];
  /** Weekend days that are working days (调休上班), `YYYY-MM-DD`. */
  workdays: string[];
}

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` of the Asia/Shanghai calendar day containing `t` (fixed +8 h: no DST since 1991). */
export function shanghaiDate(t: Date): string {
  return new Date(t.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Midnight UTC of a valid `YYYY-MM-DD`, or undefined (2026-02-30 is not a date). */
function parseDate(s: string): number | undefined {
  const m = DATE_RE.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(t).toISOString().slice(0, 10) === s ? t : undefined;
}

const isWeekend = (utcMidnight: number): boolean => {
  const dow = new Date(utcMidnight).getUTCDay();
  return dow === 0 || dow === 6;
};

/** A problem in the calendar data, with the JSON path of the offending value (for CatalogueError). */
export interface CalendarProblem {
  path: string;
  problem: string;
}

/**
 * Checks what the JSON schema cannot: real dates, inside their year, periods in order, no day both
 * off and on, make-up days on weekends, each year once.
 */
export function calendarProblems(years: readonly CalendarYear[], basePath = '/calendar/years'): CalendarProblem[] {
  const problems: CalendarProblem[] = [];
  const seenYears = new Set<number>();
  years.forEach((y, i) => {
    const at = `${basePath}/${i}`;
    if (seenYears.has(y.year)) problems.push({ path: `${at}/year`, problem: `year ${y.year} is listed twice` });
    seenYears.add(y.year);
    const inYear = (s: string, path: string): number | undefined => {
      const t = parseDate(s);
      if (t === undefined) problems.push({ path, problem: `"${s}" is not a calendar date (YYYY-MM-DD)` });
      else if (!s.startsWith(`${y.year}-`)) problems.push({ path, problem: `${s} is not in ${y.year}` });
      else return t;
      return undefined;
    };
    const off = new Set<string>();
    y.holidays.forEach((h, j) => {
      const from = inYear(h.from, `${at}/holidays/${j}/from`);
      const to = inYear(h.to, `${at}/holidays/${j}/to`);
      if (from === undefined || to === undefined) return;
      if (to < from)
        problems.push({
          path: `${at}/holidays/${j}`,
          problem: `${h.name} ends (${h.to}) before it starts (${h.from})`,
        });
      for (let t = from; t <= to; t += DAY_MS) off.add(new Date(t).toISOString().slice(0, 10));
    });
    y.workdays.forEach((d, j) => {
      const t = inYear(d, `${at}/workdays/${j}`);
      if (t === undefined) return;
      if (!isWeekend(t))
        problems.push({
          path: `${at}/workdays/${j}`,
          problem: `${d} is a weekday; only a Saturday or Sunday can be a make-up working day`,
        });
      if (off.has(d)) problems.push({ path: `${at}/workdays/${j}`, problem: `${d} is also listed as a holiday` });
    });
  });
  return problems;
}

export class WorkingCalendar {
  private readonly off = new Set<string>();
  private readonly on = new Set<string>();
  private readonly years: ReadonlySet<number>;

  /** Trusts data that passed calendarProblems() (the catalogue loader checks it first). */
  constructor(years: readonly CalendarYear[] = []) {
    for (const y of years) {
      for (const h of y.holidays) {
        for (let t = parseDate(h.from)!; t <= parseDate(h.to)!; t += DAY_MS)
          this.off.add(new Date(t).toISOString().slice(0, 10));
      }
      for (const d of y.workdays) this.on.add(d);
    }
    this.years = new Set(years.map((y) => y.year));
  }

  /** Whether the Asia/Shanghai day containing `t` is a working day. */
  isWorkingDay(t: Date): boolean {
    const day = shanghaiDate(t);
    if (this.on.has(day)) return true;
    if (this.off.has(day)) return false;
    return !isWeekend(parseDate(day)!);
  }

  /** Whether `year`'s holidays and make-up days are modelled (otherwise: Monday to Friday). */
  covers(year: number): boolean {
    return this.years.has(year);
  }

  get coveredYears(): number[] {
    return [...this.years].sort((a, b) => a - b);
  }
}

/**
 * Years a working-day deadline computed at `now` may reach but the calendar does not model: the
 * current Asia/Shanghai year, and the next one from `leadDays` before it starts (the notice for a
 * year is usually published in November of the one before).
 */
export function uncoveredYears(calendar: WorkingCalendar, now: Date, leadDays = 60): number[] {
  const year = Number(shanghaiDate(now).slice(0, 4));
  const missing = calendar.covers(year) ? [] : [year];
  const nextStarts = Date.UTC(year + 1, 0, 1) - SHANGHAI_OFFSET_MS;
  if (nextStarts - now.getTime() <= leadDays * DAY_MS && !calendar.covers(year + 1)) missing.push(year + 1);
  return missing;
}

/** Monday to Friday, no holidays: what a calendar without any notice counts. */
export const WEEKDAYS_ONLY = new WorkingCalendar([]);
