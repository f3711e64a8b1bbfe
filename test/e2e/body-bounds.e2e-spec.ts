import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/redis/local-redis';
import { checkAnswer } from '../contract/contract-recorder';

interface Answer {
  status: number;
  body: {
    statusCode?: number;
    code?: string;
    message?: string;
    grade?: string;
    id?: string;
    token?: string;
    details?: Array<{ field: string; messages: string[] }>;
  };
}

const ROOT = join(__dirname, '..', '..');

/**
 * Hostile bodies against the real service in a process of its own (test/support/delay-probe-server.ts:
 * startService as production runs it, SQLite file, embedded redis-server), which measures its own
 * event-loop delay while it handles them. Before the bounds, `{"socialImpact": {…60,000 keys…}}`
 * held that loop for seconds: class-transformer copied every key before validation refused the field.
 * On a SQLite file whatever TEST_DATABASE_URL says: bodies are refused before any database work, and
 * what is measured is the process's own event loop.
 */
describe('JSON body bounds (service process on loopback, its event-loop delay measured)', () => {
  jest.setTimeout(180_000);
  let dir: string;
  let child: ChildProcess;
  let port: number;
  let viewer: string;
  const adminToken = `probe-admin-${randomBytes(16).toString('hex')}`;

  /** The next IPC message from the service process that has `key`. */
  const reply = <T>(key: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: unknown) => {
        if (m && typeof m === 'object' && key in m) {
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(m as T);
        }
      };
      const onExit = (code: number | null) =>
        reject(new Error(`service process exited (${code}) before answering ${key}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });

  /**
   * One request over a fresh loopback connection; `chunked` sends the body without a Content-Length.
   * A raw socket rather than node:http's client: the service answers a refused body before it has all
   * of it, and a client still writing then sees EPIPE/ECONNRESET, which node:http reports instead of
   * the answer it had already received. Here writing stops on such an error and reading goes on.
   */
  function send(
    method: string,
    path: string,
    token: string,
    body?: Buffer,
    opts: { chunked?: boolean } = {},
  ): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      const received: Buffer[] = [];
      socket.on('data', (c: Buffer) => received.push(c));
      socket.on('error', () => undefined); // a write after the service stopped reading; the answer is read below
      socket.on('close', () => {
        const raw = Buffer.concat(received).toString('utf8');
        const split = raw.indexOf('\r\n\r\n');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
        if (split < 0 || !status) return reject(new Error(`no HTTP answer (${raw.length} bytes received)`));
        const head = raw.slice(0, split).toLowerCase();
        let text = raw.slice(split + 4);
        if (/\r\ntransfer-encoding: chunked/.test(head)) text = unchunk(text);
        const contentType = /\r\ncontent-type: *([^\r]*)/.exec(head)?.[1];
        checkAnswer({ method, url: path, status, contentType, body: Buffer.from(text, 'utf8') });
        resolve({ status, body: JSON.parse(text || '{}') as Answer['body'] });
      });
      const lines = [
        `${method} ${path} HTTP/1.1`,
        'host: 127.0.0.1',
        `authorization: Bearer ${token}`,
        'connection: close',
      ];
      if (body)
        lines.push(
          'content-type: application/json',
          opts.chunked ? 'transfer-encoding: chunked' : `content-length: ${body.length}`,
        );
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (body && opts.chunked) {
        // Several chunks, so the body really arrives in pieces.
        for (let i = 0; i < body.length; i += 256 * 1024) {
          const part = body.subarray(i, i + 256 * 1024);
          socket.write(`${part.length.toString(16)}\r\n`);
          socket.write(part);
          socket.write('\r\n');
        }
        socket.write('0\r\n\r\n');
      } else if (body) {
        socket.write(body);
      }
    });
  }
  const post = (path: string, body: Buffer, opts: { chunked?: boolean; token?: string } = {}) =>
    send('POST', path, opts.token ?? viewer, body, opts);
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lianfang-bounds-'));
    port = await freePort();
    child = spawn(
      process.execPath,
      [
        '--expose-gc',
        join(ROOT, 'node_modules/ts-node/dist/bin.js'),
        '--transpile-only',
        join(ROOT, 'test/support/delay-probe-server.ts'),
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          LOG_LEVEL: 'silent',
          TZ: 'UTC',
          PORT: String(port),
          HOST: '127.0.0.1',
          VAR_DIR: join(dir, 'var'),
          DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`,
          BOOTSTRAP_ADMIN_TOKEN: adminToken,
        },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      },
    );
    await reply('ready');
    // A viewer's token is enough to send any of these bodies.
    const org = await post(
      '/api/v1/admin/organisations',
      json({ name: 'Operator', kind: 'operator', sector: 'energy', operatorKind: 'cii' }),
      { token: adminToken },
    );
    // A program's account (service account): an admin may issue its token directly, not a person's.
    const user = await post(
      `/api/v1/admin/organisations/${org.body.id}/users`,
      json({ name: 'viewer', role: 'viewer', serviceAccount: true }),
      { token: adminToken },
    );
    viewer = (await post(`/api/v1/admin/users/${user.body.id}/tokens`, json({ name: 'viewer' }), { token: adminToken }))
      .body.token!;
    expect(viewer).toEqual(expect.any(String));
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.send('exit');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const keys = (n: number, value = '1') => Array.from({ length: n }, (_, i) => `"k${i}":${value}`).join(',');

  it(
    'refuses a field of 60,000 keys, a 2 MB body of many keys, of many ' +
      'values and of deep nesting, and the event loop never stalls for 100 ms',
    async () => {
      const sixtyThousand = Buffer.from(`{"socialImpact":{${keys(60_000)}}}`);
      const twoMegabytesOfKeys = Buffer.from(`{"socialImpact":{${keys(150_000, '"v"')}}}`);
      const twoMegabytesOfObjects = Buffer.from(
        `{"socialImpact":[${Array.from({ length: 1_200 }, () => `{${keys(200)}}`).join(',')}]}`,
      );
      const twoMegabytesDeep = Buffer.from(`{"socialImpact":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`);
      for (const b of [twoMegabytesOfKeys, twoMegabytesOfObjects, twoMegabytesDeep]) {
        expect(b.length).toBeGreaterThan(1_900_000);
        expect(b.length).toBeLessThan(2 * 1024 * 1024); // under BODY_LIMIT_BYTES: the size limit alone lets them in
      }
      // First requests warm both ways of reading a body (body-parser loads its decoders on first use),
      // so what is measured is the hostile bodies.
      expect((await post('/api/v1/grade-suggestions', json({ economicLossCny: 1 }))).status).toBe(200);
      expect((await post('/api/v1/grade-suggestions', json({ economicLossCny: 1 }), { chunked: true })).status).toBe(
        200,
      );
      expect(
        (await post('/api/v1/grade-suggestions', Buffer.from(`{"socialImpact":{${keys(300)}}}`), { chunked: true }))
          .status,
      ).toBe(413);

      child.send('start');
      await reply('started');
      const answers = await Promise.all([
        post('/api/v1/grade-suggestions', sixtyThousand),
        post('/api/v1/grade-suggestions', twoMegabytesOfKeys),
        post('/api/v1/grade-suggestions', twoMegabytesOfObjects),
        post('/api/v1/grade-suggestions', twoMegabytesDeep),
        // Chunked: read by body-parser instead of the fast path, bounded all the same.
        post('/api/v1/grade-suggestions', sixtyThousand, { chunked: true }),
        post('/api/v1/grade-suggestions', twoMegabytesOfKeys, { chunked: true }),
      ]);
      child.send('stop');
      const { maxMs, maxBusyMs } = await reply<{ maxMs: number; maxBusyMs: number }>('maxMs');

      const expected: Array<[number, string, string]> = [
        [413, 'too-many-keys', 'socialImpact'],
        [413, 'too-many-keys', 'socialImpact'],
        [413, 'too-many-values', 'socialImpact.49'], // the object being filled when the 10,000th value came
        [422, 'too-deep', `socialImpact${'.0'.repeat(31)}`], // the 33rd container: the body is level 1
        [413, 'too-many-keys', 'socialImpact'],
        [413, 'too-many-keys', 'socialImpact'],
      ];
      answers.forEach((a, i) => {
        const [status, code, field] = expected[i];
        expect({ i, status: a.status, code: a.body.code, field: a.body.details?.[0]?.field }).toEqual({
          i,
          status,
          code,
          field,
        });
        expect(a.body.statusCode).toBe(status);
        expect(a.body.message).toEqual(expect.any(String));
      });
      expect(maxMs).toBeGreaterThan(0); // the measurement ran
      // The delay the loop's own work caused, under 100 ms (two digits at most); maxMs adds whatever time a
      // loaded machine did not run it (see delay-probe-server.ts). Both figures are in a failure's message.
      expect(`held ${Math.round(maxBusyMs)} ms (delay ${Math.round(maxMs)} ms)`).toMatch(/^held \d{1,2} ms /);
      // And the service answers at once afterwards.
      expect((await post('/api/v1/grade-suggestions', json({ economicLossCny: 100_000_000 }))).body).toMatchObject({
        grade: 'I',
      });
    },
  );

  it('names a __proto__, constructor or prototype property with a 400 instead of dropping it', async () => {
    const cases: Array<[string, string]> = [
      ['{"__proto__":{"socialImpact":"national"}}', '__proto__'],
      ['{"socialImpact":"local","constructor":{"name":"x"}}', 'constructor'],
      ['{"socialImpact":"local","prototype":1}', 'prototype'],
      ['{"\\u005f_proto__":{}}', '__proto__'],
    ];
    for (const [body, field] of cases) {
      const a = await post('/api/v1/grade-suggestions', Buffer.from(body));
      expect({ body, status: a.status, code: a.body.code, field: a.body.details?.[0]?.field }).toEqual({
        body,
        status: 400,
        code: 'forbidden-key',
        field,
      });
    }
  });
});

/** The body of a chunked HTTP/1.1 answer. */
function unchunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}
