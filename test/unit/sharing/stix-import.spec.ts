import {
  TLP_1_0_MARKING_IDS,
  TLP_2_0_MARKING_IDS,
  importIndicators,
  parseUntrustedBundle,
  type StixObject,
} from '../../../src/sharing/stix';
import { exportSample, PUBLIC_INDICATORS, sampleInput } from './fixtures';

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
    async (desensitise) => {
      const { bundle } = await exportSample(sampleInput(), { tlp: 'green', desensitise: desensitise || undefined });
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
      ['file-md5', '0123456789abcdef0123456789abcdef', '3333', undefined],
      ['file-sha256', 'b'.repeat(64), '3333', undefined],
    ]);
  });

  it.each([
    ["[ipv4-addr:value = '198.51.100.1' AND domain-name:value = 'x.example']", /AND/],
    ["[ipv4-addr:value = '198.51.100.1'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.2']", /FOLLOWEDBY/],
    ["[ipv4-addr:value = '198.51.100.1'] WITHIN 300 SECONDS", /WITHIN/],
    ["[ipv4-addr:value != '198.51.100.1']", /operator "!="/],
    ["[domain-name:value LIKE '%.example']", /operator "LIKE"/],
    ["[ipv4-addr:value ISSUBSET '198.51.100.1']", /needs a CIDR block/],
    ["[network-traffic:dst_port = '443']", /unsupported object path "network-traffic:dst_port"/],
    ["[file:hashes.'SHA-1' = '0123456789012345678901234567890123456789']", /unsupported object path/],
    ["[ipv4-addr:value = '198.51.100.1'", /not a valid STIX pattern/],
    ["[ipv4-addr:value = '198.51.100.1]", /not a valid STIX pattern/],
    ["[ipv4-addr:value = '198.51.100.1' or ipv4-addr:value = '198.51.100.2']", /not a valid STIX pattern.*"or"/],
    ['[ipv4-addr:value = 198]', /compared with a int/],
    ["[ipv4-addr:value = '999.1.1.1']", /not a valid ipv4-addr/],
    ["[file:hashes.MD5 = 'abc']", /not a valid STIX pattern: 'abc' is not a valid MD5 hash/],
    ["[url:value = 'not a url']", /not a valid url/],
    ['', /not a valid STIX pattern/],
  ])('skips %s with a reason', (pattern, reason) => {
    const bundle = { type: 'bundle', id: `bundle--${ID(1)}`, objects: [indicator(ID(4), pattern)] };
    const { indicators, skipped } = importIndicators(bundle);
    expect(indicators).toEqual([]);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ id: `indicator--${ID(4)}`, pattern });
    expect(skipped[0].reason).toMatch(reason);
  });

  it('takes the newest of several versions of one indicator', () => {
    const older = indicator(ID(7), "[ipv4-addr:value = '198.51.100.70']", { modified: '2026-03-01T08:00:00.000Z' });
    const newest = indicator(ID(7), "[ipv4-addr:value = '198.51.100.71']", { modified: '2026-03-02T08:00:00.500Z' });
    const middle = indicator(ID(7), "[ipv4-addr:value = '198.51.100.72']", { modified: '2026-03-02T08:00:00.250Z' });
    const bundle = { type: 'bundle', id: `bundle--${ID(1)}`, objects: [older, newest, middle] };
    expect(parseUntrustedBundle(bundle)).toBe(bundle); // a valid bundle, duplicate id and all
    expect(importIndicators(bundle)).toEqual({
      indicators: [
        expect.objectContaining({ type: 'ipv4-addr', value: '198.51.100.71', stixId: `indicator--${ID(7)}` }),
      ],
      skipped: [],
    });
    // The newest version revoked: the indicator is withdrawn, whatever older versions said.
    const revoked = { ...newest, modified: '2026-03-03T00:00:00.000Z', revoked: true };
    expect(importIndicators({ ...bundle, objects: [older, revoked, newest] }).skipped).toEqual([
      expect.objectContaining({ id: `indicator--${ID(7)}`, reason: 'indicator is revoked' }),
    ]);
  });

  it('normalises values before de-duplicating them, and keeps the TLP of each', () => {
    const bundle = {
      type: 'bundle',
      id: `bundle--${ID(1)}`,
      objects: [
        indicator(
          ID(2),
          "[domain-name:value = 'Evil.Example.' OR domain-name:value = 'evil.example' OR file:hashes.'SHA-256' = '" +
            'AB'.repeat(32) +
            "']",
          { object_marking_refs: [TLP_2_0_MARKING_IDS.red] },
        ),
        indicator(
          ID(3),
          "[file:hashes.'sha256' = '" +
            'ab'.repeat(32) +
            "' OR email-addr:value = 'Boss@Evil.Example' OR ipv6-addr:value = '2001:DB8:0:0::1']",
        ),
      ],
    };
    expect(importIndicators(bundle).indicators.map((i) => [i.type, i.value, i.tlp])).toEqual([
      ['domain-name', 'evil.example', 'red'],
      ['file-sha256', 'ab'.repeat(32), 'red'],
      ['email-addr', 'Boss@evil.example', undefined],
      ['ipv6-addr', '2001:db8::1', undefined],
    ]);
  });

  it('skips expired indicators', () => {
    const bundle = {
      type: 'bundle',
      id: `bundle--${ID(1)}`,
      objects: [
        indicator(ID(2), "[ipv4-addr:value = '198.51.100.1']", { valid_until: '2026-04-01T00:00:00Z' }),
        indicator(ID(3), "[ipv4-addr:value = '198.51.100.2']", { valid_until: '2026-06-01T00:00:00.000Z' }),
      ],
    };
    const result = importIndicators(bundle, { now: new Date('2026-05-01T00:00:00.000Z') });
    expect(result.indicators.map((i) => i.value)).toEqual(['198.51.100.2']);
    expect(result.skipped).toEqual([
      {
        id: `indicator--${ID(2)}`,
        pattern: "[ipv4-addr:value = '198.51.100.1']",
        reason: 'indicator expired (valid_until 2026-04-01T00:00:00Z)',
      },
    ]);
  });

  it('skips non-STIX pattern types, revoked indicators and drill indicators (unless asked)', async () => {
    const drill = (await exportSample(sampleInput({ drill: true }), { tlp: 'green', desensitise: true })).bundle;
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

  it('reads escaped quotes and backslashes back exactly', async () => {
    const value = "http://evil.example/a\\b'c''d\\\\";
    const { bundle } = await exportSample({ ...sampleInput(), indicators: [{ type: 'url', value }] }, { tlp: 'red' });
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
