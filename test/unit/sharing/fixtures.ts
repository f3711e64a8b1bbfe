import {
  exportIncidentBundle,
  MemoryStixRegistry,
  type ExportOptions,
  type ExportResult,
  type IncidentExportInput,
} from '../../../src/sharing/stix';

/** An export with a registry of its own (fresh ids), unless one is given. */
export function exportSample(
  input: IncidentExportInput,
  options: Omit<ExportOptions, 'registry'> & { registry?: ExportOptions['registry'] },
): Promise<ExportResult> {
  return exportIncidentBundle(input, { registry: new MemoryStixRegistry(), ...options });
}

/** Public indicator values come from documentation ranges (RFC 5737 / 3849, example.* domains). */
export const PUBLIC_INDICATORS: IncidentExportInput['indicators'] = [
  { type: 'ipv4-addr', value: '203.0.113.66', description: 'C2 server seen in firewall logs' },
  { type: 'ipv6-addr', value: '2001:db8::bad:1' },
  { type: 'domain-name', value: 'update-check.example.net' },
  { type: 'url', value: "http://evil.example.com/pay?id=1&n='x'" },
  { type: 'file-sha256', value: 'a'.repeat(64), validFrom: '2026-03-01T08:00:00.000Z' },
  { type: 'file-md5', value: '0123456789abcdef0123456789abcdef' },
  { type: 'email-addr', value: 'ransom.desk@attacker.example' },
];

/** Planted sensitive values the desensitisation tests look for in the output. */
export const PLANTED = {
  organisationName: '华东示范电网有限公司',
  internalHosts: ['dc01.corp', 'fileserver.internal', 'scada-hmi.lan', 'backup.local'],
  privateIps: ['10.20.30.40', '192.168.1.15', '172.16.5.9', '127.0.0.1', 'fd12:3456::7'],
  mobiles: ['13812345678', '+86 159-8765-4321'],
  residentIds: ['11010119900307123X', '440305198812240018'],
  emails: ['zhang.wei@grid-east.example.cn', 'ops-team@fileserver.internal'],
};

export function sampleInput(overrides: Partial<IncidentExportInput['incident']> = {}): IncidentExportInput {
  return {
    incident: {
      id: '0b6f7e8a-3c1d-4f2e-9a6b-5d4c3b2a1f00',
      reference: 'INC-2026-000042',
      title: `Ransomware on dc01.corp at ${PLANTED.organisationName}`,
      description:
        `Encryption started on fileserver.internal (10.20.30.40) and spread to 192.168.1.15 and 172.16.5.9/24. ` +
        `Loopback 127.0.0.1 and ULA fd12:3456::7 also touched. Beacon to 203.0.113.66. ` +
        `On-call: Zhang Wei 13812345678, backup +86 159-8765-4321, ID 11010119900307123X and 440305198812240018, ` +
        `mail zhang.wei@grid-east.example.cn or ops-team@fileserver.internal. ` +
        `Ransom note asks to write to ransom.desk@attacker.example.`,
      category: 'ransomware',
      grade: 'II',
      detectedAt: '2026-03-01T07:55:00.000Z',
      occurredAt: new Date('2026-03-01T06:00:00.000Z'),
      drill: false,
      affectedSystems: ['dc01.corp', 'scada-hmi.lan (192.168.1.15)', 'backup.local', 'ERP cluster'],
      createdAt: '2026-03-01T08:00:00.000Z',
      updatedAt: '2026-03-01T09:30:00.123Z',
      ...overrides,
    },
    organisation: { id: '7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d', name: PLANTED.organisationName, sector: 'energy' },
    indicators: [
      ...PUBLIC_INDICATORS,
      { type: 'ipv4-addr', value: '10.20.30.40', description: 'patient zero' },
      { type: 'ipv6-addr', value: 'fe80::1' },
      { type: 'domain-name', value: 'fileserver.internal' },
      { type: 'url', value: 'http://192.168.1.15/drop.exe' },
      { type: 'email-addr', value: 'admin@dc01.corp' },
    ],
  };
}
