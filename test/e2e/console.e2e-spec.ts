import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { bearer, startTestService, type TestService } from '../support/harness';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/app-3f2a1b9c.js"></script></head></html>\n';
const SCRIPT = 'document.title = "lianfang";\n';

/** The directives the console needs (src/console/console-csp.ts), as the header spells them. */
const CSP = [
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "frame-ancestors 'none'",
];

function cspOf(header: string | undefined): string[] {
  return (header ?? '').split(';').map((d) => d.trim());
}

/** The API process serves the built console at `/` (CONSOLE_DIR, here a tiny fixture of a build). */
describe('the console, served by the API process', () => {
  jest.setTimeout(60_000);
  let svc: TestService;
  let dist: string;

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'lianfang-console-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'app-3f2a1b9c.js'), SCRIPT);
    // The build's gzip copy (web/vite.config.ts writes one beside each script and stylesheet).
    writeFileSync(join(dist, 'assets', 'app-3f2a1b9c.js.gz'), gzipSync(SCRIPT));
    writeFileSync(join(dist, 'assets', 'plain-5e6f7a8b.js'), SCRIPT);
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
    svc = await startTestService({ workers: false, env: { CONSOLE_DIR: dist } });
  });
  afterAll(async () => {
    await svc?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html at /, revalidated on every load, under a CSP that allows the console', async () => {
    const res = await svc.http().get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toBe(INDEX);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(cspOf(res.headers['content-security-policy'])).toEqual(expect.arrayContaining(CSP));
    // Over plain HTTP (a LAN address) the console's own requests must not be sent to https.
    expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    // Helmet's other defaults stay: no sniffing, no framing by older browsers either.
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it("answers the single-page app's own routes with index.html", async () => {
    for (const path of ['/incidents/xyz', '/inbox/reports/6f1c2a8e-3b4d-4c5e-9f60-718293a4b5c6', '/index.html']) {
      const res = await svc.http().get(path).expect(200);
      expect({ path, body: res.text, cache: res.headers['cache-control'] }).toEqual({
        path,
        body: INDEX,
        cache: 'no-cache',
      });
    }
  });

  it('gives the hashed assets a long cache life, and a missing asset a 404 rather than the page', async () => {
    const res = await svc.http().get('/assets/app-3f2a1b9c.js').expect(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.text).toBe(SCRIPT);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // Unhashed files are revalidated like the page.
    expect((await svc.http().get('/favicon.svg').expect(200)).headers['cache-control']).toBe('no-cache');
    const missing = await svc.http().get('/assets/app-00000000.js').expect(404);
    expect(missing.headers['content-type']).toMatch(/^application\/json/);
    expect(missing.body).toMatchObject({ statusCode: 404, requestId: expect.any(String) });
  });

  it("sends the build's gzip copy of a script to a browser that accepts gzip, the plain file otherwise", async () => {
    const gz = await svc.http().get('/assets/app-3f2a1b9c.js').set('Accept-Encoding', 'gzip, br');
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-type']).toMatch(/^text\/javascript/);
    expect(gz.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gz.headers['vary']).toMatch(/Accept-Encoding/);
    // supertest decodes what the header names: the body was the gzip of the script.
    expect(gz.text).toBe(SCRIPT);

    const plain = await svc.http().get('/assets/app-3f2a1b9c.js').set('Accept-Encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text).toBe(SCRIPT);
    // No gzip copy: the plain file, whatever the browser accepts.
    const noCopy = await svc.http().get('/assets/plain-5e6f7a8b.js').set('Accept-Encoding', 'gzip').expect(200);
    expect(noCopy.headers['content-encoding']).toBeUndefined();
    // A name with a path in it is never looked up as a copy (the static files answer it as they would).
    const dotted = await svc.http().get('/assets/..%2findex.html').set('Accept-Encoding', 'gzip');
    expect(dotted.headers['content-encoding']).toBeUndefined();
  });

  it('leaves the API its own answers: JSON 404 for an unknown route, /health, /ready, the document', async () => {
    const unknown = await svc.http().get('/api/v1/unknown').expect(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/json/);
    expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found', requestId: expect.any(String) });
    await svc.http().get('/api').expect(404);
    expect((await svc.http().get('/health').expect(200)).body).toEqual({ status: 'ok' });
    expect((await svc.http().get('/ready').expect(200)).body.status).toBe('ready');
    expect((await svc.http().get('/api/docs-json').expect(200)).body.openapi).toBe('3.1.0');
    const me = await svc.http().get('/api/v1/me').set(bearer(svc.adminToken)).expect(200);
    expect(me.headers['content-type']).toMatch(/^application\/json/);
    expect(cspOf(me.headers['content-security-policy'])).toEqual(expect.arrayContaining(CSP));
    // Only GET loads the page: anything else outside the API is the framework's 404.
    await svc.http().post('/incidents/xyz').send({}).expect(404);
  });
});

describe('a checkout that has not built the console', () => {
  jest.setTimeout(60_000);
  let svc: TestService;

  beforeAll(async () => {
    svc = await startTestService({ workers: false, env: { CONSOLE_DIR: join(tmpdir(), 'lianfang-no-console-here') } });
  });
  afterAll(() => svc?.close());

  it('answers the console pages 503 with a line saying how to build it, and the API works', async () => {
    for (const path of ['/', '/incidents/xyz']) {
      const res = await svc.http().get(path).expect(503);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/^The console is not built \(no .*index\.html\): run `npm run build`\.\n$/);
    }
    await svc.http().get('/api/v1/me').set(bearer(svc.adminToken)).expect(200);
    await svc.http().get('/api/v1/unknown').expect(404);
    await svc.http().get('/health').expect(200);
  });
});
