import type { TargetStatus } from './desk-api';

/** One CSV field: quoted when it holds a comma, quote or line break (RFC 4180); a leading =+-@ is defused. */
export function csvField(value: string): string {
  // A spreadsheet would run a cell starting with = + - @ as a formula (CSV injection).
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export interface TrackerRow {
  target: TargetStatus;
  /** Overdue now: no feedback and the deadline has passed on the server's clock. */
  overdue: boolean;
}

/** The tracker as CSV (UTF-8 with a BOM, so spreadsheet programs read the Chinese names), header first. */
export function trackerCsv(rows: TrackerRow[], header: string[], cells: (row: TrackerRow) => string[]): string {
  const lines = [header, ...rows.map(cells)].map((line) => line.map(csvField).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Offers `text` as a file download named `name`. */
export function download(name: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
