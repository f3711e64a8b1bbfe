import express from 'express';
import request from 'supertest';
import { gzipSync } from 'node:zlib';
import { jsonBody } from '../../../src/http/body-parsing';

/** Sends a Buffer as it is (superagent would JSON-encode it for a JSON content type). */
const raw = (b: unknown) => b as string;

/** A real Express app with the body middleware and an echo route. */
function app(limit = 1024) {
  const a = express();
  a.use(jsonBody(limit));
  a.post('/echo', (req, res) => res.json({ body: req.body ?? null }));
  return a;
}

describe('jsonBody', () => {
  it('parses a UTF-8 JSON object (fast path), Chinese text included', async () => {
    const res = await request(app()).post('/echo').set('content-type', 'application/json').send('{"title":"勒索软件","n":1}');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ body: { title: '勒索软件', n: 1 } });
  });

  it('accepts +json media types, a charset of utf-8 and a byte-order mark', async () => {
    const res = await request(app()).post('/echo').set('content-type', 'application/merge-patch+json; charset=UTF-8').serialize(raw).send(Buffer.from('\ufeff[1,2]', 'utf8'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ body: [1, 2] });
  });

  it('answers 400 for invalid JSON and for a body that is not an object or array', async () => {
    for (const body of ['{"a":', '"just a string"', '42']) {
      const res = await request(app()).post('/echo').set('content-type', 'application/json').send(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: 'Request body is not valid JSON' });
    }
  });

  it('answers 413 over the limit, by Content-Length, before reading the body', async () => {
    const res = await request(app(100)).post('/echo').set('content-type', 'application/json').send(JSON.stringify({ text: 'x'.repeat(200) }));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ statusCode: 413, message: 'Request body exceeds the limit of 100 bytes' });
  });

  it('gives an empty object for an empty JSON body', async () => {
    const res = await request(app()).post('/echo').set('content-type', 'application/json').set('content-length', '0').send();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ body: {} });
  });

  it('leaves other content types unparsed', async () => {
    const res = await request(app()).post('/echo').set('content-type', 'text/plain').send('{"a":1}');
    expect(res.status).toBe(200);
    expect(res.body.body).not.toEqual({ a: 1 });
  });

  it('hands compressed bodies and other charsets to body-parser, with its limits', async () => {
    const gz = await request(app()).post('/echo').set('content-type', 'application/json').set('content-encoding', 'gzip').serialize(raw).send(gzipSync(Buffer.from('{"zipped":true}')));
    expect(gz.status).toBe(200);
    expect(gz.body).toEqual({ body: { zipped: true } });
    const big = await request(app(100)).post('/echo').set('content-type', 'application/json').set('content-encoding', 'gzip').serialize(raw).send(gzipSync(Buffer.from(JSON.stringify({ t: 'y'.repeat(500) }))));
    expect(big.status).toBe(413);
    const latin = await request(app()).post('/echo').set('content-type', 'application/json; charset=koi8-r').send('{"a":1}');
    expect(latin.status).toBe(415);
    expect(latin.body).toMatchObject({ statusCode: 415, message: 'Unsupported request body encoding' });
  });
});
