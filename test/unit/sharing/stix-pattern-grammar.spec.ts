import { MAX_PATTERN_NESTING, parseStixPattern } from '../../../src/sharing/stix/pattern-grammar';
import { buildPattern, indicatorsInPattern } from '../../../src/sharing/stix';

const SHA256 = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f';

/** Patterns from the STIX 2.1 specification (section 9.9, examples), which every conforming parser accepts. */
const SPEC_EXAMPLES = [
  `[file:hashes.'SHA-256' = '${SHA256}']`,
  "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND " +
    "email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']",
  `[file:hashes.'SHA-256' = '${SHA256}' AND file:mime_type = 'application/x-pdf']`,
  `[file:hashes.'SHA-256' = '${SHA256}' OR file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] AND ` +
    `[file:hashes.'SHA-256' = '${SHA256}']`,
  "([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY " +
    "[win-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) WITHIN 300 SECONDS",
  "[user-account:account_type = 'unix' AND user-account:user_id = '1007' AND user-account:account_login = 'Peter'] " +
    "AND [user-account:account_type = 'unix' AND user-account:user_id = '1008']",
  "[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND " +
    "artifact:payload_bin MATCHES '\\\\xd4\\\\xc3\\\\xb2\\\\xa1']",
  "[file:name = 'foo.dll' AND file:parent_directory_ref.path = 'C:\\\\Windows\\\\System32']",
  "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
  "[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']",
  "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33/32']",
  "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] " +
    'REPEATS 5 TIMES WITHIN 1800 SECONDS',
  "[domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1/32']",
  "[url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar']",
  "[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66']",
  "[(file:name = 'pdf.exe' OR file:size = '371712') AND file:created = t'2014-01-13T07:03:17Z']",
  "[x-usb-device:usbdrive.serial_number = '575833314133343231313937']",
  "[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
  "([file:name = 'foo.dll'] AND [win-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']) OR " +
    "[process:name = 'fooproc' OR process:name = 'procfoo']",
];

const OTHER_VALID = [
  '[file:size != 1280]',
  '[file:size <= 1024]',
  '[file:size >= -3.5]',
  "[ipv4-addr:value NOT ISSUBSET '192.168.0.1/24']",
  "[file:file_name IN ('test.txt', 'test2.exe', 'README')]",
  '[file:size IN ()]',
  "[x_whatever:detected == t'2018-03-22T12:11:14.1Z']",
  "[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']",
  '[foo:bar=1] REPEATS 9 TIMES',
  '[network-traffic:is_active = true]',
  '[NOT EXISTS x:k]',
  "[x:a = 'b'] START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z'",
  "([x:a = 'b']) WITHIN 5 SECONDS WITHIN 6 SECONDS",
  "[file:hashes[*] = '8665c8d477534008b3058b72e2dae8ae']",
  "/* comment */ [x:a = 'b'] // trailing",
  "[x:a = 'it\\'s']",
  "[x:a = '名字']",
  "\u3000[x:a\u00a0=\u2003'b']",
];

const INVALID: Array<[string, RegExp]> = [
  ["[ipv4-addr:value = '198.51.100.1' or ipv4-addr:value = '198.51.100.2']", /found "or"/],
  ["[ipv4-addr:value = '198.51.100.1'] or [ipv4-addr:value = '198.51.100.2']", /found "or"/],
  ["[ipv4-addr:value = '198.51.100.1' and domain-name:value = 'a.example']", /found "and"/],
  ['[foo:bar=1] within 2 seconds', /found "within"/],
  ['file:size = 1280', /expected "\[" or "\("/],
  ['[file:size = ]', /expected a literal/],
  ['[file:hashes.MD5 = cead3f77f6cda6ec00f57d76c9a6879f]', /expected a literal/],
  ['[file.size = 1280]', /":" after the object type/],
  ['[file:name MATCHES /.*\\.dll/]', /expected a quoted string/],
  ["[x:k = 'v'] WITHIN ]", /positive number of seconds/],
  ["[x:k = 'v'] WITHIN 5 HOURS", /"SECONDS"/],
  ["[x:k = 'v'] WITHIN -5 SECONDS", /positive number of seconds/],
  ['[network-traffic:dst_ref.value ISSUBSET ]', /quoted string/],
  ['[network-traffic:dst_ref.value ISSUBSET 10]', /quoted string/],
  ["[file:hashes.MD5 =? 'cead3f77f6cda6ec00f57d76c9a6879f']", /expected a literal .*found "\?"/],
  ["[x_whatever:detected == t'2457-73-22T32:81:84.1Z']", /expected a literal/],
  ["[x:created = t'2024-01-15T12:30:45']", /expected a literal/],
  ["[artifact:payload_bin = b'====']", /expected a literal/],
  ["[file:hashes.'SHA-256' = 'f00']", /'f00' is not a valid SHA-256 hash/],
  ["[file:hashes.MD5 = 'abc']", /not a valid MD5 hash/],
  ["[x:k = 'v'] WITHIN 5 SECONDS WITHIN 6 SECONDS", /duplicate WITHIN/],
  ["([x:k = 'v'] REPEATS 2 TIMES REPEATS 3 TIMES)", /duplicate REPEATS/],
  [
    "[x:k = 'v'] START t'2016-06-01T01:30:00Z' STOP t'2016-06-01T02:20:00Z' " +
      "START t'2016-06-01T01:30:00Z' STOP t'2016-06-01T02:20:00Z'",
    /duplicate STARTSTOP/,
  ],
  ["[x:k = 'a\\nb']", /expected a literal/],
  ["[x:k = 'unterminated]", /expected a literal/],
  ["[x:k-y = 'v']", /property name/],
  ["[x:AND = 'v']", /property name/],
  ["[x:k = 'v'", /"\]"/],
  ["[x:k = 'v']]", /end of the pattern/],
  ['[x:k > true]', /booleans are not ordered/],
  ['[x:k LIKE 5]', /quoted string/],
  ['', /observation expression, found the end/],
  ["[x:k = 'v'] /* open", /end of the pattern .*found "\/"/],
  ["[x:k = 'v'] # x", /found "#"/],
  ["[x:k = 'v'] AND", /observation expression, found the end/],
  ["[x:k = 'v'] FOLLOWEDBY", /observation expression/],
];

describe('STIX 2.1 pattern grammar', () => {
  it.each(SPEC_EXAMPLES)('accepts the specification example %s', (pattern) => {
    expect(parseStixPattern(pattern)).toMatchObject({ ok: true });
  });

  it.each(OTHER_VALID)('accepts %s', (pattern) => {
    expect(parseStixPattern(pattern)).toMatchObject({ ok: true });
  });

  it.each(INVALID)('rejects %s', (pattern, error) => {
    const result = parseStixPattern(pattern);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(error);
  });

  it('reports where the error is', () => {
    expect(parseStixPattern("[x:k = 'v' or x:k = 'w']")).toEqual({
      ok: false,
      error: 'expected "]" (or OR, AND), found "or"',
      at: 11,
    });
    expect(parseStixPattern('[file:size = ]')).toMatchObject({ at: 13 });
  });

  it('gives AND precedence over OR and FOLLOWEDBY the loosest binding, as flat lists', () => {
    const result = parseStixPattern('[a:b = 1 OR a:c = 2 AND a:d = 3] AND [a:e = 4] OR [a:f = 5] FOLLOWEDBY [a:g = 6]');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const root = result.expression;
    expect(root.type).toBe('followedby');
    if (root.type !== 'followedby') return;
    expect(root.operands.map((o) => o.type)).toEqual(['or', 'observation']);
    const or = root.operands[0];
    if (or.type !== 'or') throw new Error('expected or');
    expect(or.operands.map((o) => o.type)).toEqual(['and', 'observation']);
    const and = or.operands[0];
    if (and.type !== 'and') throw new Error('expected and');
    const first = and.operands[0];
    if (first.type !== 'observation') throw new Error('expected observation');
    expect(first.comparison).toMatchObject({
      type: 'or',
      operands: [{ type: 'test', operator: '=' }, { type: 'and' }],
    });
  });

  it('reads literals and paths exactly', () => {
    const result = parseStixPattern(
      "[file:extensions.'windows-pebinary-ext'.sections[-1].name " +
        "IN ('a\\'b', 'c\\\\d', -2, +3, .5, true, h'ff', b'AA==', t'2020-01-01T00:00:00Z')]",
    );
    expect(result).toMatchObject({
      ok: true,
      expression: {
        type: 'observation',
        comparison: {
          type: 'test',
          operator: 'IN',
          path: {
            objectType: 'file',
            steps: [
              { kind: 'key', name: 'extensions' },
              { kind: 'key', name: 'windows-pebinary-ext' },
              { kind: 'key', name: 'sections' },
              { kind: 'index', index: -1 },
              { kind: 'key', name: 'name' },
            ],
          },
          value: [
            { kind: 'string', value: "a'b" },
            { kind: 'string', value: 'c\\d' },
            { kind: 'int', value: -2 },
            { kind: 'int', value: 3 },
            { kind: 'float', value: 0.5 },
            { kind: 'bool', value: true },
            { kind: 'hex', value: 'ff' },
            { kind: 'binary', value: 'AA==' },
            { kind: 'timestamp', value: '2020-01-01T00:00:00Z' },
          ],
        },
      },
    });
  });

  it('bounds nesting and stays linear on long and hostile input', () => {
    const deep = `${'('.repeat(MAX_PATTERN_NESTING + 1)}[x:k = 'v']${')'.repeat(MAX_PATTERN_NESTING + 1)}`;
    expect(parseStixPattern(deep)).toMatchObject({ ok: false, error: expect.stringMatching(/nesting deeper/) });
    const ok = `${'('.repeat(MAX_PATTERN_NESTING - 1)}[x:k = 'v']${')'.repeat(MAX_PATTERN_NESTING - 1)}`;
    expect(parseStixPattern(ok).ok).toBe(true);
    expect(parseStixPattern('('.repeat(60_000)).ok).toBe(false);
    const started = process.hrtime.bigint();
    const long = Array.from({ length: 3000 }, (_, i) => `ipv4-addr:value = '198.51.${i >> 8}.${i & 255}'`).join(' OR ');
    expect(parseStixPattern(`[${long}]`).ok).toBe(true);
    expect(parseStixPattern(`b'${'A'.repeat(60_000)}`).ok).toBe(false);
    expect(parseStixPattern(`[x:k = '${'\\\\'.repeat(30_000)}`).ok).toBe(false);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
  });
});

describe('indicators read from a pattern', () => {
  it('takes OR-joined = comparisons and ISSUBSET on CIDR blocks', () => {
    expect(
      indicatorsInPattern(
        "[ipv4-addr:value ISSUBSET '198.51.100.0/24' OR domain-name:value = 'a.example'] OR " +
          "([ipv6-addr:value ISSUBSET '2001:db8::/32'])",
      ),
    ).toEqual({
      ok: true,
      comparisons: [
        { type: 'ipv4-addr', value: '198.51.100.0/24' },
        { type: 'domain-name', value: 'a.example' },
        { type: 'ipv6-addr', value: '2001:db8::/32' },
      ],
    });
  });

  it('builds ISSUBSET for CIDR blocks, which parse back', () => {
    expect(buildPattern('ipv4-addr', '198.51.100.0/24')).toBe("[ipv4-addr:value ISSUBSET '198.51.100.0/24']");
    expect(buildPattern('ipv6-addr', '2001:db8::/32')).toBe("[ipv6-addr:value ISSUBSET '2001:db8::/32']");
    expect(buildPattern('ipv4-addr', '198.51.100.7')).toBe("[ipv4-addr:value = '198.51.100.7']");
    expect(indicatorsInPattern(buildPattern('ipv4-addr', '198.51.100.0/24'))).toEqual({
      ok: true,
      comparisons: [{ type: 'ipv4-addr', value: '198.51.100.0/24' }],
    });
  });

  it.each([
    ["[ipv4-addr:value = '198.51.100.1' AND domain-name:value = 'x.example']", /AND inside/],
    ["[ipv4-addr:value = '198.51.100.1'] AND [domain-name:value = 'x.example']", /AND between/],
    ["[ipv4-addr:value = '198.51.100.1'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.2']", /FOLLOWEDBY/],
    ["[ipv4-addr:value = '198.51.100.1'] WITHIN 300 SECONDS", /qualifier WITHIN/],
    ["[ipv4-addr:value != '198.51.100.1']", /operator "!="/],
    ["[ipv4-addr:value NOT ISSUBSET '198.51.100.0/24']", /NOT/],
    ["[domain-name:value LIKE '%.example']", /operator "LIKE"/],
    ["[ipv4-addr:value ISSUBSET '198.51.100.1']", /needs a CIDR block/],
    ["[domain-name:value ISSUBSET 'a.example']", /operator "ISSUBSET"/],
    ['[network-traffic:dst_port = 443]', /unsupported object path "network-traffic:dst_port"/],
    ["[file:hashes.'SHA-1' = '0123456789012345678901234567890123456789']", /unsupported object path/],
    ['[ipv4-addr:value = 198]', /compared with a int/],
    ['[EXISTS ipv4-addr:value]', /EXISTS/],
  ])('reports %s as unsupported (valid, but not a list of values)', (pattern, reason) => {
    const result = indicatorsInPattern(pattern);
    expect(result).toMatchObject({ ok: false, invalid: false });
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('reports a pattern the grammar rejects as invalid', () => {
    expect(indicatorsInPattern("[ipv4-addr:value = '198.51.100.1' or ipv4-addr:value = '198.51.100.2']")).toEqual({
      ok: false,
      invalid: true,
      reason: 'not a valid STIX pattern: expected "]" (or OR, AND), found "or" (at character 34)',
    });
  });
});
