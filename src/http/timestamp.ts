import { isISO8601, ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * A date and time with an explicit offset: `Z` or `±hh:mm` (also `±hhmm`, `±hh`) at the end, as
 * RFC 3339 requires. Without one, `new Date()` reads the time as UTC, which moves a legal clock by
 * eight hours for someone typing Beijing time (2026-11-25T10:10:00 meant 10:10 in Beijing and was
 * stored as 18:10); a date without a time has the same problem at midnight.
 */
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

export function isZonedTimestamp(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    WITH_OFFSET.test(value) &&
    isISO8601(value, { strict: true, strictSeparator: true }) &&
    !Number.isNaN(Date.parse(value))
  );
}

/**
 * The one validator of every timestamp a client sends (bodies and query filters alike): an ISO 8601
 * date and time that says its own offset. The 400 says why a time without one is refused.
 */
export function IsZonedTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isZonedTimestamp',
      validator: {
        validate: isZonedTimestamp,
        defaultMessage: (args) =>
          `${args?.property ?? 'this field'} must be an ISO 8601 date ` +
          `and time with an explicit offset or Z, e.g. ` +
          `2026-11-25T10:10:00+08:00 or 2026-11-25T02:10:00Z; a time ` +
          `without one would be read as UTC, not as Beijing time`,
      },
    },
    options,
  );
}
