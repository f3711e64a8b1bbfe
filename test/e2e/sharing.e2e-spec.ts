import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  getStixValidator,
  LIANFANG_EXTENSION_ID,
  LIANFANG_IDENTITY_ID,
  safeSchemaRegExp,
  STIX_SCHEMA_BASE,
  TLP_2_0_MARKING_IDS,
} from '../../src/sharing/stix';
import { interopProblems, versionConflicts } from '../support/stix-interop';
import { fannedOut } from '../support/warnings';
import { DataSource } from 'typeorm';
import { auditRows } from '../support/audit-rows';
import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';

type Tok = Record<string, { token: string; userId: string; orgId: string }>;

const PUBLIC_DEFINITIONS = [...Object.values(TLP_2_0_MARKING_IDS), LIANFANG_EXTENSION_ID, LIANFANG_IDENTITY_ID];
interface StixObj {
  type: string;
  id: string;
  object_marking_refs?: string[];
  [k: string]: unknown;
}

// The vendored OASIS files read from disk: a second loading, independent of the service's own imports.
const SHARED_SCHEMAS = resolve(__dirname, '../../src/sharing/stix/schemas');

/**
 * The OASIS schemas straight from the JSON files (not through the service's validator and its imports),
 * loaded the way SOURCE.md says, so the export is checked by a second, independent loading.
 * Each object is validated against its own type's schema (upstream bundle.json cannot hold an
 * incident, see src/sharing/stix/schemas/SOURCE.md).
 */
function sharedSchemaValidator(): (o: StixObj) => string[] {
  const ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    unicodeRegExp: false,
    logger: false,
    code: { regExp: safeSchemaRegExp },
  });
  addFormats(ajv);
  ajv.addFormat('idn-hostname', true);
  const files: string[] = [];
  for (const folder of readdirSync(SHARED_SCHEMAS).filter((d) => statSync(join(SHARED_SCHEMAS, d)).isDirectory()))
    for (const f of readdirSync(join(SHARED_SCHEMAS, folder))) if (f.endsWith('.json')) files.push(`${folder}/${f}`);
  for (const f of files) ajv.addSchema(JSON.parse(readFileSync(join(SHARED_SCHEMAS, f), 'utf8')));
  return (o) => {
    const file = files.find((f) => f.endsWith(`/${o.type}.json`));
    if (!file) return [`no schema for ${o.type}`];
    const validate = ajv.getSchema(`${STIX_SCHEMA_BASE}${file}`)!;
    return validate(o) ? [] : (validate.errors ?? []).map((e) => `${o.type} ${e.instancePath} ${e.message}`);
  };
}

describe('threat-information sharing: incident indicators, STIX export and import', () => {
  jest.setTimeout(90_000);
  let svc: TestService;
  let op: Tok;
  let other: Tok;
  let dept: Tok;
  let otherDept: Tok;
  let incidentId: string;

  beforeAll(async () => {
    svc = await startTestService();
    op = (
      await createOrg(svc, { name: '华东电网调度中心', kind: 'operator', sector: 'energy', operatorKind: 'cii' }, [
        'commander',
        'responder',
        'liaison',
        'viewer',
      ])
    ).tokens;
    other = (
      await createOrg(svc, { name: 'Other operator', kind: 'operator', sector: 'energy', operatorKind: 'cii' }, [
        'commander',
      ])
    ).tokens;
    dept = (
      await createOrg(svc, { name: 'Energy department', kind: 'department', sector: 'energy' }, ['department-officer'])
    ).tokens;
    otherDept = (
      await createOrg(svc, { name: 'Finance department', kind: 'department', sector: 'finance' }, [
        'department-officer',
      ])
    ).tokens;
    const res = await svc
      .http()
      .post('/api/v1/incidents')
      .set(bearer(op.commander.token))
      .send(
        incidentInput({
          description:
            'Encryptor spread from dc01.grid.internal (192.168.10.5) to the SCADA historian; contact 13812345678.',
          affectedSystems: ['scada-hist.grid.corp', '10.20.30.40', 'public-portal'],
        }),
      );
    expect(res.status).toBe(201);
    incidentId = res.body.id;
  });
  afterAll(async () => svc?.close());

  const record = (body: Record<string, unknown>, token = op.responder.token, id = incidentId) =>
    svc.http().post(`/api/v1/incidents/${id}/indicators`).set(bearer(token)).send(body);
  const exportStix = (query: string, token = op.liaison.token, id = incidentId) =>
    svc.http().get(`/api/v1/incidents/${id}/stix${query}`).set(bearer(token));

  it('records indicators with per-type validation, 409 on duplicates, role and tenant checks', async () => {
    const good = [
      { type: 'ipv4-addr', value: '203.0.113.7', description: 'C2 server' },
      { type: 'ipv4-addr', value: '10.0.0.5' },
      { type: 'domain-name', value: 'Update.Evil-Example.com' },
      { type: 'domain-name', value: 'fileserver.grid.corp' },
      { type: 'url', value: 'https://update.evil-example.com/payload.bin' },
      { type: 'file-sha256', value: 'a'.repeat(64) },
      { type: 'email-addr', value: 'phish@evil-example.com' },
    ];
    for (const body of good) expect((await record(body)).status).toBe(201);
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ type: 'mutex', value: 'x' }, 'type'],
      [{ type: 'ipv4-addr', value: '999.1.1.1' }, 'value'],
      [{ type: 'file-md5', value: 'abc' }, 'value'],
      [{ type: 'url', value: 'not a url' }, 'value'],
      [{ type: 'ipv4-addr' }, 'value'],
      [{ type: 'ipv4-addr', value: '198.51.100.1', tlp: 'red' }, 'tlp'],
    ];
    for (const [body, field] of bad) {
      const res = await record(body);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await record({ type: 'domain-name', value: 'update.evil-example.com' })).status).toBe(409);
    expect((await record({ type: 'ipv4-addr', value: '198.51.100.1' }, op.viewer.token)).status).toBe(403);
    expect((await record({ type: 'ipv4-addr', value: '198.51.100.1' }, other.commander.token)).status).toBe(404);
    expect(
      (await svc.http().get(`/api/v1/incidents/${incidentId}/indicators`).set(bearer(other.commander.token))).status,
    ).toBe(404);
    const list = await svc
      .http()
      .get(`/api/v1/incidents/${incidentId}/indicators`)
      .set(bearer(op.viewer.token))
      .expect(200);
    expect(list.body).toHaveLength(good.length);
    expect(list.body.map((i: { value: string }) => i.value)).toContain('update.evil-example.com');
  });

  it("applies the organisation's internal naming patterns, set by its admin, to desensitised exports", async () => {
    const org = await createOrg(
      svc,
      { name: 'Patterned operator', kind: 'operator', sector: 'energy', operatorKind: 'cii' },
      ['admin', 'commander', 'liaison'],
    );
    const t = org.tokens as Tok;
    const declared = await svc
      .http()
      .post('/api/v1/incidents')
      .set(bearer(t.commander.token))
      .send(
        incidentInput({
          title: '交易系统 trade-app-01 遭勒索',
          description: 'Spread from trade-app-01 to TRADE-APP-02 and dc07.',
          affectedSystems: ['trade-app-01', 'dc07', 'public-portal'],
        }),
      )
      .expect(201);
    const before = JSON.stringify((await exportStix('?tlp=green', t.liaison.token, declared.body.id).expect(200)).body);
    expect(before).toContain('trade-app-01'); // no suffix gives these names away

    const settings = `/api/v1/admin/organisations/${org.orgId}/sharing-settings`;
    expect((await svc.http().get(settings).set(bearer(t.admin.token)).expect(200)).body).toEqual({
      orgId: org.orgId,
      internalHostPatterns: [],
    });
    const bad: Array<[unknown, RegExp]> = [
      [['trade-app-*', '(a+)+$'], /internalHostPatterns\[1\] "\(a\+\)\+\$" may hold only letters/],
      [['*'], /internalHostPatterns\[0\] "\*" must hold at least two letters or digits/],
      [['a*b*c*d*e'], /at most 3 "\*"/],
      [['x'.repeat(65)], /1 to 64 characters/],
      [Array.from({ length: 51 }, (_, i) => `host-${i}`), /internalHostPatterns must contain no more than 50 elements/],
      ['trade-app-*', /internalHostPatterns must be an array/],
    ];
    for (const [internalHostPatterns, message] of bad) {
      const res = await svc.http().put(settings).set(bearer(t.admin.token)).send({ internalHostPatterns });
      expect(res.status).toBe(400);
      expect(res.body.details[0].field).toBe('internalHostPatterns');
      expect(res.body.details.flatMap((d: { messages: string[] }) => d.messages).join(' ')).toMatch(message);
    }
    expect((await svc.http().put(settings).set(bearer(t.admin.token)).send({})).status).toBe(400);
    // Admins only, of that organisation (or the platform); others' organisations are not found.
    expect(
      (
        await svc
          .http()
          .put(settings)
          .set(bearer(t.commander.token))
          .send({ internalHostPatterns: ['trade-app-*'] })
      ).status,
    ).toBe(403);
    const stranger = await createOrg(
      svc,
      { name: 'Stranger operator', kind: 'operator', sector: 'energy', operatorKind: 'cii' },
      ['admin'],
    );
    expect(
      (
        await svc
          .http()
          .put(settings)
          .set(bearer(stranger.tokens.admin.token))
          .send({ internalHostPatterns: ['trade-app-*'] })
      ).status,
    ).toBe(404);
    expect((await svc.http().get(settings).set(bearer(stranger.tokens.admin.token))).status).toBe(404);

    const saved = await svc
      .http()
      .put(settings)
      .set(bearer(t.admin.token))
      .send({ internalHostPatterns: ['Trade-App-*', 'dc##'] })
      .expect(200);
    expect(saved.body).toEqual({ orgId: org.orgId, internalHostPatterns: ['trade-app-*', 'dc##'] });
    expect((await svc.http().get(settings).set(bearer(svc.adminToken)).expect(200)).body.internalHostPatterns).toEqual([
      'trade-app-*',
      'dc##',
    ]);
    // An entry's organisation is its chain's name (hash version 3 stores no org_id).
    const audited = await auditRows(svc.app.get(DataSource), 'action = ? AND chain = ?', [
      'organisation.sharing-settings-updated',
      org.orgId,
    ]);
    expect(audited.map((e) => JSON.parse(e.payload))).toEqual([
      { internalHostPatterns: { before: [], after: ['trade-app-*', 'dc##'] } },
    ]);

    const after = await exportStix('?tlp=green', t.liaison.token, declared.body.id).expect(200);
    const text = JSON.stringify(after.body);
    for (const name of ['trade-app-01', 'TRADE-APP-02', 'dc07'])
      expect({ name, present: text.includes(name) }).toEqual({ name, present: false });
    expect(text).toContain('public-portal');
    expect(getStixValidator().validateBundle(after.body).ok).toBe(true);
    // A raw export (a partner entitled to details) still carries them.
    const otherText = JSON.stringify(
      (await exportStix('?tlp=green&desensitise=false', t.liaison.token, declared.body.id).expect(200)).body,
    );
    expect(otherText).toContain('trade-app-01');

    const timeline = await svc
      .http()
      .get(`/api/v1/incidents/${declared.body.id}/timeline`)
      .set(bearer(t.commander.token))
      .expect(200);
    const share = timeline.body
      .filter((e: { action: string }) => e.action === 'incident.shared.stix')
      .map((e: { payload: string }) => JSON.parse(e.payload))
      .filter((x: { desensitised: boolean }) => x.desensitised)
      .pop();
    expect(share.removed).toContainEqual(expect.objectContaining({ what: 'trade-app-01', rule: 'internal-host' }));
  });

  it('exports a valid, TLP-marked, desensitised STIX 2.1 bundle and audits the export', async () => {
    const res = await exportStix('?tlp=amber');
    expect(res.status).toBe(200);
    const bundle = res.body as { type: string; objects: StixObj[] };
    expect(bundle.type).toBe('bundle');
    const result = getStixValidator().validateBundle(bundle);
    expect(result.errors).toEqual([]);
    expect(result.ok).toBe(true);
    const check = sharedSchemaValidator();
    expect(bundle.objects.flatMap(check)).toEqual([]);
    expect(interopProblems(bundle as never)).toEqual([]);
    const marking = bundle.objects.find((o) => o.type === 'marking-definition')!;
    expect(marking.id).toBe(TLP_2_0_MARKING_IDS.amber);
    // Everything about the incident is marked; the extension's definition and its author are public.
    for (const o of bundle.objects.filter((x) => !PUBLIC_DEFINITIONS.includes(x.id)))
      expect(o.object_marking_refs).toEqual([TLP_2_0_MARKING_IDS.amber]);

    const text = JSON.stringify(bundle);
    for (const secret of [
      '10.0.0.5',
      'fileserver.grid.corp',
      'scada-hist.grid.corp',
      '10.20.30.40',
      'dc01.grid.internal',
      '192.168.10.5',
      '13812345678',
      '华东电网调度中心',
    ]) {
      expect({ secret, present: text.includes(secret) }).toEqual({ secret, present: false });
    }
    const patterns = bundle.objects.filter((o) => o.type === 'indicator').map((o) => o.pattern);
    expect(patterns).toEqual(
      expect.arrayContaining(["[ipv4-addr:value = '203.0.113.7']", "[domain-name:value = 'update.evil-example.com']"]),
    );
    expect(patterns).toHaveLength(5);
    expect(bundle.objects.some((o) => o.type === 'infrastructure' && o.name === 'public-portal')).toBe(true);

    // Without desensitisation (a partner entitled to details) the internal values are there.
    const raw = await exportStix('?tlp=red&desensitise=false');
    expect(raw.status).toBe(200);
    expect(getStixValidator().validateBundle(raw.body).ok).toBe(true);
    const rawText = JSON.stringify(raw.body);
    expect(rawText).toContain('10.0.0.5');
    expect(rawText).toContain('scada-hist.grid.corp');
    expect(rawText).toContain('华东电网调度中心');
    expect(raw.body.objects.find((o: StixObj) => o.type === 'marking-definition').id).toBe(TLP_2_0_MARKING_IDS.red);

    const timeline = await svc
      .http()
      .get(`/api/v1/incidents/${incidentId}/timeline`)
      .set(bearer(op.commander.token))
      .expect(200);
    const shares = timeline.body
      .filter((e: { action: string }) => e.action === 'incident.shared.stix')
      .map((e: { payload: string; actorId: string }) => ({ ...JSON.parse(e.payload), actorId: e.actorId }));
    expect(shares).toHaveLength(2);
    expect(shares[0]).toMatchObject({
      tlp: 'amber',
      desensitised: true,
      indicators: 5,
      indicatorsRecorded: 7,
      actorId: op.liaison.userId,
    });
    expect(shares[0].removed.length).toBeGreaterThan(0);
    expect(shares[1]).toMatchObject({ tlp: 'red', desensitised: false, indicators: 7 });
  });

  it('refuses bad export requests: missing or unknown TLP, wrong role, other organisations', async () => {
    for (const [q, field] of [
      ['', 'tlp'],
      ['?tlp=purple', 'tlp'],
      ['?tlp=green&desensitise=maybe', 'desensitise'],
    ] as const) {
      const res = await exportStix(q);
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect((await exportStix('?tlp=green', op.viewer.token)).status).toBe(403);
    expect((await exportStix('?tlp=green', other.commander.token)).status).toBe(404);
    expect((await exportStix('?tlp=green', dept['department-officer'].token)).status).toBe(403);
  });

  it('versions exports as STIX requires: another TLP or desensitisation never reuses an id and modified', async () => {
    const shapes = [
      '?tlp=green',
      '?tlp=red',
      '?tlp=green&desensitise=false',
      '?tlp=red&desensitise=false',
      '?tlp=green',
    ];
    const bundles: Array<{ id: string; objects: StixObj[] }> = [];
    for (const q of shapes) bundles.push((await exportStix(q).expect(200)).body);
    expect(versionConflicts(bundles)).toEqual([]);
    for (const b of bundles) expect(interopProblems(b as never)).toEqual([]);
    const incidentOf = (b: { objects: StixObj[] }) => b.objects.find((o) => o.type === 'incident')!;
    expect(new Set(bundles.slice(0, 4).map((b) => incidentOf(b).id)).size).toBe(4);
    expect(incidentOf(bundles[4])).toEqual(incidentOf(bundles[0]));
    expect(bundles[4].id).not.toBe(bundles[0].id);

    // The organisation's identity keeps its id and created across exports, and across incidents.
    const reporter = (b: { objects: StixObj[] }) =>
      b.objects.find((o) => o.type === 'identity' && o.id !== LIANFANG_IDENTITY_ID)!;
    const declared = await svc
      .http()
      .post('/api/v1/incidents')
      .set(bearer(op.commander.token))
      .send(incidentInput({ title: 'Second incident' }))
      .expect(201);
    const other = (await exportStix('?tlp=red&desensitise=false', op.liaison.token, declared.body.id).expect(200)).body;
    expect(reporter(other)).toEqual(reporter(bundles[3]));

    // A change to the incident is a newer version of the same object; its indicators stay as they were.
    await svc
      .http()
      .post(`/api/v1/incidents/${incidentId}/events`)
      .set(bearer(op.commander.token))
      .send({ type: 'REGRADE', grade: 'III', reason: 'Contained to one site' })
      .expect(200);
    const later = (await exportStix('?tlp=green').expect(200)).body;
    expect(incidentOf(later).id).toBe(incidentOf(bundles[0]).id);
    expect(String(incidentOf(later).modified) > String(incidentOf(bundles[0]).modified)).toBe(true);
    expect(later.objects.filter((o: StixObj) => o.type === 'indicator')).toEqual(
      bundles[0].objects.filter((o) => o.type === 'indicator'),
    );
    expect(versionConflicts([...bundles, other, later])).toEqual([]);
  });

  describe('import into a warning', () => {
    let warningId: string;
    const stixPost = (
      body: string | object,
      type = 'application/json',
      token = dept['department-officer'].token,
      id = warningId,
    ) =>
      svc
        .http()
        .post(`/api/v1/warnings/${id}/stix`)
        .set(bearer(token))
        .set('Content-Type', type)
        .send(typeof body === 'string' ? body : JSON.stringify(body));

    it(
      'takes a bundle in the create body: its indicators become the ' + "warning's, unsupported patterns are reported",
      async () => {
        const exported = (await exportStix('?tlp=green')).body as { objects: StixObj[] };
        const identity = exported.objects.find((o) => o.type === 'identity')!;
        exported.objects.push({
          type: 'indicator',
          spec_version: '2.1',
          id: 'indicator--6b1a3e36-0c55-4f8e-9d4c-3c1f2b7a9e10',
          created: '2026-01-01T00:00:00.000Z',
          modified: '2026-01-01T00:00:00.000Z',
          created_by_ref: identity.id,
          pattern: "[process:name = 'evil.exe']",
          pattern_type: 'stix',
          valid_from: '2026-01-01T00:00:00Z',
          indicator_types: ['malicious-activity'],
        });
        const res = await svc
          .http()
          .post('/api/v1/warnings')
          .set(bearer(dept['department-officer'].token))
          .send({
            title: 'Shared indicators from an energy incident',
            level: 'yellow',
            threatDescription: 'Indicators seen at a grid operator.',
            sectors: ['energy'],
            indicators: [{ type: 'ipv4-addr', value: '203.0.113.7' }],
            stix: exported,
          });
        expect(res.status).toBe(202);
        warningId = res.body.id;
        // 203.0.113.7 was typed in already; the other four public indicators come from the bundle.
        expect(res.body.stixImport.imported).toBe(4);
        expect(res.body.stixImport.skipped).toEqual([
          expect.objectContaining({ id: 'indicator--6b1a3e36-0c55-4f8e-9d4c-3c1f2b7a9e10' }),
        ]);
        expect(
          res.body.indicators.map((i: { value: string; source: string }) => `${i.source}:${i.value}`).sort(),
        ).toEqual(
          [
            'manual:203.0.113.7',
            `stix:${'a'.repeat(64)}`,
            'stix:https://update.evil-example.com/payload.bin',
            'stix:phish@evil-example.com',
            'stix:update.evil-example.com',
          ].sort(),
        );
        // The operator sees them on the warning addressed to it, once the fan-out reached it.
        await fannedOut(svc.http, warningId, dept['department-officer'].token);
        const seen = await svc.http().get(`/api/v1/warnings/${warningId}`).set(bearer(op.commander.token)).expect(200);
        expect(seen.body.indicators).toHaveLength(5);
      },
    );

    it('takes a bundle posted as raw STIX text, and one as JSON', async () => {
      const bundle = {
        type: 'bundle',
        id: 'bundle--0f8d0c9e-8a7c-4a41-9d6e-7b1f3d2c5a11',
        objects: [
          {
            type: 'indicator',
            spec_version: '2.1',
            id: 'indicator--1d6f0a4b-2c3e-4f5a-8b6c-7d8e9f0a1b2c',
            created: '2026-02-01T00:00:00.000Z',
            modified: '2026-02-01T00:00:00.000Z',
            pattern: "[ipv4-addr:value = '198.51.100.23'] OR [domain-name:value = 'c2.bad-example.net']",
            pattern_type: 'stix',
            valid_from: '2026-02-01T00:00:00Z',
          },
        ],
      };
      const res = await stixPost(JSON.stringify(bundle), 'application/stix+json;version=2.1');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ warningId, imported: 2, skipped: [] });
      expect(res.body.indicators).toHaveLength(7);
      const again = await stixPost(bundle);
      expect(again.body).toMatchObject({ imported: 0 });
      expect((await stixPost(bundle, 'application/json', otherDept['department-officer'].token)).status).toBe(404);
      expect((await stixPost(bundle, 'application/json', op.commander.token)).status).toBe(403);
      const timeline = await svc
        .http()
        .get('/api/v1/warnings')
        .set(bearer(dept['department-officer'].token))
        .expect(200);
      expect(timeline.body.items.map((i: { id: string }) => i.id)).toContain(warningId);
    });

    it('keeps the newest version, normalises, de-duplicates, skips expired and revoked, honours TLP:RED', async () => {
      const red = TLP_2_0_MARKING_IDS.red;
      const ind = (n: number, pattern: string, extra: Record<string, unknown> = {}) => ({
        type: 'indicator',
        spec_version: '2.1',
        id: `indicator--2d6f0a4b-2c3e-4f5a-8b6c-7d8e9f0a1b${String(n).padStart(2, '0')}`,
        created: '2026-02-01T00:00:00.000Z',
        modified: '2026-02-01T00:00:00.000Z',
        pattern,
        pattern_type: 'stix',
        valid_from: '2026-02-01T00:00:00Z',
        ...extra,
      });
      const bundle = {
        type: 'bundle',
        id: 'bundle--0f8d0c9e-8a7c-4a41-9d6e-7b1f3d2c5a21',
        objects: [
          ind(1, "[domain-name:value = 'old.example']"),
          ind(1, "[domain-name:value = 'New.Example.']", { modified: '2026-02-02T00:00:00.000Z' }),
          ind(2, "[domain-name:value = 'new.example' OR file:hashes.MD5 = 'ABCDEFABCDEFABCDEFABCDEFABCDEFAB']"),
          ind(3, "[ipv4-addr:value = '198.51.100.31']", { valid_until: '2026-03-01T00:00:00Z' }),
          ind(4, "[ipv4-addr:value = '198.51.100.32']", { revoked: true }),
          ind(5, "[ipv4-addr:value ISSUBSET '198.51.100.0/28']", { object_marking_refs: [red] }),
        ],
      };
      const create = (extra: Record<string, unknown>) =>
        svc
          .http()
          .post('/api/v1/warnings')
          .set(bearer(dept['department-officer'].token))
          .send({
            title: 'Feed indicators',
            level: 'blue',
            threatDescription: 'From a CERT feed.',
            stix: bundle,
            ...extra,
          });

      // To the whole sector: the TLP:RED block is not broadcast.
      const sector = await create({ sectors: ['energy'] }).expect(202);
      expect(sector.body.indicators.map((i: { value: string }) => i.value)).toEqual([
        'new.example',
        'abcdefabcdefabcdefabcdefabcdefab',
      ]);
      expect(
        sector.body.stixImport.skipped.map((s: { id: string; reason: string }) => [s.id.slice(-2), s.reason]),
      ).toEqual([
        ['03', 'indicator expired (valid_until 2026-03-01T00:00:00Z)'],
        ['04', 'indicator is revoked'],
        [
          '05',
          'ipv4-addr 198.51.100.0/28 is marked TLP:RED and may not go to a whole sector; ' +
            'issue a warning to named operators (operatorIds) to share it',
        ],
      ]);
      // To a named operator: it is carried, with its TLP.
      const named = await create({ operatorIds: [op.commander.orgId] }).expect(202);
      await fannedOut(svc.http, named.body.id, dept['department-officer'].token);
      expect(named.body.indicators).toContainEqual(
        expect.objectContaining({ type: 'ipv4-addr', value: '198.51.100.0/28', tlp: 'red', source: 'stix' }),
      );
      const seen = await svc
        .http()
        .get(`/api/v1/warnings/${named.body.id}`)
        .set(bearer(op.commander.token))
        .expect(200);
      expect(seen.body.indicators).toContainEqual(expect.objectContaining({ value: '198.51.100.0/28', tlp: 'red' }));
    });

    it('refuses a pattern the STIX grammar rejects, naming where', async () => {
      const res = await stixPost({
        type: 'bundle',
        id: 'bundle--0f8d0c9e-8a7c-4a41-9d6e-7b1f3d2c5a22',
        objects: [
          {
            type: 'indicator',
            spec_version: '2.1',
            id: 'indicator--3d6f0a4b-2c3e-4f5a-8b6c-7d8e9f0a1b2c',
            created: '2026-02-01T00:00:00.000Z',
            modified: '2026-02-01T00:00:00.000Z',
            pattern: "[ipv4-addr:value = '198.51.100.1' or ipv4-addr:value = '198.51.100.2']",
            pattern_type: 'stix',
            valid_from: '2026-02-01T00:00:00Z',
          },
        ],
      });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        code: 'schema',
        details: [
          {
            field: 'body/objects/0/pattern',
            messages: [
              '/objects/0/pattern not a valid STIX pattern: expected "]" (or OR, AND), found "or" (at character 34)',
            ],
          },
        ],
      });
    });

    it('rejects invalid and hostile STIX with a clear 4xx, and keeps answering', async () => {
      const manyObjects = {
        type: 'bundle',
        id: 'bundle--0f8d0c9e-8a7c-4a41-9d6e-7b1f3d2c5a12',
        objects: Array.from({ length: 10_000 }, (_, i) => ({
          type: 'x-junk',
          id: `x-junk--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        })),
      };
      const deepText =
        `{"type":"bundle","id":"bundle--0f8d0c9e-8a7c-4a41-9d6e-7b1f3d2c5a13","objects":[` +
        `${'['.repeat(10_000)}${']'.repeat(10_000)}]}`;
      const cases: Array<
        [
          string,
          () => Promise<{ status: number; body: { code?: string; statusCode: number; message: string } }>,
          number,
        ]
      > = [
        ['10,000 objects (JSON)', () => stixPost(manyObjects), 413],
        ['10,000 objects (raw text)', () => stixPost(JSON.stringify(manyObjects), 'application/stix+json'), 413],
        ['10,000-deep nesting (raw text)', () => stixPost(deepText, 'application/stix+json'), 422],
        ['10,000-deep nesting (JSON)', () => stixPost(deepText), 422],
        [
          '10,000-deep nesting in the create body',
          () =>
            svc
              .http()
              .post('/api/v1/warnings')
              .set(bearer(dept['department-officer'].token))
              .set('Content-Type', 'application/json')
              .send(`{"title":"t","level":"red","threatDescription":"d","sectors":["energy"],"stix":${deepText}}`),
          422,
        ],
        [
          'a 200,000-character string',
          () =>
            stixPost({
              type: 'bundle',
              id: 'bundle--0f8d0c9e-8a7c-4a41-9d6e-7b1f3d2c5a14',
              objects: [
                { type: 'indicator', id: 'indicator--1d6f0a4b-2c3e-4f5a-8b6c-7d8e9f0a1b2d', name: 'x'.repeat(200_000) },
              ],
            }),
          422,
        ],
        [
          'objects is not an array',
          () =>
            stixPost({ type: 'bundle', id: 'bundle--0f8d0c9e-8a7c-4a41-9d6e-7b1f3d2c5a15', objects: 'all of them' }),
          422,
        ],
        ['not a bundle', () => stixPost({ type: 'indicator' }), 422],
        [
          'a bundle that breaks the schema',
          () =>
            stixPost({
              type: 'bundle',
              id: 'bundle--0f8d0c9e-8a7c-4a41-9d6e-7b1f3d2c5a16',
              objects: [
                {
                  type: 'indicator',
                  spec_version: '2.1',
                  id: 'indicator--1d6f0a4b-2c3e-4f5a-8b6c-7d8e9f0a1b2e',
                  created: 'yesterday',
                  modified: 'today',
                  pattern: 42,
                },
              ],
            }),
          422,
        ],
        ['not JSON at all', () => stixPost('{"type": "bundle", ', 'application/stix+json'), 400],
        [
          'more than the body limit',
          () =>
            stixPost(
              `{"type":"bundle","id":"x","objects":[],"pad":"${'y'.repeat(3 * 1024 * 1024)}"}`,
              'application/stix+json',
            ),
          413,
        ],
      ];
      for (const [what, run, status] of cases) {
        const res = await run();
        expect({ what, status: res.status }).toEqual({ what, status });
        expect(res.body.statusCode).toBe(status);
        expect(typeof res.body.message).toBe('string');
      }
      // The STIX parser's own verdicts carry its code, and so does the body size limit.
      expect(
        (
          await stixPost(
            `{"type":"bundle","id":"x","objects":[],"pad":"${'y'.repeat(3 * 1024 * 1024)}"}`,
            'application/stix+json',
          )
        ).body,
      ).toMatchObject({ code: 'too-large', details: [{ field: 'body' }] });
      expect(
        (await stixPost(`{"type":"bundle","id":"x","objects":[],"pad":"${'y'.repeat(3 * 1024 * 1024)}"}`)).body,
      ).toMatchObject({ statusCode: 413, code: 'too-large', details: [{ field: 'body' }] });
      expect((await stixPost(manyObjects)).body).toMatchObject({
        code: 'too-many-objects',
        details: [{ field: 'body/objects' }],
      });
      expect((await stixPost(deepText, 'application/stix+json')).body).toMatchObject({ code: 'too-deep' });
      expect(
        (
          await stixPost({
            type: 'bundle',
            id: 'bundle--0f8d0c9e-8a7c-4a41-9d6e-7b1f3d2c5a17',
            objects: [
              {
                type: 'indicator',
                spec_version: '2.1',
                id: 'indicator--1d6f0a4b-2c3e-4f5a-8b6c-7d8e9f0a1b2f',
                created: 'yesterday',
              },
            ],
          })
        ).body,
      ).toMatchObject({ code: 'schema' });
      // Still answering, and nothing was added by the refused bundles.
      await svc.http().get('/health').expect(200);
      const w = await svc
        .http()
        .get(`/api/v1/warnings/${warningId}`)
        .set(bearer(dept['department-officer'].token))
        .expect(200);
      expect(w.body.indicators).toHaveLength(7);
    });
  });
});
