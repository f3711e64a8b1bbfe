import { isIPv4, isIPv6 } from 'node:net';
import { lianfangPropertiesOf } from './lianfang-extension';
import { normaliseIndicatorValue } from './normalise';
import { indicatorsInPattern } from './stix-pattern';
import { type SharedIndicator, type SharedIndicatorType, type TlpLevel, isPlainObject } from './stix-types';
import { tlpOfMarkingRefs } from './tlp';

export interface ImportedIndicator extends SharedIndicator {
  validFrom?: string;
  /** The STIX indicator this came from (several values can come from one OR-joined pattern). */
  stixId: string;
  /** TLP of the source indicator, when marked with a known TLP marking. */
  tlp?: TlpLevel;
}

export interface SkippedIndicator {
  /** STIX id, or `objects[i]` when the object has none. */
  id: string;
  pattern?: string;
  reason: string;
}

export interface ImportResult {
  indicators: ImportedIndicator[];
  skipped: SkippedIndicator[];
}

export interface ImportOptions {
  /** Indicators exported from a drill (our extension's `drill`) are skipped unless this is true: they are
   *  exercise data and must not end up in a blocklist. */
  includeDrill?: boolean;
  /** What "expired" is measured against (`valid_until`); default the current time. */
  now?: Date;
}

/**
 * Extracts our indicator shape from the `indicator` objects of a bundle (validate it first, e.g. with
 * parseUntrustedBundle). Of several versions of one object (same id) only the newest by `modified` counts.
 * Only patterns that list values (`=` on the supported paths, ISSUBSET for address blocks, OR-joined) are
 * taken; values are normalised (normalise.ts) and each kept once. Every other indicator is listed in
 * `skipped` with the reason: revoked, expired (`valid_until` past), from a drill, another pattern language,
 * a pattern the STIX grammar rejects, or one that says more than "any of these values". Never throws.
 */
export function importIndicators(bundle: unknown, options: ImportOptions = {}): ImportResult {
  const result: ImportResult = { indicators: [], skipped: [] };
  if (!isPlainObject(bundle) || !Array.isArray(bundle.objects)) {
    result.skipped.push({ id: 'bundle', reason: 'not a bundle with an objects array' });
    return result;
  }
  const now = (options.now ?? new Date()).toISOString();
  const seen = new Set<string>();
  for (const { object, index } of newestVersions(bundle.objects)) {
    try {
      importOne(object, index, seen, result, options, now);
    } catch (error) {
      // only reachable with hand-made values (throwing getters and the like), never with parsed JSON
      result.skipped.push({
        id: `objects[${index}]`,
        reason: `unreadable object: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  return result;
}

/** Indicator objects, the newest version of each id only, in the order their ids first appear. */
function newestVersions(objects: unknown[]): Array<{ object: unknown; index: number }> {
  const byId = new Map<string, { object: unknown; index: number; modified: string }>();
  const out: Array<{ object: unknown; index: number; id?: string }> = [];
  objects.forEach((object, index) => {
    let id: unknown;
    let modified: unknown;
    try {
      if (!isPlainObject(object) || object.type !== 'indicator') return;
      id = object.id;
      modified = object.modified;
    } catch {
      out.push({ object, index }); // importOne reports it
      return;
    }
    if (typeof id !== 'string') {
      out.push({ object, index });
      return;
    }
    const at = comparableTime(modified);
    const kept = byId.get(id);
    if (!kept) {
      byId.set(id, { object, index, modified: at });
      out.push({ object, index, id });
    } else if (at > kept.modified) {
      byId.set(id, { object, index, modified: at });
    }
  });
  return out.map((entry) => (entry.id === undefined ? entry : byId.get(entry.id)!));
}

/** STIX timestamps as text that sorts by time (fractions padded); anything unreadable sorts first. */
function comparableTime(value: unknown): string {
  if (typeof value !== 'string') return '';
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(value);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}` : '';
}

function importOne(
  object: unknown,
  index: number,
  seen: Set<string>,
  result: ImportResult,
  options: ImportOptions,
  now: string,
): void {
  if (!isPlainObject(object) || object.type !== 'indicator') return;
  const id = typeof object.id === 'string' ? object.id : `objects[${index}]`;
  const pattern = typeof object.pattern === 'string' ? object.pattern : undefined;
  const skip = (reason: string): void => {
    result.skipped.push({ id, ...(pattern !== undefined ? { pattern } : {}), reason });
  };
  if (pattern === undefined) return skip('indicator has no pattern');
  if (object.pattern_type !== 'stix')
    return skip(`pattern_type "${String(object.pattern_type)}" is not supported (only "stix")`);
  if (object.revoked === true) return skip('indicator is revoked');
  const validUntil = comparableTime(object.valid_until);
  if (validUntil && validUntil <= comparableTime(now))
    return skip(`indicator expired (valid_until ${object.valid_until})`);
  if (lianfangPropertiesOf(object).drill === true && !options.includeDrill) return skip('indicator comes from a drill');

  const parsed = indicatorsInPattern(pattern);
  if (!parsed.ok) return skip(parsed.reason);
  const invalid = parsed.comparisons.find((c) => !isPlausibleValue(c.type, c.value));
  if (invalid) return skip(`value ${JSON.stringify(invalid.value)} is not a valid ${invalid.type}`);

  const description = typeof object.description === 'string' ? object.description : undefined;
  const validFrom = typeof object.valid_from === 'string' ? object.valid_from : undefined;
  const tlp = tlpOfMarkingRefs(object.object_marking_refs);
  for (const comparison of parsed.comparisons) {
    const value = normaliseIndicatorValue(comparison.type, comparison.value);
    const key = `${comparison.type}\u0000${value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.indicators.push({
      type: comparison.type,
      value,
      ...(description !== undefined ? { description } : {}),
      ...(validFrom !== undefined ? { validFrom } : {}),
      stixId: id,
      ...(tlp ? { tlp } : {}),
    });
  }
}

/** A light sanity check so obviously broken values (a "hash" of the wrong length) do not reach a blocklist. */
function isPlausibleValue(type: SharedIndicatorType, value: string): boolean {
  if (value.length === 0 || value.trim() !== value) return false;
  switch (type) {
    case 'ipv4-addr': {
      const [address, prefix, ...rest] = value.split('/');
      return (
        isIPv4(address) && rest.length === 0 && (prefix === undefined || /^(?:[0-9]|[12][0-9]|3[0-2])$/.test(prefix))
      );
    }
    case 'ipv6-addr': {
      const [address, prefix, ...rest] = value.split('/');
      return (
        isIPv6(address) &&
        rest.length === 0 &&
        (prefix === undefined || /^(?:[0-9]{1,2}|1[01][0-9]|12[0-8])$/.test(prefix))
      );
    }
    case 'file-sha256':
      return /^[0-9A-Fa-f]{64}$/.test(value);
    case 'file-md5':
      return /^[0-9A-Fa-f]{32}$/.test(value);
    case 'domain-name':
      return !/[\s/@]/.test(value) && value.replace(/\.+$/, '').includes('.');
    case 'email-addr':
      return /^[^\s@]+@[^\s@]+$/.test(value);
    case 'url':
      try {
        new URL(value);
        return true;
      } catch {
        return false;
      }
  }
}
