/**
 * An organisation's internal naming patterns (e.g. `trade-app-*`, `dc##`, `*.prod.example`), which
 * desensitisation applies to bare host names no suffix gives away. Glob-like on purpose, matched
 * by hand rather than compiled to a regular expression: an administrator's pattern runs over text
 * an attacker may have influenced (a SIEM's alert, a webhook), and a regular expression built from
 * it could backtrack exponentially. Here matching costs at most pattern length × name length steps.
 *
 *   *   any run of host-name characters, dots included (possibly empty)
 *   ?   exactly one host-name character
 *   #   exactly one digit
 * Everything else is literal (letters, digits, `-`, `_`, `.`); matching is case-insensitive and
 * covers the whole name.
 */

export const MAX_HOST_PATTERNS = 50;
export const MAX_HOST_PATTERN_LENGTH = 64;
/** Wildcard runs per pattern: `*` several times adds no expressive power worth its matching cost. */
export const MAX_STARS = 3;
/** Longer tokens are not host names (DNS names end at 253 characters) and are never matched. */
const MAX_NAME_LENGTH = 253;

/** Why a pattern is refused, or undefined when it is acceptable. */
export function hostPatternProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string') return 'must be a string';
  if (pattern.length === 0 || pattern.length > MAX_HOST_PATTERN_LENGTH)
    return `must be 1 to ${MAX_HOST_PATTERN_LENGTH} characters`;
  if (!/^[A-Za-z0-9_.*?#-]+$/.test(pattern))
    return 'may hold only letters, digits, "-", "_", "." and the wildcards *, ? (one character) and # (one digit)';
  if ((pattern.match(/\*/g) ?? []).length > MAX_STARS) return `may hold at most ${MAX_STARS} "*"`;
  if ((pattern.match(/[A-Za-z0-9]/g) ?? []).length < 2)
    return 'must hold at least two letters or digits (a pattern of wildcards alone would remove every word)';
  return undefined;
}

const STAR = 42; // *
const ANY = 63; // ?
const DIGIT = 35; // #

/** a-z 0-9 _ . - (names are lower-cased first). */
function isHostChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95 || code === 46 || code === 45;
}

/**
 * True when `name` matches `pattern` as a whole (case-insensitive). The classic linear wildcard
 * match: on a mismatch, go back to just after the last `*` and let it swallow one more character.
 */
export function matchesHostPattern(pattern: string, name: string): boolean {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return false;
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  let pi = 0;
  let ni = 0;
  let starP = -1;
  let starN = 0;
  for (let i = 0; i < n.length; i++) if (!isHostChar(n.charCodeAt(i))) return false;
  while (ni < n.length) {
    const c = n.charCodeAt(ni);
    const pc = pi < p.length ? p.charCodeAt(pi) : -1;
    if (pc === STAR) {
      starP = pi++;
      starN = ni;
    } else if (pc !== -1 && (pc === c || pc === ANY || (pc === DIGIT && c >= 48 && c <= 57))) {
      pi++;
      ni++;
    } else if (starP >= 0) {
      pi = starP + 1;
      ni = ++starN;
    } else {
      return false;
    }
  }
  while (pi < p.length && p.charCodeAt(pi) === STAR) pi++;
  return pi === p.length;
}
