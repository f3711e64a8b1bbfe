import {
  buildPattern,
  escapePatternString,
  indicatorsInPattern,
  type SharedIndicatorType,
} from '../../../src/sharing/stix';

describe('STIX patterns', () => {
  it('escapes backslashes before quotes', () => {
    expect(escapePatternString("it's")).toBe("'it\\'s'");
    expect(escapePatternString('C:\\temp\\')).toBe("'C:\\\\temp\\\\'");
    expect(escapePatternString("\\'")).toBe("'\\\\\\''");
  });

  it.each<[SharedIndicatorType, string, string]>([
    ['ipv4-addr', '198.51.100.7', "[ipv4-addr:value = '198.51.100.7']"],
    ['ipv6-addr', '2001:db8::1', "[ipv6-addr:value = '2001:db8::1']"],
    ['domain-name', 'bad.example', "[domain-name:value = 'bad.example']"],
    ['url', "http://x.example/?q='1'", "[url:value = 'http://x.example/?q=\\'1\\'']"],
    ['email-addr', 'a@b.example', "[email-addr:value = 'a@b.example']"],
    ['file-sha256', 'c'.repeat(64), `[file:hashes.'SHA-256' = '${'c'.repeat(64)}']`],
    ['ipv4-addr', '198.51.100.0/24', "[ipv4-addr:value ISSUBSET '198.51.100.0/24']"],
    ['file-md5', 'd'.repeat(32), `[file:hashes.MD5 = '${'d'.repeat(32)}']`],
  ])('builds a %s pattern that parses back to the same value', (type, value, pattern) => {
    expect(buildPattern(type, value)).toBe(pattern);
    expect(indicatorsInPattern(pattern)).toEqual({ ok: true, comparisons: [{ type, value }] });
  });

  it('round-trips hostile strings exactly', () => {
    for (const value of ["'", '\\', "\\'", "']", "' OR ipv4-addr:value = '1.1.1.1", 'a]b[c', '\u0000\n\t', '名字']) {
      const result = indicatorsInPattern(buildPattern('url', value));
      expect(result).toEqual({ ok: true, comparisons: [{ type: 'url', value }] });
    }
  });

  it('accepts hash name spellings seen in the wild', () => {
    const sha = 'e'.repeat(64);
    for (const path of ["file:hashes.'SHA-256'", 'file:hashes.SHA256', "file:hashes.'sha256'"]) {
      expect(indicatorsInPattern(`[${path} = '${sha}']`)).toEqual({
        ok: true,
        comparisons: [{ type: 'file-sha256', value: sha }],
      });
    }
    expect(indicatorsInPattern(`[file:hashes.'MD5' = '${'f'.repeat(32)}']`)).toEqual({
      ok: true,
      comparisons: [{ type: 'file-md5', value: 'f'.repeat(32) }],
    });
  });

  it('rejects an invalid escape instead of guessing', () => {
    const result = indicatorsInPattern("[url:value = 'a\\nb']");
    expect(result).toMatchObject({ ok: false, invalid: true });
  });
});
