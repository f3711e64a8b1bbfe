import { SAFE_PATTERN_REWRITES, safeSchemaRegExp } from '../../../src/sharing/stix';
import { STIX_SCHEMA_FILES } from '../../../src/sharing/stix/schemas';

/** Every regular expression the OASIS schemas hand to ajv (`pattern` values and `patternProperties` keys). */
function schemaPatterns(): string[] {
  const found = new Set<string>();
  const stack: unknown[] = STIX_SCHEMA_FILES.map((f) => f.schema);
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'pattern' && typeof value === 'string') found.add(value);
        if (key === 'patternProperties' && typeof value === 'object' && value !== null)
          Object.keys(value).forEach((k) => found.add(k));
        stack.push(value);
      }
    }
  }
  return [...found];
}

function probes(n: number): string[] {
  const bodies = ['a', 'a1', '-aaaaa', '1', 'A', 'a.', ':', '1:', '-a', '?a', '_', '-abcde', '=', '+', 'ab'];
  const prefixes = ['', 'cpe:2.3:a:', 'en', 'ab-', '0000:'];
  const suffixes = ['!', '', ':!', '-ext!'];
  const out: string[] = [];
  for (const p of prefixes)
    for (const b of bodies) for (const s of suffixes) out.push(p + b.repeat(Math.ceil(n / b.length)) + s);
  return out;
}

function worstMillis(pattern: string, inputs: string[]): number {
  const re = safeSchemaRegExp(pattern, '');
  let worst = 0;
  for (const input of inputs) {
    const started = process.hrtime.bigint();
    re.test(input);
    worst = Math.max(worst, Number(process.hrtime.bigint() - started) / 1e6);
  }
  return worst;
}

describe('schema regular expressions against hostile strings', () => {
  const patterns = schemaPatterns();

  it('finds the patterns it is meant to guard, and each rewrite still targets a vendored pattern', () => {
    expect(patterns.length).toBeGreaterThan(30);
    for (const original of Object.keys(SAFE_PATTERN_REWRITES)) expect(patterns).toContain(original);
  });

  it('rewrites accept exactly what the originals accept on a sample of names', () => {
    const samples = [
      'indicator',
      'x-lianfang-note',
      'a',
      'ab',
      'a-',
      'a--b',
      '-a',
      'A',
      'a_b',
      'x509-certificate',
      'a1-2b-',
      'foo-ext',
      'my-thing-ext',
      'ext',
      '-ext',
      'a-ext-',
      'en',
      'en-US',
      'zh-Hans-CN',
      'abc',
      'en-abcde',
      'en-1abc',
      'EN',
      'en-us',
    ];
    for (const [original, safe] of Object.entries(SAFE_PATTERN_REWRITES)) {
      const a = new RegExp(original);
      const b = new RegExp(safe);
      for (const s of samples) expect([original, s, b.test(s)]).toEqual([original, s, a.test(s)]);
    }
  });

  // Short probes first: an exponential pattern is caught here in a fraction of a second, and is then kept out
  // of the 64 KiB run, where it would never finish.
  const short = probes(24);
  const exponential = new Set(patterns.filter((p) => worstMillis(p, short) > 100));

  it('no pattern backtracks exponentially (the unguarded type pattern needs ~0.5 s for 24 characters)', () => {
    expect([...exponential]).toEqual([]);
  });

  it('no pattern is badly super-linear on 64 KiB strings (the string limit)', () => {
    const long = probes(64 * 1024);
    const slow = patterns.filter((p) => !exponential.has(p) && worstMillis(p, long) > 250);
    expect(slow).toEqual([]);
  });
});
