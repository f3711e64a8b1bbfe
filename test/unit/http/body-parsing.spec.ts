import express from 'express';
import request from 'supertest';
import { gzipSync } from 'node:zlib';
import { jsonBody } from '../../../src/http/body-parsing';
import type { JsonBounds } from '../../../src/http/json-bounds';

/** Sends a Buffer as it is (superagent would JSON-encode it for a JSON content type). */
const raw = (b: unknown) => b as string;

/** A real Express app with the body middleware and an echo route. */
function app(limit = 1024, bounds?: JsonBounds) {
  const a = express();
  a.use(bounds ? jsonBody(limit, () => bounds) : jsonBody(limit));
  a.post('/echo', (req, res) => res.json({ body: req.body ?? null }));
  return a;
}

describe('jsonBody', () => {
  it('parses a UTF-8 JSON object (fast path), Chinese text included', async () => {
    const res = await request(app())
      .post('/echo')
      .set('content-type', 'application/json')
      .send('{"title":"勒索软件","n":1}');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ body: { title: '勒索软件', n: 1 } });
  });

  it('accepts +json media types, a charset of utf-8 and a byte-order mark', async () => {
    const res = await request(app())
      .post('/echo')
      .set('content-type', 'application/merge-patch+json; charset=UTF-8')
      .serialize(raw)
      .send(Buffer.from('\ufeff[1,2]', 'utf8'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ body: [1, 2] });
  });

  it('answers 400 for invalid JSON and for a body that is not an object or array', async () => {
    for (const body of ['{"a":', '"just a string"', '42']) {
      const res = await request(app()).post('/echo').set('content-type', 'application/json').send(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Request body is not valid JSON',
      });
    }
  });

  it('answers 413 over the limit, by Content-Length, before reading the body', async () => {
    const res = await request(app(100))
      .post('/echo')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ text: 'x'.repeat(200) }));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, message: 'Request body exceeds the limit of 100 bytes' });
  });

  it('gives an empty object for an empty JSON body', async () => {
    const res = await request(app())
      .post('/echo')
      .set('content-type', 'application/json')
      .set('content-length', '0')
      .send();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ body: {} });
  });

  it('leaves other content types unparsed', async () => {
    const res = await request(app()).post('/echo').set('content-type', 'text/plain').send('{"a":1}');
    expect(res.status).toBe(200);
    expect(res.body.body).not.toEqual({ a: 1 });
  });

  it('hands compressed bodies and other charsets to body-parser, with its limits', async () => {
    const gz = await request(app())
      .post('/echo')
      .set('content-type', 'application/json')
      .set('content-encoding', 'gzip')
      .serialize(raw)
      .send(gzipSync(Buffer.from('{"zipped":true}')));
    expect(gz.status).toBe(200);
    expect(gz.body).toEqual({ body: { zipped: true } });
    const big = await request(app(100))
      .post('/echo')
      .set('content-type', 'application/json')
      .set('content-encoding', 'gzip')
      .serialize(raw)
      .send(gzipSync(Buffer.from(JSON.stringify({ t: 'y'.repeat(500) }))));
    expect(big.status).toBe(413);
    const latin = await request(app())
      .post('/echo')
      .set('content-type', 'application/json; charset=koi8-r')
      .send('{"a":1}');
    expect(latin.status).toBe(415);
    expect(latin.body).toMatchObject({ statusCode: 415, message: 'Unsupported request body encoding' });
  });

  describe('structural bounds, before JSON.parse', () => {
    const bounds: JsonBounds = { maxDepth: 3, maxKeysPerObject: 2, maxValues: 50, maxStringLength: 20 };
    let parsed = 0;
    /** Counts the bodies that reached JSON.parse, to show refused ones never do. */
    const counting = () => {
      const a = express();
      a.use(jsonBody(10_000, () => bounds));
      a.post('/echo', (req, res) => {
        parsed++;
        res.json({ body: req.body ?? null });
      });
      return a;
    };

    it('answers each bound with its status, code and the field, on the fast path and through body-parser', async () => {
      const cases: Array<[string, number, string, string]> = [
        ['{"a":{"b":{"c":[]}}}', 422, 'too-deep', 'a.b.c'],
        ['{"a":{"x":1,"y":2,"z":3}}', 413, 'too-many-keys', 'a'],
        [JSON.stringify({ list: Array.from({ length: 60 }, () => 1) }), 413, 'too-many-values', 'list'],
        ['{"a":"012345678901234567890"}', 422, 'string-too-long', 'a'],
        ['{"a":{"__proto__":{"admin":true}}}', 400, 'forbidden-key', 'a.__proto__'],
      ];
      for (const [body, status, code, field] of cases) {
        parsed = 0;
        const fast = await request(counting()).post('/echo').set('content-type', 'application/json').send(body);
        const zipped = await request(counting())
          .post('/echo')
          .set('content-type', 'application/json')
          .set('content-encoding', 'gzip')
          .serialize(raw)
          .send(gzipSync(Buffer.from(body)));
        const utf16 = await request(counting())
          .post('/echo')
          .set('content-type', 'application/json; charset=utf-16le')
          .serialize(raw)
          .send(Buffer.from(body, 'utf16le'));
        for (const res of [fast, zipped, utf16]) {
          expect({ body, status: res.status }).toEqual({ body, status });
          expect(res.body).toMatchObject({
            statusCode: status,
            code,
            details: [{ field, messages: [expect.any(String)] }],
          });
        }
        expect(parsed).toBe(0);
      }
    });

    it('passes bodies within the bounds on both paths', async () => {
      const body = '{"a":{"b":[1,2]},"c":"twenty characters!"}';
      for (const res of [
        await request(app(10_000, bounds)).post('/echo').set('content-type', 'application/json').send(body),
        await request(app(10_000, bounds))
          .post('/echo')
          .set('content-type', 'application/json')
          .set('content-encoding', 'gzip')
          .serialize(raw)
          .send(gzipSync(Buffer.from(body))),
      ]) {
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ body: JSON.parse(body) });
      }
    });

    it('strips a byte-order mark split across chunks, and still checks the body after it', async () => {
      const { createServer, request: httpRequest } = await import('node:http');
      // The echo app, with a hook that tells the client when the server has read the first chunk.
      let firstChunk: () => void = () => undefined;
      const a = express();
      a.use((req, _res, next) => {
        req.once('data', () => firstChunk());
        next();
      });
      a.use(jsonBody(10_000, () => bounds));
      a.post('/echo', (req, res) => res.json({ body: req.body ?? null }));
      const server = createServer(a);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      /** Sends the body's first byte (half of the mark), waits until the server has read it, then the rest. */
      const post = (body: Buffer) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const seen = new Promise<void>((r) => (firstChunk = r));
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port,
              path: '/echo',
              method: 'POST',
              agent: false,
              headers: { 'content-type': 'application/json', 'content-length': body.length },
            },
            (res) => {
              let out = '';
              res.on('data', (d: Buffer) => (out += d.toString()));
              res.on('end', () => resolve({ status: res.statusCode ?? 0, body: out }));
            },
          );
          req.on('error', reject);
          req.flushHeaders();
          req.write(body.subarray(0, 1));
          void seen.then(() => req.end(body.subarray(1)));
        });
      try {
        expect(await post(Buffer.from('\ufeff{"a":[1]}', 'utf8'))).toEqual({ status: 200, body: '{"body":{"a":[1]}}' });
        const refused = await post(Buffer.from('\ufeff{"a":{"x":1,"y":2,"z":3}}', 'utf8'));
        expect(refused.status).toBe(413);
        expect(JSON.parse(refused.body)).toMatchObject({ code: 'too-many-keys', details: [{ field: 'a' }] });
      } finally {
        await new Promise((r) => server.close(r));
      }
    });

    it('refuses a charset it cannot check (UTF-32) rather than parse it unchecked', async () => {
      const res = await request(app(10_000, bounds))
        .post('/echo')
        .set('content-type', 'application/json; charset=utf-32')
        .send('{"a":1}');
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ statusCode: 415, message: 'Unsupported request body encoding' });
    });
  });
});
