import {
  LIANFANG_EXTENSION_ID,
  LIANFANG_IDENTITY_ID,
  MemoryStixRegistry,
  StixValidator,
  TLP_2_0_MARKING_IDS,
  TLP_LEVELS,
  isPlainObject,
  type StixBundle,
  type StixObject,
} from '../../../src/sharing/stix';
import { interopProblems, versionConflicts } from '../../support/stix-interop';
import { exportSample, sampleInput } from './fixtures';

const validator = new StixValidator();

function byType(objects: StixObject[], type: string): StixObject[] {
  return objects.filter((o) => o.type === type);
}

/** The organisation's (or the anonymous) identity, not lianfang's own. */
function reporter(bundle: StixBundle): StixObject {
  return bundle.objects.find((o) => o.type === 'identity' && o.id !== LIANFANG_IDENTITY_ID)!;
}

const ours = (o: StixObject): Record<string, unknown> =>
  (o.extensions as Record<string, Record<string, unknown>> | undefined)?.[LIANFANG_EXTENSION_ID] ?? {};

const UNMARKED = new Set(['marking-definition', 'extension-definition']);

describe('exportIncidentBundle', () => {
  describe.each(TLP_LEVELS)('TLP:%s', (tlp) => {
    it.each([
      ['without desensitisation', undefined],
      ['with default desensitisation', true as const],
    ])('produces a bundle the OASIS schemas and the strict tools accept, %s', async (_label, desensitise) => {
      const { bundle } = await exportSample(sampleInput(), { tlp, desensitise });
      const result = validator.validateBundle(bundle);
      expect(result.errors).toEqual([]);
      expect(result.ok).toBe(true);
      expect(interopProblems(bundle)).toEqual([]);

      const markingId = TLP_2_0_MARKING_IDS[tlp];
      const markings = byType(bundle.objects, 'marking-definition');
      expect(markings).toHaveLength(1);
      expect(markings[0].id).toBe(markingId);
      expect(markings[0].name).toBe(`TLP:${tlp.toUpperCase()}`);
      for (const o of bundle.objects.filter((x) => !UNMARKED.has(x.type) && x.id !== LIANFANG_IDENTITY_ID)) {
        expect(o.object_marking_refs).toEqual([markingId]);
      }
    });
  });

  it('validates a drill export too (labels and the drill flag in the extension)', async () => {
    const { bundle } = await exportSample(sampleInput({ drill: true }), { tlp: 'green' });
    expect(validator.validateBundle(bundle)).toEqual({ ok: true, errors: [] });
    expect(interopProblems(bundle)).toEqual([]);
    const incident = byType(bundle.objects, 'incident')[0];
    expect(incident.name).toMatch(/^\[DRILL\] /);
    expect(incident.labels).toEqual(['drill']);
    expect(ours(incident).drill).toBe(true);
    expect(byType(bundle.objects, 'indicator').every((i) => ours(i).drill === true)).toBe(true);
  });

  it('uses the official TLP 2.0 marking definition objects', async () => {
    const { bundle } = await exportSample(sampleInput(), { tlp: 'amber+strict' });
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

  it('carries its own properties in a defined property extension, none at the top level', async () => {
    const { bundle } = await exportSample(sampleInput(), { tlp: 'amber' });
    const definition = byType(bundle.objects, 'extension-definition');
    expect(definition).toEqual([
      expect.objectContaining({
        id: LIANFANG_EXTENSION_ID,
        created_by_ref: LIANFANG_IDENTITY_ID,
        extension_types: ['property-extension'],
        version: '1.0.0',
      }),
    ]);
    expect(JSON.parse(String(definition[0].schema))).toMatchObject({ type: 'object', additionalProperties: false });
    expect(bundle.objects.find((o) => o.id === LIANFANG_IDENTITY_ID)).toMatchObject({ identity_class: 'system' });
    expect(JSON.stringify(bundle)).not.toMatch(/"x_/);

    const identity = reporter(bundle);
    const [incident] = byType(bundle.objects, 'incident');
    expect(identity).toMatchObject({
      name: '华东示范电网有限公司',
      identity_class: 'organization',
      sectors: ['energy'],
    });
    expect(ours(identity)).toEqual({ extension_type: 'property-extension', sector: 'energy' });
    expect(incident).toMatchObject({ spec_version: '2.1', created_by_ref: identity.id });
    expect(ours(incident)).toEqual({
      extension_type: 'property-extension',
      reference: 'INC-2026-000042',
      grade: 'II',
      category: 'ransomware',
      drill: false,
      detected_at: '2026-03-01T07:55:00.000Z',
      occurred_at: '2026-03-01T06:00:00.000Z',
    });

    const indicators = byType(bundle.objects, 'indicator');
    const infrastructures = byType(bundle.objects, 'infrastructure');
    expect(indicators).toHaveLength(12);
    expect(indicators.every((i) => typeof i.description === 'string' && i.description.length > 0)).toBe(true);
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

  it('writes address blocks with ISSUBSET', async () => {
    const input = { ...sampleInput(), indicators: [{ type: 'ipv4-addr' as const, value: '198.51.100.0/24' }] };
    const { bundle } = await exportSample(input, { tlp: 'green' });
    expect(byType(bundle.objects, 'indicator')[0].pattern).toBe("[ipv4-addr:value ISSUBSET '198.51.100.0/24']");
  });

  describe('versions', () => {
    it('gives UUIDv4 ids, kept on re-export in the same shape, and a fresh bundle id each time', async () => {
      const registry = new MemoryStixRegistry();
      const a = (await exportSample(sampleInput(), { tlp: 'green', registry })).bundle;
      const b = (await exportSample(sampleInput(), { tlp: 'green', registry })).bundle;
      expect(b.objects).toEqual(a.objects); // same content, same versions
      expect(a.id).not.toBe(b.id);
      for (const o of [a, ...a.objects.filter((x) => x.type !== 'marking-definition')]) {
        expect(o.id).toMatch(/^[a-z-]+--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }
    });

    it('never gives one id and modified two contents: two exports with another TLP or desensitisation', async () => {
      const registry = new MemoryStixRegistry();
      const shapes: Array<{ tlp: (typeof TLP_LEVELS)[number]; desensitise?: true }> = [
        { tlp: 'green' },
        { tlp: 'red' },
        { tlp: 'green', desensitise: true },
        { tlp: 'red', desensitise: true },
        { tlp: 'green' },
      ];
      const bundles: StixBundle[] = [];
      for (const shape of shapes) bundles.push((await exportSample(sampleInput(), { ...shape, registry })).bundle);
      expect(versionConflicts(bundles)).toEqual([]);
      // Each shape is its own object (a TLP:RED view is not a newer version of the GREEN one) …
      const incidentIds = bundles.map((b) => byType(b.objects, 'incident')[0].id);
      expect(new Set(incidentIds.slice(0, 4)).size).toBe(4);
      // … and the same shape again is the same object and version.
      expect(incidentIds[4]).toBe(incidentIds[0]);
      expect(bundles[4].objects).toEqual(bundles[0].objects);
    });

    it("keeps the organisation identity's id and created across exports and incidents", async () => {
      const registry = new MemoryStixRegistry();
      const first = (await exportSample(sampleInput(), { tlp: 'amber', registry })).bundle;
      const later = (
        await exportSample(
          sampleInput({
            id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
            createdAt: '2026-05-01T00:00:00.000Z',
            updatedAt: '2026-05-02T00:00:00.000Z',
          }),
          { tlp: 'amber', registry },
        )
      ).bundle;
      expect(reporter(later)).toEqual(reporter(first));
      expect(reporter(first).created).toBe('2026-03-01T08:00:00.000Z');
      expect(versionConflicts([first, later])).toEqual([]);
    });

    it('makes a changed content a newer version and leaves unchanged objects as they were', async () => {
      const registry = new MemoryStixRegistry();
      const before = (await exportSample(sampleInput(), { tlp: 'green', registry })).bundle;
      const after = (
        await exportSample(sampleInput({ title: 'Ransomware, contained', updatedAt: '2026-03-05T10:00:00.000Z' }), {
          tlp: 'green',
          registry,
        })
      ).bundle;
      const incidentBefore = byType(before.objects, 'incident')[0];
      const incidentAfter = byType(after.objects, 'incident')[0];
      expect(incidentAfter.id).toBe(incidentBefore.id);
      expect(incidentAfter.created).toBe(incidentBefore.created);
      expect(incidentBefore.modified).toBe('2026-03-01T09:30:00.123Z');
      expect(incidentAfter.modified).toBe('2026-03-05T10:00:00.000Z');
      expect(byType(after.objects, 'indicator')).toEqual(byType(before.objects, 'indicator'));
      expect(versionConflicts([before, after])).toEqual([]);

      // New desensitisation rules change the content without the incident changing: a newer version, now.
      const now = new Date('2026-06-01T00:00:00.000Z');
      const plain = (await exportSample(sampleInput(), { tlp: 'green', desensitise: true, registry, now })).bundle;
      const stricter = (
        await exportSample(sampleInput(), {
          tlp: 'green',
          desensitise: { stripEmails: false },
          registry,
          now: new Date('2026-06-02T00:00:00.000Z'),
        })
      ).bundle;
      const changed = stricter.objects.filter((o) => o.modified === '2026-06-02T00:00:00.000Z').map((o) => o.type);
      expect(changed).toEqual(['incident']);
      expect(versionConflicts([before, after, plain, stricter])).toEqual([]);
    });

    it('keeps modified >= created even when the input has them the wrong way round', async () => {
      const { bundle } = await exportSample(sampleInput({ updatedAt: '2026-01-01T00:00:00.000Z' }), { tlp: 'red' });
      expect(validator.validateBundle(bundle).ok).toBe(true);
    });
  });

  it('does not link anonymised exports of one organisation through the identity id', async () => {
    const registry = new MemoryStixRegistry();
    const first = (await exportSample(sampleInput(), { tlp: 'green', desensitise: true, registry })).bundle;
    const second = (
      await exportSample(sampleInput({ id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }), {
        tlp: 'green',
        desensitise: true,
        registry,
      })
    ).bundle;
    const plain = (await exportSample(sampleInput(), { tlp: 'green', registry })).bundle;
    expect(reporter(first).id).not.toBe(reporter(second).id);
    expect(reporter(first).id).not.toBe(reporter(plain).id);
    expect(reporter(first).name).toBe('Anonymised operator');
  });

  it('rejects an unknown TLP level and unparseable timestamps as programming errors', async () => {
    await expect(exportSample(sampleInput(), { tlp: 'white' as never })).rejects.toThrow(TypeError);
    await expect(exportSample(sampleInput({ createdAt: 'yesterday' }), { tlp: 'red' })).rejects.toThrow(/createdAt/);
  });

  it('produces JSON that survives a serialisation round trip unchanged', async () => {
    const { bundle } = await exportSample(sampleInput(), { tlp: 'clear', desensitise: true });
    const copy: unknown = JSON.parse(JSON.stringify(bundle));
    expect(isPlainObject(copy)).toBe(true);
    expect(copy).toEqual(bundle);
  });
});
