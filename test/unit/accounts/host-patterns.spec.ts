import { hostPatternProblem, matchesHostPattern, MAX_HOST_PATTERN_LENGTH } from '../../../src/accounts/host-patterns';
import { desensitiseExportInput } from '../../../src/sharing/stix';
import { exportSample, sampleInput } from '../sharing/fixtures';

describe('internal host naming patterns', () => {
  it.each([
    ['trade-app-*', 'trade-app-01', true],
    ['trade-app-*', 'TRADE-APP-02', true],
    ['trade-app-*', 'trade-app-01.corp.example', true], // * spans dots
    ['trade-app-*', 'trade-ap', false],
    ['trade-app-*', 'xtrade-app-01', false], // whole name only
    ['dc##', 'dc01', true],
    ['dc##', 'DC99', true],
    ['dc##', 'dc1', false],
    ['dc##', 'dcab', false],
    ['db-?', 'db-a', true],
    ['db-?', 'db-ab', false],
    ['*.prod.example', 'api.prod.example', true],
    ['*.prod.example', 'prod.example', false],
    ['*-hmi-*', 'scada-hmi-3', true],
    ['*-hmi-*', 'scadahmi', false],
    ['plc_*', 'plc_line_4', true],
    ['trade-app-*', 'trade-app-01 x', false], // not a host-name character: not a name
  ])('%s vs %s → %s', (pattern, name, expected) => {
    expect(matchesHostPattern(pattern, name)).toBe(expected);
  });

  it('refuses patterns that are malformed, unbounded or match everything, saying why', () => {
    expect(hostPatternProblem('trade-app-*')).toBeUndefined();
    expect(hostPatternProblem('dc##')).toBeUndefined();
    expect(hostPatternProblem('')).toMatch(/1 to 64 characters/);
    expect(hostPatternProblem('a'.repeat(MAX_HOST_PATTERN_LENGTH + 1))).toMatch(/1 to 64 characters/);
    expect(hostPatternProblem('(a+)+$')).toMatch(/may hold only letters/);
    expect(hostPatternProblem('app[0-9]')).toMatch(/may hold only letters/);
    expect(hostPatternProblem('a*b*c*d*e')).toMatch(/at most 3 "\*"/);
    expect(hostPatternProblem('*')).toMatch(/at least two letters or digits/);
    expect(hostPatternProblem('?*#')).toMatch(/at least two letters or digits/);
    expect(hostPatternProblem(42)).toBe('must be a string');
  });

  it('matches in bounded time on hostile names (no backtracking blow-up)', () => {
    const patterns = Array.from({ length: 50 }, () => '*a*a*a');
    const name = `${'a'.repeat(252)}b`;
    const started = process.hrtime.bigint();
    for (let i = 0; i < 200; i++) for (const p of patterns) expect(matchesHostPattern(p, name)).toBe(false);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // 10,000 worst-case matches of a 253-character name: well under a second (exponential matching would never finish).
    expect(ms).toBeLessThan(2000);
    expect(matchesHostPattern('*a*a*a', 'a'.repeat(10_000))).toBe(false); // longer than any host name: never matched
  });

  it(
    "desensitisation replaces bare host names matching the organisation's " + 'patterns, and drops indicators on them',
    async () => {
      const input = sampleInput({
        title: 'Ransomware on trade-app-01',
        description:
          'Spread from trade-app-01 to TRADE-APP-02 and dc07; the vendor portal portal.example.org was not touched.',
        affectedSystems: ['trade-app-01', 'dc07', 'ERP cluster'],
      });
      input.indicators.push(
        { type: 'domain-name', value: 'trade-app-03' },
        { type: 'url', value: 'https://dc09/share/x' },
      );
      // Without the patterns the bare names pass (the finding).
      const plain = JSON.stringify((await exportSample(input, { tlp: 'green', desensitise: true })).bundle);
      expect(plain).toContain('trade-app-01');
      const { bundle, removed } = await exportSample(input, {
        tlp: 'green',
        desensitise: { internalHostPatterns: ['trade-app-*', 'dc##'] },
      });
      const text = JSON.stringify(bundle);
      for (const name of ['trade-app-01', 'TRADE-APP-02', 'trade-app-03', 'dc07', 'dc09'])
        expect({ name, present: text.toLowerCase().includes(name.toLowerCase()) }).toEqual({ name, present: false });
      expect(text).toContain('portal.example.org');
      expect(text).toContain('ERP cluster');
      expect(removed).toContainEqual(
        expect.objectContaining({ what: 'trade-app-01', where: 'incident.title', rule: 'internal-host' }),
      );
      expect(removed).toContainEqual(
        expect.objectContaining({ what: 'domain-name trade-app-03', rule: 'internal-host-indicator' }),
      );
      const { input: out } = desensitiseExportInput(input, { internalHostPatterns: ['trade-app-*', 'dc##'] });
      expect(out.incident.affectedSystems).toEqual(['[internal-host-1]', '[internal-host-3]', 'ERP cluster']);
    },
  );
});
