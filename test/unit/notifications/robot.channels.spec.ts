import { createHmac } from 'node:crypto';
import {
  ChannelConfigError,
  DingtalkChannel,
  FeishuChannel,
  RenderedMessage,
  WecomChannel,
} from '../../../src/notifications/channels';
import { Handler, json, Receiver, startReceiver } from './support/http-receiver';
import { throughLoopbackAllowList } from './support/egress';

const zh: RenderedMessage = {
  title: '【演练】[LF-9] 时限提醒：初次报告',
  text: '> 【演练】本消息来自应急演练，不是真实事件。\n\n事件 **LF-9** 的 **初次报告** 即将到期。\n- 截止时间：**2026-11-20 14:30（北京时间）**',
  locale: 'zh-CN',
  drill: true,
  event: 'deadline.reminder',
};
const en: RenderedMessage = {
  ...zh,
  title: '[DRILL] [LF-9] Deadline approaching',
  text: 'The **initial report** is due.',
  locale: 'en',
};

describe('robot channels against a real loopback receiver', () => {
  let rx: Receiver;
  let reply: { status: number; body: unknown } = { status: 200, body: { errcode: 0, errmsg: 'ok' } };

  const replyHandler: Handler = (_req, res) => {
    if (typeof reply.body === 'string') {
      res.writeHead(reply.status, { 'content-type': 'text/html' });
      res.end(reply.body);
    } else json(res, reply.status, reply.body);
  };

  beforeAll(async () => {
    rx = await startReceiver(replyHandler);
  });
  afterAll(() => rx.close());
  beforeEach(() => {
    rx.requests.splice(0);
  });

  describe('WeCom group robot', () => {
    const channel = throughLoopbackAllowList(new WecomChannel());
    const KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
    beforeEach(() => {
      reply = { status: 200, body: { errcode: 0, errmsg: 'ok' } };
    });

    it('POSTs { msgtype: markdown, markdown: { content } } to the key URL', async () => {
      const config = channel.validateConfig({ url: `${rx.baseUrl}/cgi-bin/webhook/send?key=${KEY}` });
      const result = await channel.send(config, zh);
      expect(result).toMatchObject({ ok: true, status: 200, retryable: false });
      const req = rx.requests[0]!;
      expect(req.method).toBe('POST');
      const url = new URL(req.url, rx.baseUrl);
      expect(url.pathname).toBe('/cgi-bin/webhook/send');
      expect(url.searchParams.get('key')).toBe(KEY);
      const body = JSON.parse(req.rawBody.toString('utf8'));
      expect(Object.keys(body).sort()).toEqual(['markdown', 'msgtype']);
      expect(body.msgtype).toBe('markdown');
      expect(Object.keys(body.markdown)).toEqual(['content']);
      expect(body.markdown.content).toContain(zh.title);
      expect(body.markdown.content).toContain('事件 **LF-9** 的 **初次报告** 即将到期。');
    });

    it('takes the key from the secret when the stored URL has none, and keeps it out of the result', async () => {
      reply = { status: 200, body: { errcode: 93000, errmsg: `invalid webhook url, key=${KEY}` } };
      const config = channel.validateConfig({ url: `${rx.baseUrl}/cgi-bin/webhook/send` });
      const result = await channel.send(config, zh, KEY);
      expect(new URL(rx.requests[0]!.url, rx.baseUrl).searchParams.get('key')).toBe(KEY);
      expect(result).toMatchObject({ ok: false, status: 200, retryable: false });
      expect(JSON.stringify(result)).not.toContain(KEY);
    });

    it('fails without a key anywhere, without sending', async () => {
      const config = channel.validateConfig({ url: `${rx.baseUrl}/cgi-bin/webhook/send` });
      const result = await channel.send(config, zh);
      expect(result).toMatchObject({ ok: false, retryable: false });
      expect(rx.requests).toHaveLength(0);
    });

    it('treats 200 + errcode != 0 as failure: invalid key permanent, others retryable', async () => {
      const config = channel.validateConfig({ url: `${rx.baseUrl}/send?key=${KEY}` });
      reply = { status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } };
      expect(await channel.send(config, zh)).toMatchObject({
        ok: false,
        status: 200,
        retryable: false,
        error: 'errcode 93000: invalid webhook url',
      });
      reply = { status: 200, body: { errcode: 45009, errmsg: 'api freq out of limit' } };
      expect(await channel.send(config, zh)).toMatchObject({ ok: false, retryable: true });
      reply = { status: 200, body: '<html>gateway</html>' };
      expect(await channel.send(config, zh)).toMatchObject({ ok: false, retryable: true });
      reply = { status: 500, body: { errcode: -1 } };
      expect(await channel.send(config, zh)).toMatchObject({ ok: false, status: 500, retryable: true });
      reply = { status: 400, body: { errcode: 40058 } };
      expect(await channel.send(config, zh)).toMatchObject({ ok: false, status: 400, retryable: false });
    });

    it('keeps the markdown content within 4096 bytes', async () => {
      const config = channel.validateConfig({ url: `${rx.baseUrl}/send?key=${KEY}` });
      await channel.send(config, { ...zh, text: '超长内容'.repeat(2000) });
      const content: string = JSON.parse(rx.requests[0]!.rawBody.toString('utf8')).markdown.content;
      expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(4096);
      expect(content.endsWith('…')).toBe(true);
    });
  });

  describe('DingTalk robot (signed URL)', () => {
    const channel = throughLoopbackAllowList(new DingtalkChannel());
    const TOKEN = 'abcdef0123456789token';
    const SECRET = 'SEC5a3ecf88f2b3eb50db30ecfc00f53033ac909c99bf7f88fd612bda89d7f3a9dc';
    beforeEach(() => {
      reply = { status: 200, body: { errcode: 0, errmsg: 'ok' } };
    });

    it('appends timestamp (ms) and sign = urlEncode(base64(HMAC-SHA256(secret, ts + "\\n" + secret)))', async () => {
      const config = channel.validateConfig({ url: `${rx.baseUrl}/robot/send?access_token=${TOKEN}` });
      const before = Date.now();
      const result = await channel.send(config, zh, SECRET);
      expect(result).toMatchObject({ ok: true, status: 200 });

      const req = rx.requests[0]!;
      const url = new URL(req.url, rx.baseUrl);
      expect(url.pathname).toBe('/robot/send');
      expect(url.searchParams.get('access_token')).toBe(TOKEN);
      const ts = url.searchParams.get('timestamp')!;
      expect(ts).toMatch(/^\d{13}$/);
      expect(Number(ts)).toBeGreaterThanOrEqual(before);
      expect(Number(ts)).toBeLessThanOrEqual(Date.now());

      // Recomputed here from the published scheme, independently of dingtalkSign().
      const expected = createHmac('sha256', Buffer.from(SECRET, 'utf8'))
        .update(Buffer.from(`${ts}\n${SECRET}`, 'utf8'))
        .digest('base64');
      expect(url.searchParams.get('sign')).toBe(expected);
      // …and it travels URL-encoded (base64's + / = must not reach the server raw).
      expect(req.url).toContain(`sign=${encodeURIComponent(expected)}`);

      const body = JSON.parse(req.rawBody.toString('utf8'));
      expect(Object.keys(body).sort()).toEqual(['markdown', 'msgtype']);
      expect(body.msgtype).toBe('markdown');
      expect(Object.keys(body.markdown).sort()).toEqual(['text', 'title']);
      expect(body.markdown.title).toBe(zh.title);
      expect(body.markdown.text).toContain(zh.title);
      expect(body.markdown.text).toContain('**初次报告**');
    });

    it('sends without timestamp/sign when no secret is configured', async () => {
      const config = channel.validateConfig({ url: `${rx.baseUrl}/robot/send?access_token=${TOKEN}` });
      await channel.send(config, zh);
      const url = new URL(rx.requests[0]!.url, rx.baseUrl);
      expect(url.searchParams.has('sign')).toBe(false);
      expect(url.searchParams.has('timestamp')).toBe(false);
    });

    it('treats errcode != 0 as failure and never echoes the token or secret', async () => {
      const config = channel.validateConfig({ url: `${rx.baseUrl}/robot/send?access_token=${TOKEN}` });
      reply = { status: 200, body: { errcode: 310000, errmsg: `sign not match, token ${TOKEN}` } };
      const bad = await channel.send(config, zh, SECRET);
      expect(bad).toMatchObject({ ok: false, status: 200, retryable: false });
      expect(JSON.stringify(bad)).not.toContain(TOKEN);
      reply = { status: 200, body: { errcode: 130101, errmsg: 'send too fast' } };
      expect(await channel.send(config, zh, SECRET)).toMatchObject({ ok: false, retryable: true });
      reply = { status: 503, body: {} };
      expect(await channel.send(config, zh, SECRET)).toMatchObject({ ok: false, status: 503, retryable: true });
    });

    it('requires the access_token in the URL', () => {
      expect(() => channel.validateConfig({ url: `${rx.baseUrl}/robot/send` })).toThrow(ChannelConfigError);
      expect(() => channel.validateConfig({ url: `${rx.baseUrl}/robot/send` })).toThrow(/"url".*access_token/);
    });
  });

  describe('Feishu / Lark bot (signed body)', () => {
    const channel = throughLoopbackAllowList(new FeishuChannel());
    const HOOK = 'b3f1c6e2-0000-4a6b-9d1e-hooktoken';
    const SECRET = 'nIMtb7r3N9pkXyXdtAbx6e';
    beforeEach(() => {
      reply = { status: 200, body: { code: 0, msg: 'success', data: {} } };
    });

    it(
      'sends msg_type post with timestamp (s, string) and sign = ' + 'base64(HMAC-SHA256(ts + "\\n" + secret, ""))',
      async () => {
        const config = channel.validateConfig({ url: `${rx.baseUrl}/open-apis/bot/v2/hook/${HOOK}` });
        const result = await channel.send(config, zh, SECRET);
        expect(result).toMatchObject({ ok: true, status: 200, retryable: false });

        const req = rx.requests[0]!;
        expect(req.url).toBe(`/open-apis/bot/v2/hook/${HOOK}`);
        const body = JSON.parse(req.rawBody.toString('utf8'));
        expect(Object.keys(body).sort()).toEqual(['content', 'msg_type', 'sign', 'timestamp']);
        expect(body.msg_type).toBe('post');
        expect(typeof body.timestamp).toBe('string');
        expect(body.timestamp).toMatch(/^\d{10}$/);
        expect(Math.abs(Number(body.timestamp) - Date.now() / 1000)).toBeLessThan(5);

        // Key and message are swapped compared with DingTalk: the key is ts + "\n" + secret, the message empty.
        const expected = createHmac('sha256', Buffer.from(`${body.timestamp}\n${SECRET}`, 'utf8'))
          .update('')
          .digest('base64');
        expect(body.sign).toBe(expected);

        expect(Object.keys(body.content.post)).toEqual(['zh_cn']);
        const post = body.content.post.zh_cn;
        expect(post.title).toBe(zh.title);
        expect(Array.isArray(post.content)).toBe(true);
        for (const paragraph of post.content) {
          expect(Array.isArray(paragraph)).toBe(true);
          for (const el of paragraph) {
            expect(el.tag).toBe('text');
            expect(typeof el.text).toBe('string');
          }
        }
        const text = post.content.map((p: Array<{ text: string }>) => p.map((e) => e.text).join('')).join('\n');
        // Post text elements do not render markdown, so the markers are gone.
        expect(text).toContain('事件 LF-9 的 初次报告 即将到期。');
        expect(text).not.toContain('**');
      },
    );

    it('uses en_us for English messages and omits sign without a secret', async () => {
      const config = channel.validateConfig({ url: `${rx.baseUrl}/open-apis/bot/v2/hook/${HOOK}` });
      await channel.send(config, en);
      const body = JSON.parse(rx.requests[0]!.rawBody.toString('utf8'));
      expect(Object.keys(body.content.post)).toEqual(['en_us']);
      expect(body.content.post.en_us.title).toBe(en.title);
      expect(body.sign).toBeUndefined();
      expect(body.timestamp).toBeUndefined();
    });

    it('treats code != 0 as failure (signature mismatch is permanent) and accepts the legacy StatusCode', async () => {
      const config = channel.validateConfig({ url: `${rx.baseUrl}/open-apis/bot/v2/hook/${HOOK}` });
      reply = { status: 200, body: { code: 19021, msg: `sign match fail for hook ${HOOK}`, data: {} } };
      const bad = await channel.send(config, zh, SECRET);
      expect(bad).toMatchObject({ ok: false, status: 200, retryable: false });
      expect(bad.error).toMatch(/^code 19021/);
      expect(JSON.stringify(bad)).not.toContain(HOOK);
      reply = { status: 200, body: { code: 11232, msg: 'frequency limited' } };
      expect(await channel.send(config, zh, SECRET)).toMatchObject({ ok: false, retryable: true });
      reply = { status: 200, body: { StatusCode: 0, StatusMessage: 'success' } };
      expect(await channel.send(config, zh, SECRET)).toMatchObject({ ok: true });
      reply = { status: 500, body: { code: 0 } };
      expect(await channel.send(config, zh, SECRET)).toMatchObject({ ok: false, status: 500, retryable: true });
      reply = { status: 400, body: { code: 9499, msg: 'Bad Request' } };
      expect(await channel.send(config, zh, SECRET)).toMatchObject({ ok: false, status: 400, retryable: false });
    });

    it('classifies a timeout as retryable', async () => {
      rx.setHandler(() => undefined);
      try {
        const config = channel.validateConfig({ url: `${rx.baseUrl}/open-apis/bot/v2/hook/${HOOK}`, timeoutMs: 250 });
        const result = await channel.send(config, zh, SECRET);
        expect(result).toMatchObject({ ok: false, retryable: true });
        expect(result.error).toMatch(/timed out/);
      } finally {
        rx.setHandler(replyHandler);
      }
    });
  });
});

describe('robot config validation', () => {
  it('rejects plain http to a remote host and unknown fields, naming the field', () => {
    for (const ch of [new WecomChannel(), new DingtalkChannel(), new FeishuChannel()]) {
      expect(() =>
        ch.validateConfig({ url: 'http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k&access_token=t' }),
      ).toThrow(/"url"/);
      expect(() => ch.validateConfig({ url: 'https://example.com/x?key=k&access_token=t', colour: 'red' })).toThrow(
        /"colour"/,
      );
      expect(() =>
        ch.validateConfig({ url: 'https://example.com/x?key=k&access_token=t', timeoutMs: 10 ** 9 }),
      ).toThrow(/"timeoutMs"/);
    }
    expect(new FeishuChannel().validateConfig({ url: 'https://open.feishu.cn/open-apis/bot/v2/hook/abc' })).toEqual({
      url: 'https://open.feishu.cn/open-apis/bot/v2/hook/abc',
    });
  });
});
