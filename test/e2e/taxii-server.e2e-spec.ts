import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LIANFANG_IDENTITY_ID, TLP_2_0_MARKING_IDS } from '../../src/sharing/stix';
import { departmentCollectionId, sectorCollectionId } from '../../src/taxii';
import { auditRows } from '../support/audit-rows';
import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';
import { interopProblems } from '../support/stix-interop';

type Tok = Record<string, { token: string; userId: string; orgId: string }>;
type Obj = { type: string; id: string; [k: string]: unknown };

const TAXII = 'application/taxii+json;version=2.1';
const ROOT = '/taxii2/lianfang';

/** The example indicator of the TAXII 2.1 and STIX 2.1 specifications (Poison Ivy file hash). */
const SPEC_INDICATOR: Obj = {
  type: 'indicator',
  spec_version: '2.1',
  id: 'indicator--cd981c25-8042-4166-8945-51178443bdac',
  created: '2014-05-08T09:00:00.000Z',
  modified: '2014-05-08T09:00:00.000Z',
  name: 'File hash for Poison Ivy variant',
  description: 'This file hash indicates that a sample of Poison Ivy is present.',
  indicator_types: ['malicious-activity'],
  pattern: "[file:hashes.'SHA-256' = 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c']",
  pattern_type: 'stix',
  valid_from: '2014-05-08T09:00:00.000000Z',
};

function indicator(n: number, extra: Record<string, unknown> = {}): Obj {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${randomUUID()}`,
    created: '2026-11-01T00:00:00.000Z',
    modified: '2026-11-01T00:00:00.000Z',
    name: `feed ${n}`,
    description: 'bulk',
    indicator_types: ['malicious-activity'],
    pattern: `[ipv4-addr:value = '198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}']`,
    pattern_type: 'stix',
    valid_from: '2026-11-01T00:00:00Z',
    ...extra,
  };
}

describe('TAXII 2.1 server: collections by joint-defense role', () => {
  jest.setTimeout(240_000);
  let svc: TestService;
  let opA: Tok;
  let opB: Tok;
  let finOp: Tok;
  let dept: Tok;
  let finDept: Tok;
  let sectorCol: string;
  let deptCol: string;

  const get = (path: string, token: string | undefined, accept: string | null = TAXII) => {
    const req = svc.http().get(path);
    if (token) req.set(bearer(token));
    if (accept !== null) req.set('Accept', accept);
    return req;
  };
  const post = (path: string, token: string, body: unknown, type = TAXII) =>
    svc
      .http()
      .post(path)
      .set(bearer(token))
      .set('Accept', TAXII)
      .set('Content-Type', type)
      .send(typeof body === 'string' ? body : JSON.stringify(body));

  beforeAll(async () => {
    svc = await startTestService();
    opA = (
      await createOrg(svc, { name: 'Grid operator A', kind: 'operator', sector: 'energy', operatorKind: 'cii' }, [
        'commander',
        'liaison',
        'viewer',
      ])
    ).tokens;
    opB = (
      await createOrg(svc, { name: 'Grid operator B', kind: 'operator', sector: 'energy', operatorKind: 'cii' }, [
        'liaison',
        'viewer',
      ])
    ).tokens;
    finOp = (
      await createOrg(svc, { name: 'A bank', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, [
        'commander',
        'liaison',
      ])
    ).tokens;
    dept = (
      await createOrg(svc, { name: 'Energy protection department', kind: 'department', sector: 'energy' }, [
        'department-officer',
        'viewer',
      ])
    ).tokens;
    finDept = (
      await createOrg(svc, { name: 'Finance protection department', kind: 'department', sector: 'finance' }, [
        'department-officer',
      ])
    ).tokens;
    sectorCol = sectorCollectionId('energy');
    deptCol = departmentCollectionId(dept['department-officer'].orgId);
  });
  afterAll(async () => svc?.close());

  it('answers discovery, the API root and each role its collections, in TAXII media type', async () => {
    const discovery = await get('/taxii2/', opA.viewer.token).expect(200);
    expect(discovery.headers['content-type']).toMatch(/^application\/taxii\+json;\s*version=2\.1/);
    expect(discovery.body).toEqual({
      title: expect.any(String),
      description: expect.any(String),
      default: `${ROOT}/`,
      api_roots: [`${ROOT}/`],
    });
    const root = await get(`${ROOT}/`, opA.viewer.token).expect(200);
    expect(root.body).toMatchObject({ versions: [TAXII], max_content_length: 1024 * 1024 });

    const list = async (token: string) =>
      (await get(`${ROOT}/collections/`, token).expect(200)).body.collections.map(
        (c: { id: string; can_read: boolean; can_write: boolean }) => [c.id, c.can_read, c.can_write],
      );
    expect(await list(opA.commander.token)).toEqual([
      [sectorCol, true, false],
      [deptCol, false, true],
    ]);
    expect(await list(opA.viewer.token)).toEqual([[sectorCol, true, false]]);
    expect(await list(dept.viewer.token)).toEqual([
      [sectorCol, true, false],
      [deptCol, true, false],
    ]);
    expect(await list(finOp.commander.token)).toEqual([
      [sectorCollectionId('finance'), true, false],
      [departmentCollectionId(finDept['department-officer'].orgId), false, true],
    ]);
    const one = await get(`${ROOT}/collections/${deptCol}/`, opA.liaison.token).expect(200);
    expect(one.body).toEqual({
      id: deptCol,
      title: 'Shared with Energy protection department',
      description: expect.any(String),
      can_read: false,
      can_write: true,
      media_types: ['application/stix+json;version=2.1'],
    });
  });

  it('hides other sectors and departments (404), needs a token (401), speaks only TAXII (406, 415)', async () => {
    for (const path of [
      `${ROOT}/collections/${sectorCol}/`,
      `${ROOT}/collections/${sectorCol}/objects/`,
      `${ROOT}/collections/${sectorCol}/manifest/`,
      `${ROOT}/collections/${deptCol}/objects/`,
    ]) {
      const res = await get(path, finOp.commander.token).expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/taxii\+json/);
      expect(res.body).toMatchObject({ title: 'Not Found', http_status: '404' });
    }
    expect((await get(`${ROOT}/collections/${deptCol}/`, finDept['department-officer'].token)).status).toBe(404);
    const unauth = await get(`${ROOT}/collections/`, undefined).expect(401);
    expect(unauth.body).toMatchObject({ title: 'Unauthorized', http_status: '401' });
    expect((await get(`${ROOT}/collections/`, 'lf_notatoken_000000000000000000000000000000000000000000')).status).toBe(
      401,
    );
    expect((await get(`${ROOT}/collections/`, opA.viewer.token, 'text/html')).status).toBe(406);
    expect((await get(`${ROOT}/collections/`, opA.viewer.token, 'application/taxii+json;version=2.0')).status).toBe(
      406,
    );
    expect((await get(`${ROOT}/collections/`, opA.viewer.token, null)).status).toBe(200);
    expect((await get(`${ROOT}/collections/not-a-uuid/`, opA.viewer.token)).status).toBe(400);
    expect((await get(`${ROOT}/status/${randomUUID()}/`, opA.viewer.token)).status).toBe(404);
    const wrongType = await post(
      `${ROOT}/collections/${deptCol}/objects/`,
      opA.liaison.token,
      { objects: [] },
      'application/json',
    );
    expect(wrongType.status).toBe(415);
  });

  it("publishes a department's warning to the sector: its operators read it, the TLP is honoured", async () => {
    const issue = (body: Record<string, unknown>) =>
      svc
        .http()
        .post('/api/v1/warnings')
        .set(bearer(dept['department-officer'].token))
        .send({
          level: 'orange',
          threatDescription: 'A campaign against grid operators.',
          ...body,
        });
    await issue({
      title: 'To the whole sector',
      sectors: ['energy'],
      indicators: [
        { type: 'domain-name', value: 'c2.grid-attack.example' },
        { type: 'ipv4-addr', value: '203.0.113.0/24' },
      ],
      stix: {
        type: 'bundle',
        id: `bundle--${randomUUID()}`,
        objects: [
          indicator(1, { object_marking_refs: [TLP_2_0_MARKING_IDS.red] }),
          indicator(2, { object_marking_refs: [TLP_2_0_MARKING_IDS.green] }),
        ],
      },
    }).expect(202);
    await issue({
      title: 'Only to operator A',
      operatorIds: [opA.viewer.orgId],
      indicators: [{ type: 'domain-name', value: 'named-only.example' }],
    }).expect(202);
    await issue({
      title: 'A drill',
      sectors: ['energy'],
      drill: true,
      indicators: [{ type: 'domain-name', value: 'drill-only.example' }],
    }).expect(202);

    for (const token of [opA.viewer.token, opB.viewer.token, dept.viewer.token]) {
      const res = await get(`${ROOT}/collections/${sectorCol}/objects/`, token).expect(200);
      const objects = res.body.objects as Obj[];
      const patterns = objects.filter((o) => o.type === 'indicator').map((o) => o.pattern);
      expect(patterns.sort()).toEqual(
        [
          "[domain-name:value = 'c2.grid-attack.example']",
          "[ipv4-addr:value ISSUBSET '203.0.113.0/24']",
          "[ipv4-addr:value = '198.18.0.2']",
        ].sort(),
      );
      expect(res.body.more).toBe(false);
      expect(res.headers['x-taxii-date-added-first']).toMatch(/^\d{4}-.*\.\d{6}Z$/);
      const bundle = { type: 'bundle', id: `bundle--${randomUUID()}`, objects };
      expect(interopProblems(bundle as never)).toEqual([]);
      const markings = objects.filter((o) => o.type === 'indicator').map((o) => o.object_marking_refs);
      expect(markings).toEqual(expect.arrayContaining([[TLP_2_0_MARKING_IDS.amber], [TLP_2_0_MARKING_IDS.green]]));
      expect(objects.some((o) => o.id === LIANFANG_IDENTITY_ID)).toBe(true);
    }
    expect((await get(`${ROOT}/collections/${sectorCol}/objects/`, finOp.commander.token)).status).toBe(404);
    // Nobody adds to the sector collection by POST: warnings are the way in.
    expect((await post(`${ROOT}/collections/${sectorCol}/objects/`, opA.commander.token, { objects: [] })).status).toBe(
      403,
    );
  });

  it('lets operators share incident bundles with their department, which alone reads them', async () => {
    const incident = await svc
      .http()
      .post('/api/v1/incidents')
      .set(bearer(opA.commander.token))
      .send(incidentInput({ title: 'Ransomware at substation 7' }))
      .expect(201);
    await svc
      .http()
      .post(`/api/v1/incidents/${incident.body.id}/indicators`)
      .set(bearer(opA.commander.token))
      .send({ type: 'domain-name', value: 'pay-now.ransom.example' })
      .expect(201);
    const bundle = (
      await svc
        .http()
        .get(`/api/v1/incidents/${incident.body.id}/stix?tlp=amber`)
        .set(bearer(opA.liaison.token))
        .expect(200)
    ).body as { objects: Obj[] };
    const broken = {
      ...SPEC_INDICATOR,
      id: `indicator--${randomUUID()}`,
      pattern: "[file:name = 'x' or file:name = 'y']",
    };
    const res = await post(`${ROOT}/collections/${deptCol}/objects/`, opA.liaison.token, {
      objects: [...bundle.objects, SPEC_INDICATOR, broken],
    });
    expect(res.status).toBe(202);
    expect(res.headers['content-type']).toMatch(/^application\/taxii\+json/);
    expect(res.body).toMatchObject({
      status: 'complete',
      total_count: bundle.objects.length + 2,
      success_count: bundle.objects.length + 1,
      failure_count: 1,
      pending_count: 0,
      failures: [{ id: broken.id, message: expect.stringMatching(/not a valid STIX pattern/) }],
    });
    const status = await get(`${ROOT}/status/${res.body.id}/`, opA.viewer.token).expect(200);
    expect(status.body).toEqual(res.body);
    expect((await get(`${ROOT}/status/${res.body.id}/`, opB.viewer.token)).status).toBe(404);
    // The same envelope again adds nothing and fails nothing.
    const again = await post(`${ROOT}/collections/${deptCol}/objects/`, opA.liaison.token, {
      objects: [SPEC_INDICATOR],
    });
    expect(again.body).toMatchObject({
      success_count: 1,
      failure_count: 0,
      successes: [{ message: 'already in the collection' }],
    });

    const read = await get(`${ROOT}/collections/${deptCol}/objects/?match[type]=indicator`, dept.viewer.token).expect(
      200,
    );
    expect(read.body.objects.map((o: Obj) => o.id)).toEqual(
      expect.arrayContaining([
        SPEC_INDICATOR.id,
        ...bundle.objects.filter((o) => o.type === 'indicator').map((o) => o.id),
      ]),
    );
    expect(read.body.objects.every((o: Obj) => o.type === 'indicator')).toBe(true);
    const single = await get(`${ROOT}/collections/${deptCol}/objects/${SPEC_INDICATOR.id}/`, dept.viewer.token).expect(
      200,
    );
    expect(single.body).toEqual({ more: false, objects: [SPEC_INDICATOR] });

    // Operators may add but not read: neither A nor B sees what was shared.
    for (const token of [opA.liaison.token, opB.liaison.token])
      expect((await get(`${ROOT}/collections/${deptCol}/objects/`, token)).status).toBe(403);
    expect((await get(`${ROOT}/collections/${deptCol}/objects/`, opB.viewer.token)).status).toBe(404);
    expect((await post(`${ROOT}/collections/${deptCol}/objects/`, opA.viewer.token, { objects: [] })).status).toBe(404);
    expect(
      (await post(`${ROOT}/collections/${deptCol}/objects/`, dept['department-officer'].token, { objects: [] })).status,
    ).toBe(403);

    const audited = await auditRows(svc.app.get(DataSource), 'action = ?', ['taxii.objects-added']);
    expect(audited.map((e) => JSON.parse(e.payload))).toContainEqual(
      expect.objectContaining({ collectionId: deptCol, statusId: res.body.id, failed: 1 }),
    );
  });

  it('keeps versions: the newest by default, all, first or one on request; manifest and versions', async () => {
    const newer = { ...SPEC_INDICATOR, modified: '2015-01-01T00:00:00.000Z', name: 'Poison Ivy, revised' };
    await post(`${ROOT}/collections/${deptCol}/objects/`, opA.liaison.token, { objects: [newer] }).expect(202);
    const path = `${ROOT}/collections/${deptCol}/objects/${SPEC_INDICATOR.id}/`;
    const token = dept.viewer.token;
    expect((await get(path, token).expect(200)).body.objects).toEqual([newer]);
    expect((await get(`${path}?match[version]=all`, token).expect(200)).body.objects).toEqual([SPEC_INDICATOR, newer]);
    expect((await get(`${path}?match[version]=first`, token).expect(200)).body.objects).toEqual([SPEC_INDICATOR]);
    expect((await get(`${path}?match[version]=2014-05-08T09:00:00.000Z`, token).expect(200)).body.objects).toEqual([
      SPEC_INDICATOR,
    ]);
    expect((await get(`${path}versions/`, token).expect(200)).body).toEqual({
      more: false,
      versions: ['2014-05-08T09:00:00.000Z', '2015-01-01T00:00:00.000Z'],
    });
    const manifest = await get(
      `${ROOT}/collections/${deptCol}/manifest/?match[id]=${SPEC_INDICATOR.id}&match[version]=all`,
      token,
    ).expect(200);
    expect(manifest.body.objects).toEqual([
      expect.objectContaining({ id: SPEC_INDICATOR.id, version: '2014-05-08T09:00:00.000Z' }),
      expect.objectContaining({ id: SPEC_INDICATOR.id, version: '2015-01-01T00:00:00.000Z' }),
    ]);
    expect(manifest.body.objects[0]).toEqual({
      id: SPEC_INDICATOR.id,
      date_added: expect.stringMatching(/\.\d{6}Z$/),
      version: '2014-05-08T09:00:00.000Z',
      media_type: 'application/stix+json;version=2.1',
    });
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=x', 'limit'],
      ['?added_after=yesterday', 'added_after'],
      ['?next=!!', 'next'],
      ['?match[version]=newest', 'match[version]'],
      ['?match[colour]=red', 'match[colour]'],
    ]) {
      const res = await get(`${ROOT}/collections/${deptCol}/objects/${query}`, token);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(res.body.details.fields[0].field).toBe(field);
    }
    expect((await get(`${ROOT}/collections/${deptCol}/objects/indicator--${randomUUID()}/`, token)).status).toBe(404);
  });

  it('pages thousands of objects with limit and next, and added_after finds only what is new', async () => {
    const total = 3000;
    const all = Array.from({ length: total }, (_, i) => indicator(10_000 + i));
    for (let i = 0; i < total; i += 1000) {
      const res = await post(`${ROOT}/collections/${deptCol}/objects/`, opB.liaison.token, {
        objects: all.slice(i, i + 1000),
      }).expect(202);
      expect(res.body.success_count).toBe(1000);
    }
    const token = dept['department-officer'].token;
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    let lastAdded = '';
    do {
      const res = await get(
        `${ROOT}/collections/${deptCol}/objects/?match[type]=indicator&limit=700${next ? `&next=${next}` : ''}`,
        token,
      ).expect(200);
      pages++;
      const ids = res.body.objects.map((o: Obj) => o.id);
      expect(ids.length).toBeLessThanOrEqual(700);
      seen.push(...ids);
      expect(res.headers['x-taxii-date-added-first'] > lastAdded).toBe(true);
      lastAdded = res.headers['x-taxii-date-added-last'];
      next = res.body.more ? res.body.next : undefined;
      if (res.body.more) expect(typeof res.body.next).toBe('string');
      else expect(res.body.next).toBeUndefined();
    } while (next && pages < 20);
    expect(new Set(seen).size).toBe(seen.length);
    for (const o of all) expect(seen).toContain(o.id);
    expect(pages).toBeGreaterThanOrEqual(5);

    // The manifest pages the same way, at most 1000 a page whatever is asked.
    const manifest = await get(`${ROOT}/collections/${deptCol}/manifest/?limit=5000`, token).expect(200);
    expect(manifest.body.objects).toHaveLength(1000);
    expect(manifest.body.more).toBe(true);

    // A poller that remembers the last date_added gets only what came after.
    const more = [indicator(90_001), indicator(90_002)];
    await post(`${ROOT}/collections/${deptCol}/objects/`, opA.liaison.token, { objects: more }).expect(202);
    const fresh = await get(`${ROOT}/collections/${deptCol}/objects/?added_after=${lastAdded}`, token).expect(200);
    expect(fresh.body.objects.map((o: Obj) => o.id)).toEqual(more.map((o) => o.id));
    expect(fresh.body.more).toBe(false);
  });
});
