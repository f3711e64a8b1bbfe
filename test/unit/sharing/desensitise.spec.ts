import {
  DEFAULT_DESENSITISE_RULES,
  desensitiseExportInput,
  isNonPublicIp,
  LIANFANG_IDENTITY_ID,
  type Removal,
  type StixBundle,
} from '../../../src/sharing/stix';
import { exportSample, PLANTED, PUBLIC_INDICATORS, sampleInput } from './fixtures';

function everything(value: unknown): string {
  return JSON.stringify(value);
}

describe('desensitisation', () => {
  let bundle: StixBundle;
  let removed: Removal[];
  let text: string;
  beforeAll(async () => {
    ({ bundle, removed } = await exportSample(sampleInput(), { tlp: 'green', desensitise: true }));
    text = everything(bundle);
  });

  it.each([
    ['organisation name', [PLANTED.organisationName]],
    ['internal host names', PLANTED.internalHosts],
    ['private and loopback IPs', PLANTED.privateIps],
    ['mobile numbers', [...PLANTED.mobiles, '15987654321', '159-8765-4321']],
    ['resident ID numbers', PLANTED.residentIds],
    ['personal e-mail addresses', PLANTED.emails],
  ])('leaves no %s anywhere in the bundle', (_what, values) => {
    for (const v of values) expect(text).not.toContain(v);
  });

  it('keeps the shared IOCs, including the attacker e-mail in free text and public IPs', () => {
    const incident = bundle.objects.find((o) => o.type === 'incident')!;
    expect(incident.description).toContain('ransom.desk@attacker.example');
    expect(incident.description).toContain('203.0.113.66');
    const patterns = bundle.objects.filter((o) => o.type === 'indicator').map((o) => o.pattern);
    expect(patterns).toHaveLength(PUBLIC_INDICATORS.length);
    expect(patterns).toContain("[email-addr:value = 'ransom.desk@attacker.example']");
    expect(patterns).toContain("[ipv4-addr:value = '203.0.113.66']");
  });

  it('replaces internal details with consistent placeholders across fields', () => {
    const incident = bundle.objects.find((o) => o.type === 'incident')!;
    const systems = bundle.objects.filter((o) => o.type === 'infrastructure').map((o) => o.name);
    expect(incident.name).toBe('Ransomware on [internal-host-1] at [organisation]');
    expect(systems).toEqual([
      '[internal-host-1]',
      '[internal-host-3] ([private-ip-2])',
      '[internal-host-4]',
      'ERP cluster',
    ]);
    expect(incident.description).toContain('[internal-host-2] ([private-ip-1])');
    expect(incident.description).toContain('[private-ip-3]');
    expect(incident.description).toContain('[phone-removed]');
    expect(incident.description).toContain('[id-number-removed]');
    expect(incident.description).toContain('[email-removed]');
    const identity = bundle.objects.find((o) => o.type === 'identity' && o.id !== LIANFANG_IDENTITY_ID)!;
    expect(identity.name).toBe('Anonymised operator');
    expect(identity.sectors).toEqual(['energy']);
  });

  it('reports every removal with where it was and which rule removed it', () => {
    const has = (partial: Partial<Removal>): void => expect(removed).toContainEqual(expect.objectContaining(partial));
    has({ what: 'ipv4-addr 10.20.30.40', where: 'indicators[7]', rule: 'private-ip-indicator' });
    has({ what: 'ipv6-addr fe80::1', where: 'indicators[8]', rule: 'private-ip-indicator' });
    has({ what: 'domain-name fileserver.internal', where: 'indicators[9]', rule: 'internal-host-indicator' });
    has({ what: 'url http://192.168.1.15/drop.exe', where: 'indicators[10]', rule: 'private-ip-indicator' });
    has({ what: 'email-addr admin@dc01.corp', where: 'indicators[11]', rule: 'internal-host-indicator' });
    has({ what: 'dc01.corp', where: 'incident.title', rule: 'internal-host' });
    has({ what: 'dc01.corp', where: 'incident.affectedSystems[0]', rule: 'internal-host' });
    has({ what: '192.168.1.15', where: 'incident.affectedSystems[1]', rule: 'private-ip' });
    has({ what: '172.16.5.9/24', where: 'incident.description', rule: 'private-ip' });
    has({ what: 'fd12:3456::7', where: 'incident.description', rule: 'private-ip' });
    has({ what: '138****5678', where: 'incident.description', rule: 'mobile-number' });
    has({ what: '110101********123X', where: 'incident.description', rule: 'resident-id' });
    has({ what: 'z***@grid-east.example.cn', where: 'incident.description', rule: 'email' });
    has({ where: 'organisation.name', rule: 'organisation' });
    // personal data is masked even in the removal report
    for (const v of [...PLANTED.mobiles, ...PLANTED.residentIds, ...PLANTED.emails])
      expect(everything(removed)).not.toContain(v);
  });

  it('drops only the internal indicators', () => {
    const { input } = desensitiseExportInput(sampleInput(), true);
    expect(input.indicators.map((i) => i.value)).toEqual(PUBLIC_INDICATORS.map((i) => i.value));
  });

  it('does not touch the caller’s input object', () => {
    const original = sampleInput();
    const before = everything(original);
    desensitiseExportInput(original, true);
    expect(everything(original)).toBe(before);
  });

  it('honours configurable suffixes and exact host names', () => {
    const input = sampleInput({
      description: 'Pivot via JUMPBOX01 to billing.grid.example.cn and mail.example.org',
      affectedSystems: [],
    });
    const { input: out } = desensitiseExportInput(input, {
      internalHostSuffixes: ['.grid.example.cn'],
      internalHostnames: ['jumpbox01'],
    });
    expect(out.incident.description).toBe('Pivot via [internal-host-1] to [internal-host-2] and mail.example.org');
  });

  it('can be switched off rule by rule', () => {
    const { input, removed: r } = desensitiseExportInput(sampleInput(), {
      stripMobileNumbers: false,
      anonymiseOrganisation: false,
      dropInternalIndicators: false,
    });
    expect(input.incident.description).toContain('13812345678');
    expect(input.organisation.name).toBe(PLANTED.organisationName);
    expect(input.indicators).toHaveLength(sampleInput().indicators.length);
    expect(r.some((x) => x.rule === 'mobile-number' || x.rule === 'organisation')).toBe(false);
  });

  it('leaves text without sensitive data unchanged and reports nothing for it', () => {
    const input = sampleInput({
      title: 'Web defacement',
      description: 'Defaced at 10:30, see 203.0.113.9 and std::string bug',
      affectedSystems: ['portal'],
    });
    input.indicators = [];
    const { input: out, removed: r } = desensitiseExportInput(input, { anonymiseOrganisation: false });
    expect(out.incident.description).toBe(input.incident.description);
    expect(r).toEqual([]);
  });

  it('stays fast on long hostile text (no regex backtracking blow-up)', () => {
    const nasty = `${'a.'.repeat(30000)}@${'b'.repeat(30000)} ${'1'.repeat(60000)} ${'a'.repeat(60000)}@`;
    const input = sampleInput({ description: nasty });
    const started = Date.now();
    const { input: out } = desensitiseExportInput(input, true);
    expect(out.incident.description.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('classifies addresses', () => {
    for (const ip of [
      '10.0.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '127.0.0.1',
      '169.254.1.1',
      '100.64.0.1',
      '::1',
      'fc00::1',
      'fe80::abcd',
      '::ffff:10.1.1.1',
    ]) {
      expect(isNonPublicIp(ip)).toBe(true);
    }
    for (const ip of ['203.0.113.66', '172.32.0.1', '8.8.8.8', '2001:db8::1', '::ffff:203.0.113.1', 'not-an-ip']) {
      expect(isNonPublicIp(ip)).toBe(false);
    }
  });

  it('ships defaults for the suffixes the brief names', () => {
    expect(DEFAULT_DESENSITISE_RULES.internalHostSuffixes).toEqual(
      expect.arrayContaining(['.internal', '.local', '.corp', '.lan']),
    );
  });
});
