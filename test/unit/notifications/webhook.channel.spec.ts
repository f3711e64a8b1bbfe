import { createHmac } from 'node:crypto';
import {
  ChannelConfigError,
  RenderedMessage,
  signWebhookPayload,
  verifyWebhookSignature,
  WebhookChannel,
} from '../../../src/notifications/channels';
import { closedPort, json, Receiver, startReceiver } from './support/http-receiver';
import { throughLoopbackAllowList } from './support/egress';

const SECRET = 'whsec-test-0123456789abcdef';
const message: RenderedMessage = {
  title: '[LF-1] 新事件宣告：测试',
  text: '**某单位** 宣告了一起网络安全事件。\n- 事件编号：LF-1',
  locale: 'zh-CN',
  drill: false,
  event: 'incident.declared',
};

describe('WebhookChannel against a real loopback receiver', () => {
  const channel = throughLoopbackAllowList(new WebhookChannel());
  let rx: Receiver;

  beforeAll(async () => {
    // The receiver checks the signature itself, the way a real integration would.
    rx = await startReceiver((req, res) => {
      const ok = verifyWebhookSignature(
        SECRET,
        req.headers['x-lianfang-timestamp'] as string,
        req.rawBody,
        req.headers['x-lianfang-signature'] as string,
      );
      json(res, ok ? 200 : 401, { accepted: ok });
    });
  });
  afterAll(() => rx.close());
  beforeEach(() => rx.requests.splice(0));

  it(
    'POSTs the documented JSON body with timestamp, signature and delivery ' + 'headers the receiver can verify',
    async () => {
      const config = channel.validateConfig({ url: `${rx.baseUrl}/hooks/lianfang` });
      const result = await channel.send(config, message, SECRET, {
        deliveryId: 'dlv-42',
        data: { incidentId: 'inc-1', grade: 'II' },
      });

      expect(result).toMatchObject({ ok: true, status: 200, retryable: false });
      expect(rx.requests).toHaveLength(1);
      const req = rx.requests[0]!;
      expect(req.method).toBe('POST');
      expect(req.url).toBe('/hooks/lianfang');
      expect(req.headers['content-type']).toMatch(/^application\/json/);
      expect(req.headers['x-lianfang-delivery']).toBe('dlv-42');
      expect(req.headers['x-lianfang-event']).toBe('incident.declared');

      const ts = req.headers['x-lianfang-timestamp'] as string;
      expect(ts).toMatch(/^\d{10}$/);
      expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(5);
      // Independent recomputation of the documented scheme, not via the library helper.
      const expected =
        'sha256=' +
        createHmac('sha256', SECRET)
          .update(`${ts}.${req.rawBody.toString('utf8')}`)
          .digest('hex');
      expect(req.headers['x-lianfang-signature']).toBe(expected);

      const body = JSON.parse(req.rawBody.toString('utf8'));
      expect(Object.keys(body).sort()).toEqual(
        ['data', 'drill', 'event', 'id', 'locale', 'sentAt', 'text', 'title'].sort(),
      );
      expect(body).toMatchObject({
        id: 'dlv-42',
        event: 'incident.declared',
        title: message.title,
        text: message.text,
        locale: 'zh-CN',
        drill: false,
        data: { incidentId: 'inc-1', grade: 'II' },
      });
      expect(new Date(body.sentAt).toISOString()).toBe(body.sentAt);
    },
  );

  it('uses the same delivery id on a retry, so receivers can deduplicate', async () => {
    const config = channel.validateConfig({ url: `${rx.baseUrl}/h` });
    await channel.send(config, message, SECRET, { deliveryId: 'same-id' });
    await channel.send(config, message, SECRET, { deliveryId: 'same-id' });
    expect(rx.requests.map((r) => r.headers['x-lianfang-delivery'])).toEqual(['same-id', 'same-id']);
    expect(JSON.parse(rx.requests[1]!.rawBody.toString()).id).toBe('same-id');
  });

  it('is rejected (401, not retryable) when signed with another secret', async () => {
    const config = channel.validateConfig({ url: `${rx.baseUrl}/h` });
    const result = await channel.send(config, message, 'some-other-secret');
    expect(result).toMatchObject({ ok: false, status: 401, retryable: false });
  });

  it('refuses to send unsigned when no secret is given', async () => {
    const config = channel.validateConfig({ url: `${rx.baseUrl}/h` });
    const result = await channel.send(config, message);
    expect(result.ok).toBe(false);
    expect(result.retryable).toBe(false);
    expect(rx.requests).toHaveLength(0);
  });
});

describe('verifyWebhookSignature', () => {
  const now = new Date('2026-11-20T08:00:00Z');
  const ts = String(Math.floor(now.getTime() / 1000));
  const raw = JSON.stringify({ id: 'x', title: '标题', n: 1 });
  const sig = signWebhookPayload(SECRET, ts, raw);

  it('accepts the exact body within the tolerance', () => {
    expect(verifyWebhookSignature(SECRET, ts, raw, sig, 300, now)).toBe(true);
    expect(
      verifyWebhookSignature(SECRET, ts, Buffer.from(raw, 'utf8'), sig, 300, new Date(now.getTime() + 299_000)),
    ).toBe(true);
  });

  it('rejects a tampered body', () => {
    expect(verifyWebhookSignature(SECRET, ts, raw.replace('"n":1', '"n":2'), sig, 300, now)).toBe(false);
    // Re-serialising with different spacing also breaks it: receivers must use the raw bytes.
    expect(verifyWebhookSignature(SECRET, ts, JSON.stringify(JSON.parse(raw), null, 1), sig, 300, now)).toBe(false);
  });

  it('rejects an old timestamp, and one too far in the future', () => {
    expect(verifyWebhookSignature(SECRET, ts, raw, sig, 300, new Date(now.getTime() + 301_000))).toBe(false);
    expect(verifyWebhookSignature(SECRET, ts, raw, sig, 300, new Date(now.getTime() - 301_000))).toBe(false);
  });

  it('rejects a changed timestamp, a wrong secret and malformed headers', () => {
    const ts2 = String(Number(ts) + 1);
    expect(verifyWebhookSignature(SECRET, ts2, raw, sig, 300, now)).toBe(false);
    expect(verifyWebhookSignature('wrong', ts, raw, sig, 300, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, ts, raw, sig.replace('sha256=', ''), 300, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, ts, raw, 'sha256=abc', 300, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, ts, raw, undefined, 300, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, 'not-a-number', raw, sig, 300, now)).toBe(false);
  });
});

describe('WebhookChannel result classification', () => {
  const channel = throughLoopbackAllowList(new WebhookChannel());
  let rx: Receiver;
  let status = 200;
  let body = '{}';
  let hold = false;

  beforeAll(async () => {
    rx = await startReceiver((_req, res) => {
      if (hold) return; // never answer: the client must time out
      if (status >= 300 && status < 400) res.setHeader('location', 'http://127.0.0.1:1/elsewhere');
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(body);
    });
  });
  afterAll(() => rx.close());
  beforeEach(() => {
    status = 200;
    body = '{}';
    hold = false;
  });

  const send = (timeoutMs?: number) =>
    channel.send(
      channel.validateConfig({ url: `${rx.baseUrl}/h`, ...(timeoutMs ? { timeoutMs } : {}) }),
      message,
      SECRET,
    );

  it.each([
    [500, true],
    [502, true],
    [503, true],
    [429, true],
    [408, true],
    [400, false],
    [401, false],
    [404, false],
    [422, false],
  ])('HTTP %i → retryable %s', async (code, retryable) => {
    status = code;
    body = `status ${code}`;
    const result = await send();
    expect(result).toMatchObject({ ok: false, status: code, retryable, response: `status ${code}` });
  });

  it('does not follow a redirect and does not retry it', async () => {
    status = 302;
    const result = await send();
    expect(result).toMatchObject({ ok: false, status: 302, retryable: false });
    expect(result.error).toMatch(/redirect/);
  });

  it('classifies a timeout as retryable', async () => {
    hold = true;
    const started = Date.now();
    const result = await send(300);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.error).toMatch(/timed out after 300 ms/);
  });

  it('classifies a refused connection as retryable', async () => {
    const port = await closedPort();
    const result = await channel.send(channel.validateConfig({ url: `http://127.0.0.1:${port}/h` }), message, SECRET);
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.error).toMatch(/network error/);
    expect(result.status).toBeUndefined();
  });

  it('never returns the secret, even when the receiver echoes it', async () => {
    status = 500;
    body = `bad secret ${SECRET} here`;
    const result = await send();
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(result.response).toBe('bad secret *** here');
  });
});

describe('WebhookChannel.validateConfig', () => {
  const channel = new WebhookChannel();
  const fieldOf = (cfg: unknown): string | undefined => {
    try {
      channel.validateConfig(cfg);
      return undefined;
    } catch (err) {
      expect(err).toBeInstanceOf(ChannelConfigError);
      return (err as ChannelConfigError).field;
    }
  };

  it('names the offending field', () => {
    expect(fieldOf({})).toBe('url');
    expect(fieldOf({ url: 'not a url' })).toBe('url');
    expect(fieldOf({ url: 'ftp://example.com/x' })).toBe('url');
    expect(fieldOf({ url: 'http://siem.example.com/hook' })).toBe('url');
    expect(fieldOf({ url: 'https://user:pw@siem.example.com/hook' })).toBe('url');
    expect(fieldOf({ url: 'https://siem.example.com/hook', timeoutMs: 0 })).toBe('timeoutMs');
    expect(fieldOf({ url: 'https://siem.example.com/hook', headers: { 'X-Lianfang-Signature': 'x' } })).toBe(
      'headers.X-Lianfang-Signature',
    );
    expect(fieldOf({ url: 'https://siem.example.com/hook', headers: { 'X-Route': 'a\r\nInjected: 1' } })).toBe(
      'headers.X-Route',
    );
    expect(fieldOf({ url: 'https://siem.example.com/hook', sekret: 'x' })).toBe('sekret');
    expect(fieldOf('https://siem.example.com/hook')).toBe('(config)');
  });

  it('refuses hop-by-hop and framing headers, naming each, whatever its case', () => {
    for (const name of [
      'Transfer-Encoding',
      'transfer-encoding',
      'Content-Length',
      'Host',
      'Connection',
      'Keep-Alive',
      'Upgrade',
      'TE',
      'Trailer',
      'Expect',
      'Proxy-Authorization',
      'proxy-connection',
    ]) {
      let error: unknown;
      try {
        channel.validateConfig({
          url: 'https://siem.example.com/hook',
          headers: { 'X-Route': 'a', [name]: 'chunked' },
        });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ChannelConfigError);
      expect((error as ChannelConfigError).field).toBe(`headers.${name}`);
      expect((error as ChannelConfigError).message).toMatch(/hop-by-hop or framing header/);
    }
    expect(
      fieldOf({ url: 'https://siem.example.com/hook', headers: { Authorization: 'Bearer abc', 'X-Tenant': 't1' } }),
    ).toBeUndefined();
    expect(fieldOf({ url: 'https://siem.example.com/hook', headers: { 'X-Route': 'nul\u0000byte' } })).toBe(
      'headers.X-Route',
    );
    expect(
      fieldOf({
        url: 'https://siem.example.com/hook',
        headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, 'v'])),
      }),
    ).toBe('headers');
  });

  it('accepts https anywhere, http only on loopback or with allowInsecureHttp', () => {
    expect(fieldOf({ url: 'https://siem.example.com/hook' })).toBeUndefined();
    expect(fieldOf({ url: 'http://127.0.0.1:8080/hook' })).toBeUndefined();
    expect(fieldOf({ url: 'http://siem.internal/hook', allowInsecureHttp: true })).toBeUndefined();
    expect(channel.validateConfig({ url: 'https://siem.example.com/hook', timeoutMs: 2500 })).toEqual({
      url: 'https://siem.example.com/hook',
      timeoutMs: 2500,
    });
  });
});
