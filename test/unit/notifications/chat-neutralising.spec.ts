import {
  DingtalkChannel,
  EmailChannel,
  FeishuChannel,
  WecomChannel,
  type RenderedMessage,
} from '../../../src/notifications/channels';
import { renderMessage } from '../../../src/notifications/templates';
import { json, Receiver, startReceiver } from './support/http-receiver';
import { throughLoopbackAllowList } from './support/egress';

/**
 * User-supplied text (incident titles, organisation names, notes, reasons) goes into group chats.
 * Whatever each platform would render or act on must arrive inert: markdown emphasis, links (bare
 * URLs and domain-like text are linked by WeCom and DingTalk), tags and mentions, and characters a
 * client may treat as line breaks or use to hide text. Each platform's body is checked as sent to a
 * loopback receiver.
 */
const HOSTILE = {
  title: '**紧急** 请立即登录 https://evil.example/login 或 www.evil.cn，或访问 evil-portal.com 和 10.9.8.7',
  orgName: '某单位\u0085# 伪造标题\u000b> 伪造引用\u000c- 伪造条目\u2028第二行\u2029第三行\u202eRTL\u200b隐藏',
  reason:
    '<@all> <font color="warning">红色</font> [点我](javascript:alert(1)) `code` ~~删除~~ _斜体_ ftp://files.evil.example/x',
};

function hostileMessage(): RenderedMessage {
  return renderMessage('incident.regraded', 'zh-CN', {
    reference: 'LF-1',
    grade: 'I',
    previousGrade: 'II',
    ...HOSTILE,
    title: HOSTILE.title,
    reason: `${HOSTILE.reason} ${HOSTILE.orgName}`,
  });
}
function declared(): RenderedMessage {
  return renderMessage('incident.declared', 'zh-CN', {
    reference: 'LF-1',
    grade: 'I',
    category: 'ransomware',
    ...HOSTILE,
  });
}

/** What no platform may receive from user text. */
function expectInert(text: string): void {
  expect(text).not.toContain('**紧急**');
  expect(text).toContain('＊＊紧急＊＊');
  for (const live of [
    'https://',
    'http://',
    'ftp://',
    'evil.example',
    'www.evil.cn',
    'evil-portal.com',
    '10.9.8.7',
    '<@all>',
    '<font',
    '](',
    '`code`',
    '~~删除~~',
    ' _斜体_',
  ]) {
    expect(text).not.toContain(live);
  }
  expect(text).toContain('hxxps[:]//evil[.]example/login');
  // No control, zero-width or bidi character survives; NEL, VT, FF, LS, PS would each start a new line.
  // eslint-disable-next-line no-control-regex -- the test looks for control characters
  expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/);
  // The only lines are the template's own: none starts with what the organisation name smuggled in.
  expect(text).not.toMatch(/^\s*(#|>|-) 伪造/m);
}

describe('chat messages: user-supplied text is neutralised for each platform', () => {
  let rx: Receiver;
  beforeAll(async () => {
    rx = await startReceiver((req, res) =>
      json(res, 200, req.url.startsWith('/open-apis') ? { code: 0 } : { errcode: 0 }),
    );
  });
  afterAll(() => rx.close());
  beforeEach(() => rx.requests.splice(0));
  const sent = () => JSON.parse(rx.requests[0]!.rawBody.toString('utf8'));

  it.each([
    ['declared', declared],
    ['regraded', hostileMessage],
  ])('WeCom markdown (%s)', async (_name, make) => {
    const channel = throughLoopbackAllowList(new WecomChannel());
    expect(
      (await channel.send(channel.validateConfig({ url: `${rx.baseUrl}/cgi-bin/webhook/send?key=k-1234` }), make())).ok,
    ).toBe(true);
    const content: string = sent().markdown.content;
    expectInert(content);
    if (make === declared)
      expect(content).toContain('**某单位 # 伪造标题 ＞ 伪造引用 - 伪造条目 第二行 第三行RTL隐藏**'); // the template's own bold stays
  });

  it.each([
    ['declared', declared],
    ['regraded', hostileMessage],
  ])('DingTalk markdown (%s)', async (_name, make) => {
    const channel = throughLoopbackAllowList(new DingtalkChannel());
    expect(
      (await channel.send(channel.validateConfig({ url: `${rx.baseUrl}/robot/send?access_token=t-1234` }), make())).ok,
    ).toBe(true);
    const body = sent();
    expectInert(body.markdown.text);
    // The title shows in the notification preview: inert too.
    expectInert(`${body.markdown.title}\n${body.markdown.text}`);
  });

  it.each([
    ['declared', declared],
    ['regraded', hostileMessage],
  ])('Feishu post (%s)', async (_name, make) => {
    const channel = throughLoopbackAllowList(new FeishuChannel());
    expect(
      (await channel.send(channel.validateConfig({ url: `${rx.baseUrl}/open-apis/bot/v2/hook/h-1234` }), make())).ok,
    ).toBe(true);
    const post = sent().content.post.zh_cn;
    const lines = (post.content as Array<Array<{ tag: string; text: string }>>).map((p) =>
      p.map((e) => e.text).join(''),
    );
    expectInert(`${post.title}\n${lines.join('\n')}`);
  });

  it('email: the HTML part renders no emphasis, link or tag from user text', () => {
    const html = EmailChannel.htmlFor(declared());
    expect(html).not.toContain('<strong>紧急</strong>');
    expect(html).not.toMatch(/<a |<font|https?:\/\/evil/);
    expect(html).toContain('<strong>某单位');
  });

  it(
    'robot channels strip control characters even from text no template ' + 'wrote (stored messages of older versions)',
    () => {
      const raw: RenderedMessage = {
        title: 'a\u0085b',
        text: 'line\u2028forged\u000b# x\u202e',
        locale: 'zh-CN',
        drill: false,
      };
      for (const text of [
        WecomChannel.buildBody(raw).markdown.content,
        DingtalkChannel.buildBody(raw).markdown.text,
        JSON.stringify(FeishuChannel.buildBody(raw)),
      ]) {
        // eslint-disable-next-line no-control-regex -- the test looks for control characters
        expect(text).not.toMatch(/[\u0085\u2028\u000b\u202e]/);
      }
    },
  );
});
