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

/** `[ipv4-addr:value = '198.51.100.7']`, `[file:hashes.'SHA-256' = '…']`, … */
export function buildPattern(type: SharedIndicatorType, value: string): string {
  return `[${OBJECT_PATHS[type]} = ${escapePatternString(value)}]`;
}

export interface PatternComparison {
  type: SharedIndicatorType;
  value: string;
}

export type PatternParseResult = { ok: true; comparisons: PatternComparison[] } | { ok: false; reason: string };

type Token =
  | { kind: 'lbracket' | 'rbracket' | 'eq'; at: number }
  | { kind: 'word'; text: string; at: number }
  | { kind: 'string'; text: string; at: number };

/**
 * Reads the subset of STIX patterning we exchange: one or more comparisons `<object path> = '<string>'`
 * over the supported object paths, joined by OR, inside one observation `[...]` or across observations
 * `[...] OR [...]`. Anything else (AND, FOLLOWEDBY, qualifiers, other operators, other paths) is reported
 * as unsupported rather than approximated: importing half of an AND would widen the indicator.
 */
export function parseSimplePattern(pattern: string): PatternParseResult {
  const tokens = tokenize(pattern);
  if (!Array.isArray(tokens)) return { ok: false, reason: tokens.reason };

  const comparisons: PatternComparison[] = [];
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const isWord = (t: Token | undefined, w: string): boolean => t?.kind === 'word' && t.text.toUpperCase() === w;

  for (;;) {
    if (peek()?.kind !== 'lbracket') return { ok: false, reason: 'expected "[" to open an observation expression' };
    i++;
    for (;;) {
      const path = peek();
      if (path?.kind !== 'word') return { ok: false, reason: 'expected an object path such as ipv4-addr:value' };
      i++;
      const type = typeForPath(path.text);
      const op = peek();
      if (op?.kind !== 'eq') {
        const opText = op?.kind === 'word' ? op.text : (op?.kind ?? 'end of pattern');
        return { ok: false, reason: `unsupported comparison operator "${opText}" (only "=" is supported)` };
      }
      i++;
      const literal = peek();
      if (literal?.kind !== 'string') return { ok: false, reason: 'expected a quoted string after "="' };
      i++;
      if (!type) return { ok: false, reason: `unsupported object path "${path.text}"` };
      comparisons.push({ type, value: literal.text });
      if (isWord(peek(), 'OR')) {
        i++;
        continue;
      }
      if (peek()?.kind === 'rbracket') {
        i++;
        break;
      }
      const next = peek();
      return {
        ok: false,
        reason:
          next?.kind === 'word' ? `unsupported keyword "${next.text}" inside an observation` : 'expected "]" or OR',
      };
    }
    if (i === tokens.length) return { ok: true, comparisons };
    if (isWord(peek(), 'OR')) {
      i++;
      continue;
    }
    const next = peek();
    return {
      ok: false,
      reason:
        next?.kind === 'word'
          ? `unsupported keyword or qualifier "${next.text}" between observations`
          : 'unexpected token after "]"',
    };
  }
}

function typeForPath(path: string): SharedIndicatorType | undefined {
  switch (path.toLowerCase()) {
    case 'ipv4-addr:value':
      return 'ipv4-addr';
    case 'ipv6-addr:value':
      return 'ipv6-addr';
    case 'domain-name:value':
      return 'domain-name';
    case 'url:value':
      return 'url';
    case 'email-addr:value':
      return 'email-addr';
  }
  const hash = /^file:hashes\.(?:'([^']*)'|([A-Za-z0-9-]+))$/i.exec(path);
  if (!hash) return undefined;
  const algorithm = (hash[1] ?? hash[2]).replace(/-/g, '').toUpperCase();
  if (algorithm === 'SHA256') return 'file-sha256';
  if (algorithm === 'MD5') return 'file-md5';
  return undefined;
}

/** Linear single pass; an object path is one word (it may contain a quoted component such as 'SHA-256'). */
function tokenize(pattern: string): Token[] | { reason: string } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '[' || c === ']') {
      tokens.push({ kind: c === '[' ? 'lbracket' : 'rbracket', at: i });
      i++;
    } else if (c === '=') {
      tokens.push({ kind: 'eq', at: i });
      i++;
    } else if (c === "'") {
      const start = i;
      let text = '';
      i++;
      for (;;) {
        if (i >= pattern.length) return { reason: `unterminated string starting at character ${start}` };
        const d = pattern[i];
        if (d === '\\') {
          const e = pattern[i + 1];
          if (e !== '\\' && e !== "'") return { reason: `invalid escape "\\${e ?? ''}" at character ${i}` };
          text += e;
          i += 2;
        } else if (d === "'") {
          i++;
          break;
        } else {
          text += d;
          i++;
        }
      }
      tokens.push({ kind: 'string', text, at: start });
    } else {
      const start = i;
      while (i < pattern.length) {
        const d = pattern[i];
        if (d === "'" && pattern[i - 1] === '.') {
          // quoted path component such as hashes.'SHA-256'
          const close = pattern.indexOf("'", i + 1);
          if (close < 0) return { reason: `unterminated quoted path component at character ${i}` };
          i = close + 1;
          continue;
        }
        if (" \t\r\n[]='".includes(d) || d === '!' || d === '<' || d === '>') break;
        i++;
      }
      if (i === start) {
        // an operator character we do not support (!=, <, >, …): make it a word so the parser names it
        let j = i;
        while (j < pattern.length && '!<>'.includes(pattern[j])) j++;
        if (pattern[j] === '=') j++;
        tokens.push({ kind: 'word', text: pattern.slice(i, Math.max(j, i + 1)), at: i });
        i = Math.max(j, i + 1);
      } else {
        tokens.push({ kind: 'word', text: pattern.slice(start, i), at: start });
      }
    }
  }
  return tokens;
}
