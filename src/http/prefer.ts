/**
 * RFC 7240 `Prefer: return=minimal`: the client does not need the resource back after a change.
 * Machine clients that post workflow events (a SIEM, a script, the CLI) usually want only the new
 * version and what they may send next, not the whole incident with its playbook guidance.
 *
 * Preferences are comma-separated, names are case-insensitive, values may be quoted, and only the
 * first `return` preference counts (RFC 7240 section 2). Anything we do not understand is ignored,
 * as the RFC requires: a preference never makes a request fail.
 */
export function prefersMinimal(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const text = Array.isArray(header) ? header.join(',') : header;
  for (const part of text.split(',')) {
    const pref = part.split(';', 1)[0]!.trim();
    const eq = pref.indexOf('=');
    const name = (eq < 0 ? pref : pref.slice(0, eq)).trim().toLowerCase();
    if (name !== 'return') continue;
    const value =
      eq < 0
        ? ''
        : pref
            .slice(eq + 1)
            .trim()
            .replace(/^"(.*)"$/, '$1')
            .toLowerCase();
    return value === 'minimal';
  }
  return false;
}

export const PREFERENCE_APPLIED_MINIMAL = 'return=minimal';
