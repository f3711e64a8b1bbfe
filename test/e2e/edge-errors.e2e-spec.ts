import { bearer, createOrg, incidentInput, startTestService, TestService } from '../support/harness';

type Tok = Record<string, { token: string; userId: string; orgId: string }>;

/**
 * Inputs that answered 500 with a valid token (issue 14, item 7), each now a 4xx naming the field.
 * Every case runs against the real app; the incident, warning, subscription, recipient and report
 * they address exist, so nothing is refused for another reason first.
 */
describe('malformed input answers 4xx with the field named, never 500 (real app)', () => {
  jest.setTimeout(120_000);
  let svc: TestService;
  let op: Tok;
  let dept: Tok;
  let opOrgId: string;
  let incidentId: string;
  let warningId: string;
  let subscriptionId: string;
  let recipientId: string;
  let reportId: string;

  beforeAll(async () => {
    svc = await startTestService({ workers: false, env: { EGRESS_ALLOW: '127.0.0.1' } });
    const o = await createOrg(svc, { name: 'Grid operator', kind: 'operator', sector: 'energy', operatorKind: 'cii' }, [
      'admin',
      'commander',
      'liaison',
      'viewer',
    ]);
    op = o.tokens;
    opOrgId = o.orgId;
    dept = (
      await createOrg(svc, { name: 'Energy department', kind: 'department', sector: 'energy' }, ['department-officer'])
    ).tokens;
    incidentId = (
      await svc.http().post('/api/v1/incidents').set(bearer(op.commander.token)).send(incidentInput()).expect(201)
    ).body.id;
    warningId = (
      await svc
        .http()
        .post('/api/v1/warnings')
        .set(bearer(dept['department-officer'].token))
        .send({ title: 'VPN exploitation', level: 'blue', threatDescription: 'x', operatorIds: [opOrgId] })
        .expect(202)
    ).body.id;
    subscriptionId = (
      await svc
        .http()
        .post('/api/v1/notification-subscriptions')
        .set(bearer(op.admin.token))
        .send({
          name: 'SOC',
          channel: 'webhook',
          config: { url: 'http://127.0.0.1:9/hook' },
          secret: 'test-secret-0123456789',
          events: ['incident.declared'],
        })
        .expect(201)
    ).body.id;
    recipientId = (
      await svc
        .http()
        .post('/api/v1/report-recipients')
        .set(bearer(op.admin.token))
        .send({
          kind: 'public-security',
          name: 'City police',
          channel: 'webhook',
          config: { url: 'http://127.0.0.1:9/reports' },
          secret: 'recipient-secret-0123456789',
        })
        .expect(201)
    ).body.id;
    reportId = (
      await svc
        .http()
        .post(`/api/v1/incidents/${incidentId}/reports`)
        .set(bearer(op.liaison.token))
        .send({ kind: 'initial' })
        .expect(201)
    ).body.id;
  });
  afterAll(async () => {
    await svc?.close();
  });

  /** Sends `body` as raw JSON text (so escapes and key names arrive exactly as written). */
  const send = (method: 'post' | 'patch' | 'get', path: string, token: string, body?: string) => {
    const req = svc.http()[method](path).set(bearer(token));
    return body === undefined ? req : req.set('Content-Type', 'application/json').send(body);
  };
  const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

  it('each case is a 4xx whose details name the field', async () => {
    const cases: Array<{ what: string; run: () => ReturnType<typeof send>; status: number; field: string | RegExp }> = [
      // Deep nesting (most of the fuzzer's 500s, on 20 routes): refused before anything is built.
      {
        what: 'deep nesting, declare incident',
        run: () => send('post', '/api/v1/incidents', op.commander.token, `{"title":${deep(5000)}}`),
        status: 422,
        field: /^title(\.0)+$/,
      },
      {
        what: 'deep nesting, incident event',
        run: () =>
          send(
            'post',
            `/api/v1/incidents/${incidentId}/events`,
            op.commander.token,
            `{"type":"REGRADE","reason":${deep(5000)}}`,
          ),
        status: 422,
        field: /^reason(\.0)+$/,
      },
      {
        what: 'deep nesting, step completion',
        run: () =>
          send(
            'post',
            `/api/v1/incidents/${incidentId}/steps/isolate-hosts/complete`,
            op.commander.token,
            `{"evidence":${deep(5000)}}`,
          ),
        status: 422,
        field: /^evidence(\.0)+$/,
      },
      {
        what: 'deep nesting, warning event',
        run: () =>
          send(
            'post',
            `/api/v1/warnings/${warningId}/events`,
            op.commander.token,
            `{"type":"ASSESSED","note":${deep(5000)}}`,
          ),
        status: 422,
        field: /^note(\.0)+$/,
      },
      {
        what: 'deep nesting, subscription',
        run: () => send('post', '/api/v1/notification-subscriptions', op.admin.token, `{"config":${deep(5000)}}`),
        status: 422,
        field: /^config(\.0)+$/,
      },
      {
        what: 'deep nesting, report',
        run: () => send('patch', `/api/v1/reports/${reportId}`, op.liaison.token, `{"fields":{"cause":${deep(5000)}}}`),
        status: 422,
        field: /^fields\.cause(\.0)+$/,
      },
      {
        what: 'deep nesting, organisation',
        run: () => send('post', '/api/v1/admin/organisations', svc.adminToken, `{"name":${deep(5000)}}`),
        status: 422,
        field: /^name(\.0)+$/,
      },
      {
        what: 'deep nesting, grade suggestion',
        run: () => send('post', '/api/v1/grade-suggestions', op.viewer.token, `{"socialImpact":{"a":${deep(5000)}}}`),
        status: 422,
        field: /^socialImpact\.a(\.0)+$/,
      },
      // A constructor key, and event types that are names of Object's members.
      {
        what: 'constructor key, incident event',
        run: () =>
          send(
            'post',
            `/api/v1/incidents/${incidentId}/events`,
            op.commander.token,
            '{"type":"REGRADE","grade":"III","reason":"x","constructor":{"name":"x"}}',
          ),
        status: 400,
        field: 'constructor',
      },
      {
        what: 'constructor key, warning event',
        run: () =>
          send(
            'post',
            `/api/v1/warnings/${warningId}/events`,
            op.commander.token,
            '{"type":"START_ASSESSMENT","constructor":1}',
          ),
        status: 400,
        field: 'constructor',
      },
      {
        what: 'type constructor, incident event',
        run: () => send('post', `/api/v1/incidents/${incidentId}/events`, op.commander.token, '{"type":"constructor"}'),
        status: 400,
        field: 'type',
      },
      {
        what: 'type toString, incident event',
        run: () => send('post', `/api/v1/incidents/${incidentId}/events`, op.commander.token, '{"type":"toString"}'),
        status: 400,
        field: 'type',
      },
      {
        what: 'type hasOwnProperty, warning event',
        run: () =>
          send('post', `/api/v1/warnings/${warningId}/events`, op.commander.token, '{"type":"hasOwnProperty"}'),
        status: 400,
        field: 'type',
      },
      {
        what: 'type __proto__, warning event',
        run: () => send('post', `/api/v1/warnings/${warningId}/events`, op.commander.token, '{"type":"__proto__"}'),
        status: 400,
        field: 'type',
      },
      // null where a field may be left out but not emptied.
      ...['name', 'events', 'enabled', 'locale', 'drill', 'grades', 'roles', 'config'].map((field) => ({
        what: `subscription PATCH ${field}: null`,
        run: () =>
          send(
            'patch',
            `/api/v1/notification-subscriptions/${subscriptionId}`,
            op.admin.token,
            JSON.stringify({ [field]: null }),
          ),
        status: 400,
        field,
      })),
      ...['name', 'config', 'drill', 'active', 'secret'].map((field) => ({
        what: `recipient PATCH ${field}: null`,
        run: () =>
          send('patch', `/api/v1/report-recipients/${recipientId}`, op.admin.token, JSON.stringify({ [field]: null })),
        status: 400,
        field,
      })),
      ...['fields', 'partial', 'expectedVersion'].map((field) => ({
        what: `report PATCH ${field}: null`,
        run: () => send('patch', `/api/v1/reports/${reportId}`, op.liaison.token, JSON.stringify({ [field]: null })),
        status: 400,
        field,
      })),
      // A lone surrogate is not text: refused wherever it appears.
      {
        what: 'lone-surrogate email',
        run: () =>
          send(
            'post',
            `/api/v1/admin/organisations/${opOrgId}/users`,
            op.admin.token,
            '{"name":"x","role":"viewer","email":"a\\ud800@example.cn"}',
          ),
        status: 400,
        field: 'email',
      },
      {
        what: 'lone-surrogate title',
        run: () =>
          send(
            'post',
            '/api/v1/incidents',
            op.commander.token,
            JSON.stringify(incidentInput()).replace('"title":"', '"title":"\\udc00'),
          ),
        status: 400,
        field: 'title',
      },
      // A page beyond any offset the database can hold.
      {
        what: 'page 2^63-1, incidents',
        run: () => send('get', '/api/v1/incidents?page=9223372036854775807', op.viewer.token),
        status: 400,
        field: 'page',
      },
      {
        what: 'page 2^63-1, warnings',
        run: () => send('get', '/api/v1/warnings?page=9223372036854775807', op.viewer.token),
        status: 400,
        field: 'page',
      },
      // Pages by number reach the first 10,000 matches; beyond them, the cursor.
      {
        what: 'page 501 of 20, incidents',
        run: () => send('get', '/api/v1/incidents?page=501', op.viewer.token),
        status: 400,
        field: 'page',
      },
      {
        what: 'page 101 of 100, inbox',
        run: () => send('get', '/api/v1/inbox/reports?page=101&pageSize=100', dept['department-officer'].token),
        status: 400,
        field: 'page',
      },
      {
        what: 'page 2^63-1, inbox',
        run: () => send('get', '/api/v1/inbox/reports?page=9223372036854775807', dept['department-officer'].token),
        status: 400,
        field: 'page',
      },
    ];
    const wrong: unknown[] = [];
    for (const c of cases) {
      const res = await c.run();
      const fields: string[] = (res.body?.details ?? []).map((d: { field: string }) => d.field);
      const named = fields.some((f) => (typeof c.field === 'string' ? f === c.field : c.field.test(f)));
      if (res.status !== c.status || !named || res.body?.statusCode !== c.status)
        wrong.push({ what: c.what, status: res.status, fields, message: res.body?.message });
    }
    expect(wrong).toEqual([]);
  });

  it('refused updates changed nothing, and the fields that may be emptied still can be', async () => {
    const sub = await send('get', `/api/v1/notification-subscriptions/${subscriptionId}`, op.admin.token).expect(200);
    expect(sub.body).toMatchObject({
      name: 'SOC',
      events: ['incident.declared'],
      enabled: true,
      locale: 'zh-CN',
      hasSecret: true,
    });
    const cleared = await send(
      'patch',
      `/api/v1/notification-subscriptions/${subscriptionId}`,
      op.admin.token,
      '{"grades":[],"roles":[]}',
    ).expect(200);
    expect(cleared.body).toMatchObject({ grades: [], roles: [] });
    const recipients = await send('get', '/api/v1/report-recipients', op.admin.token).expect(200);
    expect(recipients.body.find((r: { id: string }) => r.id === recipientId)).toMatchObject({
      name: 'City police',
      active: true,
      drill: false,
      hasSecret: true,
    });
    // The last page by number the count reaches (10,000 matches at 20 a page): an answer, empty here.
    const last = await send('get', '/api/v1/incidents?page=500', op.viewer.token).expect(200);
    expect(last.body.items).toEqual([]);
    await send('get', '/api/v1/inbox/reports?page=100&pageSize=100', dept['department-officer'].token).expect(200);
  });

  it(
    'refuses every timestamp without an offset or Z with a 400 that names ' +
      'the field and says why, and reads +08:00 as Beijing time',
    async () => {
      const naive = '2026-11-25T10:10:00';
      const dept0 = dept['department-officer'].token;
      const cases: Array<[string, () => ReturnType<typeof send>, string]> = [
        [
          'declare, detectedAt',
          () =>
            send(
              'post',
              '/api/v1/incidents',
              op.commander.token,
              JSON.stringify(incidentInput({ detectedAt: naive, occurredAt: undefined })),
            ),
          'detectedAt',
        ],
        [
          'declare, occurredAt',
          () =>
            send('post', '/api/v1/incidents', op.commander.token, JSON.stringify(incidentInput({ occurredAt: naive }))),
          'occurredAt',
        ],
        [
          'declare, date only',
          () =>
            send(
              'post',
              '/api/v1/incidents',
              op.commander.token,
              JSON.stringify(incidentInput({ detectedAt: '2026-11-25', occurredAt: undefined })),
            ),
          'detectedAt',
        ],
        [
          'list, detectedFrom',
          () => send('get', `/api/v1/incidents?detectedFrom=${naive}`, op.viewer.token),
          'detectedFrom',
        ],
        ['list, detectedTo', () => send('get', `/api/v1/incidents?detectedTo=${naive}`, op.viewer.token), 'detectedTo'],
        [
          'list, an unencoded + read as a space',
          () => send('get', `/api/v1/incidents?detectedFrom=${naive}+08:00`, op.viewer.token),
          'detectedFrom',
        ],
        [
          'warning, feedbackDueAt',
          () =>
            send(
              'post',
              '/api/v1/warnings',
              dept0,
              JSON.stringify({
                title: 't',
                level: 'blue',
                threatDescription: 'x',
                operatorIds: [opOrgId],
                feedbackDueAt: '2030-11-26T12:00:00',
              }),
            ),
          'feedbackDueAt',
        ],
        [
          'inbox forward, forwardedAt',
          () =>
            send(
              'post',
              '/api/v1/inbox/reports/00000000-0000-4000-8000-000000000000/forward',
              dept0,
              JSON.stringify({ reference: 'CAC-1', forwardedAt: naive }),
            ),
          'forwardedAt',
        ],
        [
          'reporting rules, detectedAt',
          () => send('get', `/api/v1/reporting-rules?operatorKind=cii&grade=II&detectedAt=${naive}`, op.viewer.token),
          'detectedAt',
        ],
      ];
      const wrong: unknown[] = [];
      for (const [what, run, field] of cases) {
        const res = await run();
        const detail = (res.body?.details ?? []).find((d: { field: string }) => d.field === field);
        const says = detail?.messages?.some((m: string) => /explicit offset or Z/.test(m));
        if (res.status !== 400 || !says) wrong.push({ what, status: res.status, details: res.body?.details });
      }
      expect(wrong).toEqual([]);

      const beijing = await send(
        'post',
        '/api/v1/incidents',
        op.commander.token,
        JSON.stringify(
          incidentInput({ detectedAt: '2026-11-25T10:10:00+08:00', occurredAt: '2026-11-25T09:55:00+08:00' }),
        ),
      ).expect(201);
      expect(beijing.body).toMatchObject({
        detectedAt: '2026-11-25T02:10:00.000Z',
        occurredAt: '2026-11-25T01:55:00.000Z',
      });
      const found = await send(
        'get',
        '/api/v1/incidents?detectedFrom=2026-11-25T10:00:00%2B08:00&detectedTo=2026-11-25T02:20:00Z',
        op.viewer.token,
      ).expect(200);
      expect(found.body.items.map((i: { id: string }) => i.id)).toEqual([beijing.body.id]);
    },
  );
});
