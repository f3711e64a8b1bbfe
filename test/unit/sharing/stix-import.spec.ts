import {
  TLP_1_0_MARKING_IDS,
  exportIncidentBundle,
  importIndicators,
  parseUntrustedBundle,
  type StixObject,
} from '../../../src/sharing/stix';
import { PUBLIC_INDICATORS, sampleInput } from './fixtures';

function indicator(id: string, pattern: string, extra: Record<string, unknown> = {}): StixObject {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${id}`,
    created: '2026-03-01T08:00:00.000Z',
    modified: '2026-03-01T08:00:00.000Z',
    pattern,
    pattern_type: 'stix',
    valid_from: '2026-03-01T08:00:00.000Z',
    ...extra,
  };
}

const ID = (n: number): string =>
  `${String(n).repeat(8)}-${String(n).repeat(4)}-4` +
  `${String(n).repeat(3)}-8${String(n).repeat(3)}-` +
  `${String(n).repeat(12)}`;

describe('importIndicators', () => {
  it.each([true, false])(
    'round-trips the public indicators through export, text and parsing (desensitise: %s)',
    (desensitise) => {
      const { bundle } = exportIncidentBundle(sampleInput(), { tlp: 'green', desensitise: desensitise || undefined });
      const parsed = parseUntrustedBundle(JSON.stringify(bundle));
      const { indicators, skipped } = importIndicators(parsed);
      expect(skipped).toEqual([]);
      const got = indicators.map(({ type, value }) => ({ type, value }));
      const want = PUBLIC_INDICATORS.map(({ type, value }) => ({ type, value }));
      if (desensitise) {
        expect(got).toEqual(want);
      } else {
        // without desensitisation the internal indicators travel too
        expect(got).toEqual(sampleInput().indicators.map(({ type, value }) => ({ type, value })));
      }
      const sha = indicators.find((i) => i.type === 'file-sha256')!;
      expect(sha.validFrom).toBe('2026-03-01T08:00:00.000Z');
      expect(indicators.every((i) => i.tlp === 'green' && i.stixId.startsWith('indicator--'))).toBe(true);
      expect(indicators.find((i) => i.type === 'ipv4-addr')?.description).toBe('C2 server seen in firewall logs');
    },
  );

  it('splits OR-joined comparisons and observations, and de-duplicates', () => {
    const bundle = {
      type: 'bundle',
      id: `bundle--${ID(1)}`,
      objects: [
        indicator(
          ID(2),
          "[ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value = '198.51.100.2' OR domain-name:value = 'bad.example']",
          {
            object_marking_refs: [TLP_1_0_MARKING_IDS.white],
          },
        ),
        indicator(
          ID(3),
          "[file:hashes.MD5 = '0123456789ABCDEF0123456789ABCDEF'] OR [file:hashes.'SHA-256' = '" +
            'b'.repeat(64) +
            "'] OR [ipv4-addr:value = '198.51.100.1']",
        ),
      ],
    };
    const { indicators, skipped } = importIndicators(bundle);
    expect(skipped).toEqual([]);
    expect(indicators.map((i) => [i.type, i.value, i.stixId.slice(-4), i.tlp])).toEqual([
      ['ipv4-addr', '198.51.100.1', '2222', 'clear'],
      ['ipv4-addr', '198.51.100.2', '2222', 'clear'],
      ['domain-name', 'bad.example', '2222', 'clear'],
      ['file-md5', '0123456789ABCDEF0123456789ABCDEF', '3333', undefined],
      ['file-sha256', 'b'.repeat(64), '3333', undefined],
    ]);
  });

  it.each([
    ["[ipv4-addr:value = '198.51.100.1' AND domain-name:value = 'x.example']", /AND/],
    ["[ipv4-addr:value = '198.51.100.1'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.2']", /FOLLOWEDBY/],
    ["[ipv4-addr:value = '198.51.100.1'] WITHIN 300 SECONDS", /WITHIN/],
    ["[ipv4-addr:value != '198.51.100.1']", /operator "!="/],
    ["[domain-name:value LIKE '%.example']", /operator "LIKE"/],
    ["[ipv4-addr:value ISSUBSET '198.51.100.0/24']", /ISSUBSET/],
    ["[network-traffic:dst_port = '443']", /unsupported object path "network-traffic:dst_port"/],
    ["[file:hashes.'SHA-1' = 'abc']", /unsupported object path/],
    ["[ipv4-addr:value = '198.51.100.1'", /expected "\]"/],
    ["[ipv4-addr:value = '198.51.100.1]", /unterminated string/],
    ['[ipv4-addr:value = 198]', /quoted string/],
    ["[ipv4-addr:value = '999.1.1.1']", /not a valid ipv4-addr/],
    ["[file:hashes.MD5 = 'abc']", /not a valid file-md5/],
    ["[url:value = 'not a url']", /not a valid url/],
    ['', /expected "\["/],
  ])('skips %s with a reason', (pattern, reason) => {
    const bundle = { type: 'bundle', id: `bundle--${ID(1)}`, objects: [indicator(ID(4), pattern)] };
    const { indicators, skipped } = importIndicators(bundle);
    expect(indicators).toEqual([]);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ id: `indicator--${ID(4)}`, pattern });
    expect(skipped[0].reason).toMatch(reason);
  });

  it('skips non-STIX pattern types, revoked indicators and drill indicators (unless asked)', () => {
    const drill = exportIncidentBundle(sampleInput({ drill: true }), { tlp: 'green', desensitise: true }).bundle;
    expect(importIndicators(drill).indicators).toEqual([]);
    expect(importIndicators(drill).skipped.every((s) => s.reason === 'indicator comes from a drill')).toBe(true);
    expect(importIndicators(drill, { includeDrill: true }).indicators).toHaveLength(PUBLIC_INDICATORS.length);

    const bundle = {
      type: 'bundle',
      id: `bundle--${ID(1)}`,
      objects: [
        indicator(ID(5), 'rule x { condition: true }', { pattern_type: 'yara' }),
        indicator(ID(6), "[ipv4-addr:value = '198.51.100.9']", { revoked: true }),
      ],
    };
    expect(importIndicators(bundle).skipped.map((s) => s.reason)).toEqual([
      'pattern_type "yara" is not supported (only "stix")',
      'indicator is revoked',
    ]);
  });

  it('reads escaped quotes and backslashes back exactly', () => {
    const value = "http://evil.example/a\\b'c''d\\\\";
    const { bundle } = exportIncidentBundle({ ...sampleInput(), indicators: [{ type: 'url', value }] }, { tlp: 'red' });
    expect(importIndicators(parseUntrustedBundle(JSON.stringify(bundle))).indicators.map((i) => i.value)).toEqual([
      value,
    ]);
  });

  it('never throws, whatever it is given', () => {
    const weird: unknown[] = [
      null,
      42,
      'x',
      [],
      { objects: 'no' },
      { type: 'bundle', objects: [null, 1, { type: 'indicator' }, { type: 'indicator', pattern: 7 }] },
    ];
    for (const w of weird) expect(() => importIndicators(w)).not.toThrow();
    const getterBomb = { type: 'indicator' };
    Object.defineProperty(getterBomb, 'pattern', {
      get: () => {
        throw new Error('boom');
      },
    });
    const result = importIndicators({ type: 'bundle', objects: [getterBomb] });
    expect(result.skipped[0].reason).toMatch(/unreadable object: boom/);
  });
});
