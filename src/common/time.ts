/**
 * Timestamps are stored as ISO-8601 UTC strings (`toISOString()`): they sort correctly as text and
 * mean the same on SQLite and Postgres, so one set of entities and migrations serves both.
 */
export const nowIso = (): string => new Date().toISOString();
export const toIso = (d: Date | string): string =>
  typeof d === 'string' ? new Date(d).toISOString() : d.toISOString();

/**
 * The time as the session code reads it: one object the application provides, so a test can move
 * it forward past a session's idle or absolute expiry instead of waiting half an hour.
 */
export class Clock {
  now(): Date {
    return new Date();
  }
}
