/** One CSV field: quoted when it holds a comma, quote or line break (RFC 4180); a leading =+-@ is defused. */
export function csvField(value: string): string {
  // A spreadsheet would run a cell starting with = + - @ as a formula (CSV injection).
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows as CSV (UTF-8 with a BOM, so spreadsheet programs read the Chinese names), header first. */
export function trackerCsv<R>(rows: R[], header: string[], cells: (row: R) => string[]): string {
  const lines = [header, ...rows.map(cells)].map((line) => line.map(csvField).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
