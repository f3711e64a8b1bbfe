import {
  StixValidator,
  TLP_2_0_MARKING_IDS,
  TLP_LEVELS,
  exportIncidentBundle,
  isPlainObject,
  type StixObject,
} from '../../../src/sharing/stix';
import { sampleInput } from './fixtures';

const validator = new StixValidator();

function byType(objects: StixObject[], type: string): StixObject[] {
  return objects.filter((o) => o.type === type);
}

describe('exportIncidentBundle', () => {
  describe.each(TLP_LEVELS)('TLP:%s', (tlp) => {
    it.each([
      ['without desensitisation', undefined],
      ['with default desensitisation', true as const],
    ])('produces a bundle the OASIS schemas and our rules accept, %s', (_label, desensitise) => {
      const { bundle } = exportIncidentBundle(sampleInput(), { tlp, desensitise });
      const result = validator.validateBundle(bundle);
      expect(result.errors).toEqual([]);
      expect(result.ok).toBe(true);

      const markingId = TLP_2_0_MARKING_IDS[tlp];
      const markings = byType(bundle.objects, 'marking-definition');
      expect(markings).toHaveLength(1);
      expect(markings[0].id).toBe(markingId);
      expect(markings[0].name).toBe(`TLP:${tlp.toUpperCase()}`);
      for (const o of bundle.objects.filter((x) => x.type !== 'marking-definition')) {
        expect(o.object_marking_refs).toEqual([markingId]);
      }
    });
  });

  it('validates a drill export too (labels and custom drill flags)', () => {
    const { bundle } = exportIncidentBundle(sampleInput({ drill: true }), { tlp: 'green' });
    expect(validator.validateBundle(bundle)).toEqual({ ok: true, errors: [] });
    const incident = byType(bundle.objects, 'incident')[0];
    expect(incident.name).toMatch(/^\[DRILL\] /);
    expect(incident.x_lianfang_drill).toBe(true);
    expect(byType(bundle.objects, 'indicator').every((i) => i.x_lianfang_drill === true)).toBe(true);
  });

  it('uses the official TLP 2.0 marking definition objects', () => {
    const { bundle } = exportIncidentBundle(sampleInput(), { tlp: 'amber+strict' });
    expect(byType(bundle.objects, 'marking-definition')[0]).toEqual({
      type: 'marking-definition',
      spec_version: '2.1',
      id: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
      created: '2022-10-01T00:00:00.000Z',
      name: 'TLP:AMBER+STRICT',
      extensions: {
        'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': {
          extension_type: 'property-extension',
          tlp_2_0: 'amber+strict',
        },
      },
    });
  });

  it('describes the incident with custom x_lianfang_ properties and links everything to it', () => {
    const { bundle } = exportIncidentBundle(sampleInput(), { tlp: 'amber' });
    const [identity] = byType(bundle.objects, 'identity');
    const [incident] = byType(bundle.objects, 'incident');
    expect(identity).toMatchObject({
      name: '华东示范电网有限公司',
      identity_class: 'organization',
      sectors: ['energy'],
    });
    expect(incident).toMatchObject({
      spec_version: '2.1',
      created: '2026-03-01T08:00:00.000Z',
      modified: '2026-03-01T09:30:00.123Z',
      created_by_ref: identity.id,
      x_lianfang_reference: 'INC-2026-000042',
      x_lianfang_grade: 'II',
      x_lianfang_category: 'ransomware',
      x_lianfang_drill: false,
      x_lianfang_detected_at: '2026-03-01T07:55:00.000Z',
      x_lianfang_occurred_at: '2026-03-01T06:00:00.000Z',
    });

    const indicators = byType(bundle.objects, 'indicator');
    const infrastructures = byType(bundle.objects, 'infrastructure');
    expect(indicators).toHaveLength(12);
    expect(infrastructures.map((i) => i.name)).toEqual([
      'dc01.corp',
      'scada-hmi.lan (192.168.1.15)',
      'backup.local',
      'ERP cluster',
    ]);
    const relationships = byType(bundle.objects, 'relationship');
    expect(relationships).toHaveLength(indicators.length + infrastructures.length);
    for (const r of relationships) {
      expect(r.relationship_type).toBe('related-to');
      expect(r.target_ref).toBe(incident.id);
    }
    expect(new Set(relationships.map((r) => r.source_ref))).toEqual(
      new Set([...indicators, ...infrastructures].map((o) => o.id)),
    );

    const sha = indicators.find((i) => i.name === `file-sha256 ${'a'.repeat(64)}`);
    expect(sha).toMatchObject({
      pattern: `[file:hashes.'SHA-256' = '${'a'.repeat(64)}']`,
      pattern_type: 'stix',
      valid_from: '2026-03-01T08:00:00.000Z',
    });
    const ip = indicators.find((i) => i.name === 'ipv4-addr 203.0.113.66');
    expect(ip).toMatchObject({ pattern: "[ipv4-addr:value = '203.0.113.66']", valid_from: '2026-03-01T07:55:00.000Z' });
    const url = indicators.find((i) => typeof i.name === 'string' && i.name.startsWith('url '));
    expect(url?.pattern).toBe("[url:value = 'http://evil.example.com/pay?id=1&n=\\'x\\'']");
  });

  it('gives the same STIX ids on re-export and a fresh bundle id each time', () => {
    const a = exportIncidentBundle(sampleInput(), { tlp: 'green' }).bundle;
    const b = exportIncidentBundle(sampleInput({ updatedAt: '2026-03-02T00:00:00.000Z' }), { tlp: 'green' }).bundle;
    expect(b.objects.map((o) => o.id)).toEqual(a.objects.map((o) => o.id));
    expect(a.id).not.toBe(b.id);
    expect(a.id).toMatch(/^bundle--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    for (const o of a.objects.filter((x) => x.type !== 'marking-definition')) {
      expect(o.id).toMatch(/^[a-z-]+--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    const incidentB = byType(b.objects, 'incident')[0];
    expect(incidentB.modified).toBe('2026-03-02T00:00:00.000Z');
  });

  it('does not link anonymised exports of one organisation through the identity id', () => {
    const first = exportIncidentBundle(sampleInput(), { tlp: 'green', desensitise: true }).bundle;
    const second = exportIncidentBundle(sampleInput({ id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }), {
      tlp: 'green',
      desensitise: true,
    }).bundle;
    const plain = exportIncidentBundle(sampleInput(), { tlp: 'green' }).bundle;
    const identityOf = (objects: StixObject[]): StixObject => byType(objects, 'identity')[0];
    expect(identityOf(first.objects).id).not.toBe(identityOf(second.objects).id);
    expect(identityOf(first.objects).id).not.toBe(identityOf(plain.objects).id);
    expect(identityOf(first.objects).name).toBe('Anonymised operator');
  });

  it('keeps modified >= created even when the input has them the wrong way round', () => {
    const { bundle } = exportIncidentBundle(sampleInput({ updatedAt: '2026-01-01T00:00:00.000Z' }), { tlp: 'red' });
    expect(validator.validateBundle(bundle).ok).toBe(true);
  });

  it('rejects an unknown TLP level and unparseable timestamps as programming errors', () => {
    expect(() => exportIncidentBundle(sampleInput(), { tlp: 'white' as never })).toThrow(TypeError);
    expect(() => exportIncidentBundle(sampleInput({ createdAt: 'yesterday' }), { tlp: 'red' })).toThrow(/createdAt/);
  });

  it('produces JSON that survives a serialisation round trip unchanged', () => {
    const { bundle } = exportIncidentBundle(sampleInput(), { tlp: 'clear', desensitise: true });
    const copy: unknown = JSON.parse(JSON.stringify(bundle));
    expect(isPlainObject(copy)).toBe(true);
    expect(copy).toEqual(bundle);
  });
});
