/**
 * ISO 8601 durations, restricted to the subset the catalogue uses: `PnW`, or `PnDTnHnMnS` with any
 * of the parts present (integers only). Years and months are rejected on purpose: their length
 * depends on the calendar, and no reporting rule needs them.
 *
 * Calendar arithmetic happens in Asia/Shanghai (UTC+8). China has observed no daylight-saving time
 * since 1991, so a fixed +8 h offset gives the correct local calendar day for every date the product
 * deals with, without depending on the host's time zone or ICU data.
 */

export interface ParsedDuration {
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

export type DayKind = 'calendar' | 'working';

const WEEK_RE = /^P(\d+)W$/;
const DHMS_RE = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SHANGHAI_OFFSET_MS = 8 * HOUR;

export class DurationError extends Error {
  override name = 'DurationError';
}

export function parseDuration(iso: string): ParsedDuration {
  if (typeof iso !== 'string') throw new DurationError(`duration must be a string, got ${typeof iso}`);
  const week = WEEK_RE.exec(iso);
  if (week) return { weeks: Number(week[1]), days: 0, hours: 0, minutes: 0, seconds: 0 };
  const m = DHMS_RE.exec(iso);
  // "P" alone and "PT" with nothing after it match the pattern but name no amount of time.
  if (!m || iso === 'P' || iso.endsWith('T')) {
    throw new DurationError(`"${iso}" is not an ISO 8601 duration of the form PnW or PnDTnHnMnS`);
  }
  const [, d, h, min, s] = m;
  return {
    weeks: 0,
    days: Number(d ?? 0),
    hours: Number(h ?? 0),
    minutes: Number(min ?? 0),
    seconds: Number(s ?? 0),
  };
}

/** Elapsed milliseconds, counting every day as 24 h (exact in Asia/Shanghai, which has no DST). */
export function durationMs(iso: string): number {
  const p = parseDuration(iso);
  return (p.weeks * 7 + p.days) * DAY + p.hours * HOUR + p.minutes * MINUTE + p.seconds * SECOND;
}

/** Day of week (0 = Sunday) of the Asia/Shanghai calendar day containing `t`. */
export function shanghaiDayOfWeek(t: Date): number {
  return new Date(t.getTime() + SHANGHAI_OFFSET_MS).getUTCDay();
}

/** Monday to Friday in Asia/Shanghai, holidays aside (the catalogue's WorkingCalendar knows those). */
export function isShanghaiWorkingDay(t: Date): boolean {
  const dow = shanghaiDayOfWeek(t);
  return dow !== 0 && dow !== 6;
}

/**
 * `start + iso`. With `dayKind: 'working'` the whole-day part (weeks count as 5 working days) advances
 * one Shanghai calendar day at a time and counts only working days, keeping the time of day; the
 * H/M/S part is then added as elapsed time. So Friday 10:00 + P1D (working) is Monday 10:00, and
 * Saturday 10:00 + P1D is also Monday 10:00. Which days are working days is `isWorkingDay`'s
 * answer: Monday to Friday by default, the catalogue's WorkingCalendar (public holidays and make-up
 * working weekends, 调休) for report deadlines.
 */
export function addDuration(
  start: Date,
  iso: string,
  dayKind: DayKind = 'calendar',
  isWorkingDay: (t: Date) => boolean = isShanghaiWorkingDay,
): Date {
  if (!(start instanceof Date) || Number.isNaN(start.getTime())) {
    throw new DurationError('start must be a valid Date');
  }
  const p = parseDuration(iso);
  const timePart = p.hours * HOUR + p.minutes * MINUTE + p.seconds * SECOND;
  if (dayKind === 'calendar') {
    return new Date(start.getTime() + durationMs(iso));
  }
  if (dayKind !== 'working') throw new DurationError(`unknown day kind "${String(dayKind)}"`);
  let remaining = p.weeks * 5 + p.days;
  let t = start.getTime();
  while (remaining > 0) {
    t += DAY;
    if (isWorkingDay(new Date(t))) remaining -= 1;
  }
  return new Date(t + timePart);
}
