import { AddressInfo, createServer as createTcpServer, Socket } from 'node:net';
import { SMTPServer, SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { ChannelConfigError, EmailChannel, RenderedMessage } from '../../../src/notifications/channels';
import { renderMessage } from '../../../src/notifications/templates';
import { closedPort } from './support/http-receiver';
import { header, leaves, parseMime } from './support/mime';
import { throughLoopbackAllowList } from './support/egress';

interface Received {
  raw: string;
  mailFrom: string | undefined;
  rcptTo: string[];
  user: string | undefined;
}

const PASSWORD = 'smtp-pa55word-not-for-logs';

describe('EmailChannel against a real SMTP server on loopback', () => {
  const channel = throughLoopbackAllowList(new EmailChannel());
  let server: SMTPServer;
  let port: number;
  const received: Received[] = [];
  let connections = 0;
  /** Recipient → SMTP reply code to refuse it with. */
  const refuse = new Map<string, number>();

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true, // no TLS on this loopback test server, so AUTH must be allowed in clear
      disabledCommands: ['STARTTLS'],
      logger: false,
      onConnect(_session, cb) {
        connections++;
        cb();
      },
      onAuth(auth, _session, cb) {
        if (auth.username === 'notifier' && auth.password === PASSWORD) cb(null, { user: auth.username });
        else cb(new Error('Invalid username or password'));
      },
      onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, cb: (err?: Error | null) => void) {
        const code = refuse.get(address.address);
        if (code) {
          const err = Object.assign(new Error(`mailbox ${address.address} refused`), { responseCode: code });
          cb(err);
        } else cb();
      },
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            raw: Buffer.concat(chunks).toString('utf8'),
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            user: typeof session.user === 'string' ? session.user : undefined,
          });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.splice(0);
    refuse.clear();
  });

  const baseConfig = () => ({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    from: 'Lianfang <lianfang@ops.example.cn>',
    to: ['soc@ops.example.cn', 'leader@ops.example.cn'],
    timeoutMs: 5000,
  });

  it('delivers a drill message: prefixed subject, plain text + HTML, headers and an attachment', async () => {
    const message = renderMessage('deadline.reminder', 'zh-CN', {
      reference: 'LF-2026-0007',
      title: '核心交易系统勒索软件感染',
      timer: 'initial',
      dueAt: '2026-11-20T06:30:00Z',
      drill: true,
    });
    const report = Buffer.from('%PDF-1.7 pretend report 报告 \u0000\u0001\u0002', 'utf8');
    const config = channel.validateConfig(baseConfig());
    const result = await channel.send(config, message, undefined, {
      deliveryId: 'dlv-email-1',
      attachments: [{ filename: '初次报告-LF-2026-0007.pdf', content: report, contentType: 'application/pdf' }],
    });

    expect(result).toMatchObject({ ok: true, status: 250, retryable: false });
    expect(received).toHaveLength(1);
    const mail = received[0]!;
    expect(mail.mailFrom).toBe('lianfang@ops.example.cn');
    expect(mail.rcptTo).toEqual(['soc@ops.example.cn', 'leader@ops.example.cn']);

    const root = parseMime(mail.raw);
    // The template's 【演练】 stamp gives way to the email prefix instead of doubling up.
    expect(header(root, 'subject')).toBe('[演练 DRILL] [LF-2026-0007] 时限提醒：初次报告');
    expect(header(root, 'x-lianfang-delivery')).toBe('dlv-email-1');
    expect(header(root, 'x-lianfang-event')).toBe('deadline.reminder');
    expect(header(root, 'x-lianfang-drill')).toBe('true');
    expect(header(root, 'message-id')).toBe('<dlv-email-1@ops.example.cn>');

    const parts = leaves(root);
    const text = parts.find((p) => p.contentType === 'text/plain')!.body.toString('utf8');
    const html = parts.find((p) => p.contentType === 'text/html')!.body.toString('utf8');
    expect(text).toContain('事件 LF-2026-0007（核心交易系统勒索软件感染）的 初次报告 即将到期。');
    expect(text).toContain('2026-11-20 14:30（北京时间）');
    expect(text).not.toContain('**');
    expect(html).toContain('<strong>LF-2026-0007</strong>');
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<blockquote>【演练】本消息来自应急演练，不是真实事件。</blockquote>');

    const attachment = parts.find((p) => p.contentType === 'application/pdf')!;
    expect(attachment).toBeDefined();
    expect(attachment.params.name ?? header(attachment, 'content-disposition')).toContain('初次报告-LF-2026-0007.pdf');
    expect(attachment.body.equals(report)).toBe(true);
  });

  it('sends a non-drill English message with the title as subject, unprefixed', async () => {
    const message: RenderedMessage = {
      title: '[LF-1] Incident closed: test',
      text: 'Done <script>x</script>',
      locale: 'en',
      drill: false,
    };
    const result = await channel.send(channel.validateConfig(baseConfig()), message);
    expect(result.ok).toBe(true);
    const root = parseMime(received[0]!.raw);
    expect(header(root, 'subject')).toBe('[LF-1] Incident closed: test');
    expect(header(root, 'x-lianfang-drill')).toBe('false');
    const html = leaves(root)
      .find((p) => p.contentType === 'text/html')!
      .body.toString('utf8');
    expect(html).toContain('Done &lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>');
  });

  it('authenticates with the secret as password', async () => {
    const config = channel.validateConfig({ ...baseConfig(), auth: { user: 'notifier' } });
    const result = await channel.send(
      config,
      renderMessage('incident.closed', 'en', { reference: 'LF-2', title: 't' }),
      PASSWORD,
    );
    expect(result.ok).toBe(true);
    expect(received[0]!.user).toBe('notifier');
  });

  it('a wrong password is a permanent failure and the password is not echoed', async () => {
    const config = channel.validateConfig({ ...baseConfig(), auth: { user: 'notifier' } });
    const result = await channel.send(
      config,
      renderMessage('incident.closed', 'en', { reference: 'LF-2', title: 't' }),
      'wrong-password-123',
    );
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result.status).toBe(535);
    expect(JSON.stringify(result)).not.toContain('wrong-password-123');
    expect(received).toHaveLength(0);
  });

  it('auth configured but no secret: fails without connecting', async () => {
    const config = channel.validateConfig({ ...baseConfig(), auth: { user: 'notifier' } });
    const result = await channel.send(
      config,
      renderMessage('incident.closed', 'en', { reference: 'LF-2', title: 't' }),
    );
    expect(result).toMatchObject({ ok: false, retryable: false });
  });

  it('all recipients refused with 5xx → permanent; with 4xx → retryable', async () => {
    const config = channel.validateConfig({ ...baseConfig(), to: ['gone@ops.example.cn'] });
    const msg = renderMessage('incident.closed', 'en', { reference: 'LF-3', title: 't' });
    refuse.set('gone@ops.example.cn', 550);
    expect(await channel.send(config, msg)).toMatchObject({ ok: false, status: 550, retryable: false });
    refuse.set('gone@ops.example.cn', 451);
    expect(await channel.send(config, msg)).toMatchObject({ ok: false, status: 451, retryable: true });
    expect(received).toHaveLength(0);
  });

  it(
    'one recipient refused, the other accepted → sent (no retry that would ' + 'duplicate it), refusal reported',
    async () => {
      refuse.set('leader@ops.example.cn', 550);
      const result = await channel.send(
        channel.validateConfig(baseConfig()),
        renderMessage('incident.closed', 'en', { reference: 'LF-4', title: 't' }),
      );
      expect(result).toMatchObject({ ok: true, retryable: false });
      expect(result.response).toContain('rejected: leader@ops.example.cn');
      expect(received[0]!.rcptTo).toEqual(['soc@ops.example.cn']);
    },
  );

  it('a server that accepts the connection but never greets times out, retryably', async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const config = channel.validateConfig({
        ...baseConfig(),
        port: (silent.address() as AddressInfo).port,
        timeoutMs: 300,
      });
      const started = Date.now();
      const result = await channel.send(
        config,
        renderMessage('incident.closed', 'en', { reference: 'LF-6', title: 't' }),
      );
      expect(Date.now() - started).toBeLessThan(3000);
      expect(result).toMatchObject({ ok: false, retryable: true });
      expect(result.error).toMatch(/timed out/);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('a refused connection is retryable', async () => {
    const dead = await closedPort();
    const config = channel.validateConfig({ ...baseConfig(), port: dead });
    const result = await channel.send(
      config,
      renderMessage('incident.closed', 'en', { reference: 'LF-5', title: 't' }),
    );
    expect(result).toMatchObject({ ok: false, retryable: true });
  });

  it(
    'connects only through the egress policy: without the allow-list the ' +
      'loopback server is refused, in any spelling, before a connection',
    async () => {
      const unlisted = new EmailChannel();
      const before = connections;
      for (const host of ['127.0.0.1', '2130706433', 'localhost']) {
        const config = unlisted.validateConfig({ ...baseConfig(), host });
        const result = await unlisted.send(
          config,
          renderMessage('incident.closed', 'en', { reference: 'LF-7', title: 't' }),
        );
        expect(result).toMatchObject({
          ok: false,
          retryable: false,
          error: expect.stringMatching(/^EEGRESS egress refused: .* loopback address/),
        });
      }
      expect(connections).toBe(before);
      expect(received).toHaveLength(0);
      // The allow-list opens exactly that: same server, same config, delivered.
      expect(
        (
          await channel.send(
            unlisted.validateConfig(baseConfig()),
            renderMessage('incident.closed', 'en', { reference: 'LF-7', title: 't' }),
          )
        ).ok,
      ).toBe(true);
      expect(connections).toBe(before + 1);
    },
  );
});

describe('EmailChannel.validateConfig', () => {
  const channel = new EmailChannel();
  const base = {
    host: 'smtp.example.cn',
    port: 465,
    secure: true,
    from: 'lianfang@example.cn',
    to: ['soc@example.cn'],
  };
  const fieldOf = (cfg: unknown): string | undefined => {
    try {
      channel.validateConfig(cfg);
      return undefined;
    } catch (err) {
      expect(err).toBeInstanceOf(ChannelConfigError);
      return (err as ChannelConfigError).field;
    }
  };

  it('accepts a full, valid config', () => {
    const cfg = {
      ...base,
      port: 587,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: true, minVersion: 'TLSv1.3' },
      auth: { user: 'notifier' },
      cc: ['Leader <leader@example.cn>'],
    };
    expect(channel.validateConfig(cfg)).toEqual(cfg);
  });

  it('names the offending field', () => {
    expect(fieldOf({ ...base, host: undefined })).toBe('host');
    expect(fieldOf({ ...base, port: 70000 })).toBe('port');
    expect(fieldOf({ ...base, secure: 'yes' })).toBe('secure');
    expect(fieldOf({ ...base, to: [] })).toBe('to');
    expect(fieldOf({ ...base, to: ['soc@example.cn', 'not-an-address'] })).toBe('to[1]');
    expect(fieldOf({ ...base, to: ['soc@example.cn\r\nBcc: evil@example.com'] })).toBe('to[0]');
    expect(fieldOf({ ...base, from: 'nobody' })).toBe('from');
    expect(fieldOf({ ...base, tls: { minVersion: 'TLSv1' } })).toBe('tls.minVersion');
    expect(fieldOf({ ...base, tls: { rejectUnauthorised: false } })).toBe('tls.rejectUnauthorised');
    expect(fieldOf({ ...base, auth: { user: 'u', pass: 'p' } })).toBe('auth.pass');
    expect(fieldOf({ ...base, secure: false, requireTLS: true, ignoreTLS: true })).toBe('ignoreTLS');
  });

  it('refuses to send a password in clear to a non-loopback host', () => {
    expect(fieldOf({ ...base, secure: false, ignoreTLS: true, auth: { user: 'u' } })).toBe('ignoreTLS');
    expect(
      fieldOf({ ...base, host: '127.0.0.1', secure: false, ignoreTLS: true, auth: { user: 'u' } }),
    ).toBeUndefined();
  });

  it('requires TLS whenever credentials are sent to another host: secure, or requireTLS for STARTTLS', () => {
    // STARTTLS when offered is not enough: without requireTLS a server (or a man in the middle) that
    // does not offer it gets AUTH in clear.
    expect(fieldOf({ ...base, port: 587, secure: false, auth: { user: 'u' } })).toBe('requireTLS');
    expect(fieldOf({ ...base, port: 587, secure: false, requireTLS: false, auth: { user: 'u' } })).toBe('requireTLS');
    expect(fieldOf({ ...base, host: '2130706433', port: 587, secure: false, auth: { user: 'u' } })).toBe('requireTLS');
    expect(fieldOf({ ...base, port: 587, secure: false, requireTLS: true, auth: { user: 'u' } })).toBeUndefined();
    expect(fieldOf({ ...base, port: 465, secure: true, auth: { user: 'u' } })).toBeUndefined();
    // Without credentials nothing secret travels; on loopback the password does not leave the machine.
    expect(fieldOf({ ...base, port: 25, secure: false })).toBeUndefined();
    expect(fieldOf({ ...base, host: '127.0.0.1', port: 25, secure: false, auth: { user: 'u' } })).toBeUndefined();
  });
});
