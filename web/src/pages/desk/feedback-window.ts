/** The issue form's feedback window units, with their labels. */
export const UNITS = { M: 'desk.issue.minutes', H: 'desk.issue.hours', D: 'desk.issue.days' } as const;

/** ISO 8601 duration of a window, or nothing for the level's default from the catalogue. */
export function feedbackWithin(n: number | null | undefined, unit: keyof typeof UNITS): string | undefined {
  if (!n || n <= 0) return undefined;
  return unit === 'D' ? `P${n}D` : `PT${n}${unit}`;
}
