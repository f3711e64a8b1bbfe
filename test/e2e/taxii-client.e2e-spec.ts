import { getQueueToken } from '@nestjs/bullmq';
import Database from 'better-sqlite3';
import type { Queue } from 'bullmq';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { sectorCollectionId } from '../../src/taxii';
import { bearer, createOrg, startTestService, TestService } from '../support/harness';
import { waitFor } from '../support/wait';

type Tok = Record<string, { token: string; userId: string; orgId: string }>;

const TAXII = 'application/taxii+json;version=2.1';
const FEED_TOKEN = 'cert-feed-token-0123456789abcdef';

/** Indicators after the TAXII 2.1 and STIX 2.1 specifications' examples, served in two pages. */
const SPEC_PAGES = [
  {
    more: true,
    next: '1',
    objects: [
      {
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
      },
    ],
  },
  {
    more: false,
    objects: [
      {
        type: 'indicator',
        spec_version: '2.1',
        id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
        created: '2016-04-06T20:03:48.000Z',
        modified: '2016-04-06T20:03:48.000Z',
        indicator_types: ['malicious-activity'],
        name: 'Poison Ivy Malware',
        description: 'This file is part of Poison Ivy',
        pattern: "[file:hashes.'SHA-256' = '4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877']",
        pattern_type: 'stix',
        valid_from: '2016-01-01T00:00:00Z',
        // TLP:RED (2.0): honoured when the department uses it in a warning.
        object_marking_refs: ['marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1'],
      },
    ],
  },
];

describe('TAXII 2.1 client: subscriptions polled on a schedule', () => {
  jest.setTimeout(180_000);
  let svc: TestService;
  let feed: Server;
  let feedUrl: string;
  const stalled: Socket[] = [];
  const seen: Array<{ url: string; authorization?: string }> = [];
  let energyDept: Tok;
  let energyOp: Tok;
  let finDept: Tok;
  let finOp: Tok;

  const api = (method: 'get' | 'post' | 'patch' | 'delete', path: string, token: string, body?: unknown) => {
    const req = svc.http()[method](`/api/v1/taxii-subscriptions${path}`).set(bearer(token));
    return body === undefined ? req : req.send(body as object);
  };

  /** A loopback feed with one route per behaviour: the specification's pages, and junk of every kind. */
  function serveFeed(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://feed');
    seen.push({ url: url.pathname + url.search, authorization: req.headers.authorization });
    const route = url.pathname.split('/')[1];
    const taxii = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': TAXII, ...headers }).end(JSON.stringify(body));
    };
    switch (route) {
      case 'spec': {
        if (req.headers.authorization !== `Bearer ${FEED_TOKEN}`)
          return taxii(401, { title: 'Unauthorized', http_status: '401' });
        const second = url.searchParams.get('next') === '1';
        return taxii(200, SPEC_PAGES[second ? 1 : 0], {
          'X-TAXII-Date-Added-First': second ? '2026-11-02T00:00:00.000000Z' : '2026-11-01T00:00:00.000000Z',
          'X-TAXII-Date-Added-Last': second ? '2026-11-02T00:00:00.000000Z' : '2026-11-01T00:00:00.000000Z',
        });
      }
      case 'html':
        return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
      case 'notjson':
        return void res.writeHead(200, { 'content-type': TAXII }).end('{"objects": [');
      case 'notenvelope':
        return taxii(200, ['an', 'array']);
      case 'huge':
        return void res
          .writeHead(200, { 'content-type': TAXII })
          .end(`{"objects":[],"pad":"${'x'.repeat(3 * 1024 * 1024)}"}`);
      case 'deep':
        return void res
          .writeHead(200, { 'content-type': TAXII })
          .end(`{"objects":[${'['.repeat(5000)}${']'.repeat(5000)}]}`);
      case 'invalid':
        return taxii(200, {
          objects: [{ ...SPEC_PAGES[0].objects[0], pattern: "[file:name = 'a' or file:name = 'b']" }],
        });
      case 'stall':
        // Headers sent, then nothing: the client must give up by itself.
        res.writeHead(200, { 'content-type': TAXII });
        res.write('{"objects": [');
        stalled.push(req.socket);
        return;
      case 'redirect':
        return void res.writeHead(302, { location: 'http://127.0.0.1:1/' }).end();
      default:
        return taxii(404, { title: 'Not Found', http_status: '404' });
    }
  }

  beforeAll(async () => {
    feed = createServer(serveFeed);
    await new Promise<void>((r) => feed.listen(0, '127.0.0.1', r));
    feedUrl = `http://127.0.0.1:${(feed.address() as AddressInfo).port}`;
    svc = await startTestService({
      listen: true,
      env: { EGRESS_ALLOW: '127.0.0.1', TAXII_MIN_POLL_INTERVAL: 'PT1S' },
    });
    energyDept = (
      await createOrg(svc, { name: 'Energy department', kind: 'department', sector: 'energy' }, ['department-officer'])
    ).tokens;
    energyOp = (
      await createOrg(svc, { name: 'Grid operator', kind: 'operator', sector: 'energy', operatorKind: 'cii' }, [
        'viewer',
      ])
    ).tokens;
    finDept = (
      await createOrg(svc, { name: 'Finance department', kind: 'department', sector: 'finance' }, [
        'department-officer',
        'viewer',
      ])
    ).tokens;
    finOp = (
      await createOrg(svc, { name: 'A bank', kind: 'operator', sector: 'finance', operatorKind: 'cii' }, ['commander'])
    ).tokens;
  });
  afterAll(async () => {
    for (const s of stalled) s.destroy();
    await new Promise<void>((r) => feed.close(() => r()));
    await svc?.close();
  });

  const subscribe = async (body: Record<string, unknown>) => {
    const res = await api('post', '', finDept['department-officer'].token, {
      name: 'feed',
      collectionId: randomUUID(),
      auth: 'none',
      timeoutMs: 1500,
      pollEvery: 'PT1H',
      // Polled only when a test asks (POST …/poll), so each poll's outcome is the one the test awaits.
      enabled: false,
      ...body,
    });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };
  const polled = async (id: string, after = '') => {
    await api('post', `/${id}/poll`, finDept['department-officer'].token).expect(202);
    return waitFor(`poll of ${id}`, async () => {
      const res = await api('get', `/${id}`, finDept['department-officer'].token).expect(200);
      return res.body.lastPolledAt && res.body.lastPolledAt > after ? res.body : undefined;
    });
  };

  it('checks a subscription, seals its credential and never shows it', async () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ apiRootUrl: 'not a url' }, 'apiRootUrl'],
      [{ apiRootUrl: 'ftp://127.0.0.1/x/' }, 'apiRootUrl'],
      [{ apiRootUrl: 'http://10.1.2.3/taxii2/' }, 'apiRootUrl'],
      [{ apiRootUrl: 'http://user:pw@127.0.0.1/x/' }, 'apiRootUrl'],
      [{ apiRootUrl: `${feedUrl}/spec/`, pollEvery: 'PT0.5S' }, 'pollEvery'],
      [{ apiRootUrl: `${feedUrl}/spec/`, pollEvery: 'soon' }, 'pollEvery'],
      [{ apiRootUrl: `${feedUrl}/spec/`, auth: 'basic', secret: 'pw-123456' }, 'username'],
      [{ apiRootUrl: `${feedUrl}/spec/`, auth: 'bearer' }, 'secret'],
      [{ apiRootUrl: `${feedUrl}/spec/`, auth: 'magic' }, 'auth'],
      [{ apiRootUrl: `${feedUrl}/spec/`, timeoutMs: 10 }, 'timeoutMs'],
    ];
    for (const [body, field] of bad) {
      const res = await api('post', '', finDept['department-officer'].token, {
        name: 'x',
        collectionId: 'c',
        auth: 'none',
        ...body,
      });
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const created = await api('post', '', finDept['department-officer'].token, {
      name: 'National CERT',
      apiRootUrl: `${feedUrl}/spec`,
      collectionId: 'spec-collection',
      auth: 'bearer',
      secret: FEED_TOKEN,
    }).expect(201);
    expect(created.body).toMatchObject({ apiRootUrl: `${feedUrl}/spec/`, hasSecret: true, lastStatus: 'never' });
    expect(JSON.stringify(created.body)).not.toContain(FEED_TOKEN);
    const db = new Database(svc.sqlitePath, { readonly: true });
    const stored = db.prepare('SELECT secret FROM taxii_subscription WHERE id = ?').get(created.body.id) as {
      secret: string;
    };
    db.close();
    expect(stored.secret).toMatch(/^v1\./);
    expect(stored.secret).not.toContain(FEED_TOKEN);
    expect((await api('get', `/${created.body.id}`, finDept.viewer.token)).status).toBe(403);
    expect((await api('get', `/${created.body.id}`, energyDept['department-officer'].token)).status).toBe(404);
    expect((await api('get', '', energyDept['department-officer'].token).expect(200)).body).toEqual([]);
  });

  it('reads a specification-shaped feed across pages with the sealed credential, then only what is new', async () => {
    const sub = await subscribe({ apiRootUrl: `${feedUrl}/spec/`, auth: 'bearer', secret: FEED_TOKEN });
    const first = await polled(sub.id);
    expect(first).toMatchObject({
      lastStatus: 'ok',
      lastError: null,
      lastReceived: 2,
      lastAdded: 2,
      addedAfter: '2026-11-02T00:00:00.000000Z',
    });
    const asked = seen.filter((s) => s.url.startsWith('/spec/collections/spec-collection/objects/'));
    expect(asked.every((s) => s.authorization === `Bearer ${FEED_TOKEN}`)).toBe(true);
    expect(asked.map((s) => new URL(s.url, 'http://x').searchParams.get('next'))).toEqual([null, '1']);
    const list = await api('get', `/${sub.id}/indicators`, finDept['department-officer'].token).expect(200);
    expect(list.body.items.map((i: { type: string; value: string }) => `${i.type} ${i.value}`).sort()).toEqual([
      'file-sha256 4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877',
      'file-sha256 ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c',
    ]);
    // The next poll asks only for what was added after the last page.
    await polled(sub.id, first.lastPolledAt);
    const last = seen[seen.length - 1];
    expect(new URL(last.url, 'http://x').searchParams.get('added_after')).toBe('2026-11-02T00:00:00.000000Z');
    // A rotated credential is what the next poll sends; a wrong one is a clear error.
    await api('patch', `/${sub.id}`, finDept['department-officer'].token, { secret: 'wrong-token-value' }).expect(200);
    const refused = await polled(
      sub.id,
      (await api('get', `/${sub.id}`, finDept['department-officer'].token)).body.lastPolledAt,
    );
    expect(refused).toMatchObject({ lastStatus: 'error', lastError: 'the feed refused our credentials (HTTP 401)' });
  });

  it("offers what a feed delivered for the department's warnings, honouring its TLP", async () => {
    const sub = await subscribe({ apiRootUrl: `${feedUrl}/spec/`, auth: 'bearer', secret: FEED_TOKEN });
    await polled(sub.id);
    const items = (await api('get', `/${sub.id}/indicators`, finDept['department-officer'].token).expect(200)).body
      .items as Array<{ id: string; value: string; tlp: string | null }>;
    const red = items.find((i) => i.tlp === 'red')!;
    const plain = items.find((i) => i.tlp === null)!;
    const warn = (body: Record<string, unknown>) =>
      svc
        .http()
        .post('/api/v1/warnings')
        .set(bearer(finDept['department-officer'].token))
        .send({ title: 'From the CERT feed', level: 'blue', threatDescription: 'Poison Ivy', ...body });
    const sector = await warn({ sectors: ['finance'], feedIndicatorIds: [plain.id] }).expect(202);
    expect(sector.body.indicators).toEqual([
      expect.objectContaining({ type: 'file-sha256', value: plain.value, source: 'feed' }),
    ]);
    const refused = await warn({ sectors: ['finance'], feedIndicatorIds: [plain.id, red.id] }).expect(400);
    expect(refused.body.details[0]).toMatchObject({ field: 'feedIndicatorIds' });
    expect(refused.body.message).toMatch(/feedIndicatorIds\[1\].*TLP:RED/);
    const named = await warn({ operatorIds: [finOp.commander.orgId], feedIndicatorIds: [red.id] }).expect(202);
    expect(named.body.indicators).toEqual([expect.objectContaining({ value: red.value, source: 'feed', tlp: 'red' })]);
    const unknown = await warn({ sectors: ['finance'], feedIndicatorIds: [randomUUID()] }).expect(400);
    expect(unknown.body.message).toMatch(/feedIndicatorIds\[0\] is not an indicator your TAXII subscriptions received/);
  });

  it('polls our own TAXII server on loopback: a warning to the sector arrives, then only the next one', async () => {
    const sub = await subscribe({
      apiRootUrl: `${svc.handle.url}/taxii2/lianfang/`,
      collectionId: sectorCollectionId('energy'),
      auth: 'bearer',
      secret: energyOp.viewer.token,
    });
    const warn = (indicators: Array<{ type: string; value: string }>) =>
      svc
        .http()
        .post('/api/v1/warnings')
        .set(bearer(energyDept['department-officer'].token))
        .send({ title: 'Sector warning', level: 'yellow', threatDescription: 'x', sectors: ['energy'], indicators })
        .expect(202);
    await warn([
      { type: 'domain-name', value: 'c2.loopback-feed.example' },
      { type: 'ipv4-addr', value: '198.51.100.44' },
    ]);
    const first = await polled(sub.id);
    expect(first).toMatchObject({ lastStatus: 'ok', lastReceived: 2, lastAdded: 2 });
    await warn([{ type: 'url', value: 'https://loopback-feed.example/drop' }]);
    const second = await polled(sub.id, first.lastPolledAt);
    expect(second).toMatchObject({ lastError: null, lastStatus: 'ok', lastReceived: 1, lastAdded: 1 });
    // Polled once more with nothing new: nothing received, nothing lost.
    const third = await polled(sub.id, second.lastPolledAt);
    expect(third).toMatchObject({ lastStatus: 'ok', lastReceived: 0, addedAfter: second.addedAfter });
    expect(second.addedAfter > first.addedAfter).toBe(true);
    const items = (await api('get', `/${sub.id}/indicators`, finDept['department-officer'].token).expect(200)).body
      .items;
    expect(items.map((i: { value: string; tlp: string }) => [i.value, i.tlp]).sort()).toEqual([
      ['198.51.100.44', 'amber'],
      ['c2.loopback-feed.example', 'amber'],
      ['https://loopback-feed.example/drop', 'amber'],
    ]);
  });

  it('polls on its BullMQ job scheduler, and stops when disabled or deleted', async () => {
    const queue = svc.app.get<Queue>(getQueueToken('taxii'), { strict: false });
    const sub = await subscribe({
      apiRootUrl: `${feedUrl}/spec/`,
      auth: 'bearer',
      secret: FEED_TOKEN,
      pollEvery: 'PT1S',
      enabled: true,
    });
    const key = `taxii-poll.${sub.id}`;
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toContain(key);
    expect((await queue.getJobScheduler(key))?.every).toBe(1000);
    await waitFor('a scheduled poll', async () => {
      const res = await api('get', `/${sub.id}`, finDept['department-officer'].token).expect(200);
      return res.body.lastStatus === 'ok' ? res.body : undefined;
    });
    await api('patch', `/${sub.id}`, finDept['department-officer'].token, { enabled: false }).expect(200);
    expect((await queue.getJobSchedulers()).map((s) => s.key)).not.toContain(key);
    await api('patch', `/${sub.id}`, finDept['department-officer'].token, { enabled: true }).expect(200);
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toContain(key);
    await api('delete', `/${sub.id}`, finDept['department-officer'].token).expect(204);
    expect((await queue.getJobSchedulers()).map((s) => s.key)).not.toContain(key);
    expect((await api('get', `/${sub.id}`, finDept['department-officer'].token)).status).toBe(404);
  });

  it('says so when the stored credential cannot be opened', async () => {
    const sub = await subscribe({ apiRootUrl: `${feedUrl}/spec/`, auth: 'bearer', secret: FEED_TOKEN });
    const db = new Database(svc.sqlitePath);
    db.prepare('UPDATE taxii_subscription SET secret = ? WHERE id = ?').run('v1.AAAA.AAAA.AAAA', sub.id);
    db.close();
    expect(await polled(sub.id)).toMatchObject({
      lastStatus: 'error',
      lastError: 'the stored credential cannot be opened (was SECRETS_KEY changed?); set the secret again',
    });
  });

  it.each([
    ['html', /answered text\/html, not a TAXII envelope/],
    ['notjson', /not JSON/],
    ['notenvelope', /not a TAXII envelope/],
    ['huge', /larger than 1048576 bytes/],
    ['deep', /too large or deep/],
    ['invalid', /not acceptable STIX 2\.1 \(schema\).*not a valid STIX pattern/],
    ['stall', /did not answer within 1500 ms/],
    ['redirect', /redirect \(HTTP 302\), which is not followed/],
    ['missing', /no such collection/],
  ])('rejects a %s feed with a clear status, and keeps running', async (route, error) => {
    const sub = await subscribe({ apiRootUrl: `${feedUrl}/${route}/` });
    const result = await polled(sub.id);
    expect(result).toMatchObject({ lastStatus: 'error', lastReceived: 0, lastAdded: 0 });
    expect(result.lastError).toMatch(error);
    await svc.http().get('/health').expect(200);
    expect(
      (await api('get', `/${sub.id}/indicators`, finDept['department-officer'].token).expect(200)).body.total,
    ).toBe(0);
  });
});
