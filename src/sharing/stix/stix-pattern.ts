import {
  type ComparisonExpression,
  type ObjectPath,
  type ObservationExpression,
  hashAlgorithmKey,
  parseStixPattern,
} from './pattern-grammar';
import type { SharedIndicatorType } from './stix-types';

/** STIX patterning string literal: single quotes, with backslash and quote escaped by a backslash. */
export function escapePatternString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const OBJECT_PATHS: Readonly<Record<SharedIndicatorType, string>> = {
  'ipv4-addr': 'ipv4-addr:value',
  'ipv6-addr': 'ipv6-addr:value',
  'domain-name': 'domain-name:value',
  url: 'url:value',
  'email-addr': 'email-addr:value',
  'file-sha256': "file:hashes.'SHA-256'",
  'file-md5': 'file:hashes.MD5',
};

const isAddress = (type: SharedIndicatorType): boolean => type === 'ipv4-addr' || type === 'ipv6-addr';

/**
 * `[ipv4-addr:value = '198.51.100.7']`, `[file:hashes.'SHA-256' = '…']`, … A CIDR block is a set of
 * addresses: `[ipv4-addr:value ISSUBSET '198.51.100.0/24']` matches every address inside it, where
 * `=` would match only an observation whose value is that very block.
 */
export function buildPattern(type: SharedIndicatorType, value: string): string {
  const operator = isAddress(type) && value.includes('/') ? 'ISSUBSET' : '=';
  return `[${OBJECT_PATHS[type]} ${operator} ${escapePatternString(value)}]`;
}

export interface PatternComparison {
  type: SharedIndicatorType;
  value: string;
}

export type PatternParseResult =
  | { ok: true; comparisons: PatternComparison[] }
  /** `invalid`: the STIX grammar rejects the pattern; otherwise it is valid but not one we can take. */
  | { ok: false; invalid: boolean; reason: string };

/**
 * Reads the indicators out of a STIX pattern, when it says "any of these values": comparisons
 * `<path> = '<string>'` on the supported object paths (and `ISSUBSET '<CIDR>'` on addresses), joined
 * by OR inside one observation `[…]` or across observations, without qualifiers. Anything else that
 * the grammar accepts (AND, FOLLOWEDBY, NOT, qualifiers, other operators or paths) is reported as
 * unsupported rather than approximated: importing half of an AND would widen the indicator.
 * A pattern the grammar rejects is reported as invalid.
 */
export function indicatorsInPattern(pattern: string): PatternParseResult {
  const parsed = parseStixPattern(pattern);
  if (!parsed.ok)
    return {
      ok: false,
      invalid: true,
      reason: `not a valid STIX pattern: ${parsed.error} (at character ${parsed.at})`,
    };
  const comparisons: PatternComparison[] = [];
  const unsupported = (reason: string): PatternParseResult => ({ ok: false, invalid: false, reason });

  const observations: ObservationExpression[] = [parsed.expression];
  const observed: ComparisonExpression[] = [];
  while (observations.length) {
    const node = observations.pop()!;
    if ('operands' in node) {
      if (node.type !== 'or')
        return unsupported(`unsupported ${node.type === 'and' ? 'AND' : 'FOLLOWEDBY'} between observations`);
      // A stack popped in source order: operands pushed last-first.
      for (let k = node.operands.length - 1; k >= 0; k--) observations.push(node.operands[k]);
    } else if (node.qualifiers.length) return unsupported(`unsupported qualifier ${node.qualifiers[0].kind}`);
    else if (node.type === 'group') observations.push(node.expression);
    else observed.push(node.comparison);
  }
  const tests = observed.reverse();
  while (tests.length) {
    const node = tests.pop()!;
    if ('operands' in node) {
      if (node.type === 'and') return unsupported('unsupported AND inside an observation');
      for (let k = node.operands.length - 1; k >= 0; k--) tests.push(node.operands[k]);
      continue;
    }
    if (node.type === 'exists') return unsupported('unsupported EXISTS');
    if (node.negated) return unsupported('unsupported NOT');
    const type = typeForPath(node.path);
    const where = pathText(node.path);
    if (!type) return unsupported(`unsupported object path "${where}"`);
    const literal = node.value;
    const subset = node.operator === 'ISSUBSET' && isAddress(type);
    if (node.operator !== '=' && !subset)
      return unsupported(`unsupported comparison operator "${node.operator}" on ${where}`);
    if (Array.isArray(literal) || literal.kind !== 'string')
      return unsupported(`${where} is compared with a ${Array.isArray(literal) ? 'set' : literal.kind}, not a string`);
    if (subset && !literal.value.includes('/'))
      return unsupported(`ISSUBSET on ${where} needs a CIDR block, not ${JSON.stringify(literal.value)}`);
    comparisons.push({ type, value: literal.value });
  }
  return { ok: true, comparisons };
}

function pathText(path: ObjectPath): string {
  let text = `${path.objectType}:`;
  path.steps.forEach((step, i) => {
    if (step.kind === 'index') text += `[${step.index}]`;
    else {
      const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(step.name) ? step.name : `'${step.name}'`;
      text += i === 0 ? name : `.${name}`;
    }
  });
  return text;
}

function typeForPath(path: ObjectPath): SharedIndicatorType | undefined {
  const [first, second, ...rest] = path.steps;
  if (first?.kind !== 'key') return undefined;
  if (second === undefined && first.name === 'value') {
    switch (path.objectType) {
      case 'ipv4-addr':
      case 'ipv6-addr':
      case 'domain-name':
      case 'url':
      case 'email-addr':
        return path.objectType;
    }
    return undefined;
  }
  if (path.objectType !== 'file' || first.name !== 'hashes' || second?.kind !== 'key' || rest.length) return undefined;
  // Algorithm names are compared as the OASIS validator does (SHA-256, sha256 and SHA256 alike).
  const algorithm = hashAlgorithmKey(second.name);
  if (algorithm === 'SHA256') return 'file-sha256';
  if (algorithm === 'MD5') return 'file-md5';
  return undefined;
}
