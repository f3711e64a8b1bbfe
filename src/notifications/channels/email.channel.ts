import { randomUUID } from 'node:crypto';
import { createTransport } from 'nodemailer';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import { PUBLIC_ONLY_EGRESS } from '../../egress/egress-policy';
import { DEFAULT_TIMEOUT_MS, scrub, truncate } from './http';
import { escapeHtml } from '../../common/html';
import { markdownToHtml, markdownToPlain } from './markdown';
import { ChannelConfigError, DeliveryResult, NotificationChannel, RenderedMessage, SendContext } from './types';
import { asObject, isLoopbackHost, onlyKeys, optBool, optInt, optString, optTimeout, reqString, Obj } from './validate';

/**
 * Email over SMTP (nodemailer). The SMTP password is the channel secret and never part of the
 * stored config. A new connection is opened per send: notifications are rare and bursty, and a
 * pooled connection would need lifecycle wiring the processor does not have yet.
 */

export interface EmailConfig {
  host: string;
  port: number;
  /** true = implicit TLS (port 465); false = plain connection, upgraded with STARTTLS when offered. */
  secure: boolean;
  /** Fail instead of sending in clear when the server does not offer STARTTLS. */
  requireTLS?: boolean;
  /** Never upgrade (loopback test servers, a local relay). Refused together with auth on a non-loopback host. */
  ignoreTLS?: boolean;
  tls?: { rejectUnauthorized?: boolean; minVersion?: 'TLSv1.2' | 'TLSv1.3'; servername?: string };
  auth?: { user: string };
  from: string;
  to: string[];
  cc?: string[];
  timeoutMs?: number;
}

export const DRILL_SUBJECT_PREFIX = '[演练 DRILL]';
const MAX_RECIPIENTS = 100;
// Bare address or `Display Name <address>`; no CR/LF anywhere so nothing can smuggle headers.
const ADDRESS = /^(?:[^\r\n<>]*<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/;
const LOOPBACK_ADDRESS = /^(?:[^\r\n<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

/** Nodemailer codes where another attempt cannot help: configuration or message problems. */
const PERMANENT_CODES = new Set([
  'EEGRESS',
  'EAUTH',
  'ENOAUTH',
  'EOAUTH2',
  'ECONFIG',
  'ETLS',
  'EREQUIRETLS',
  'EENVELOPE',
  'EMESSAGE',
  'EMAXRECIPIENTS',
]);

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  permanent?: boolean;
  response?: string;
}

export function stripDrillStamp(title: string): string {
  return title.replace(/^\s*(?:【演练】|\[DRILL\])\s*/, '');
}

export class EmailChannel implements NotificationChannel<EmailConfig> {
  readonly kind = 'email' as const;

  validateConfig(config: unknown): EmailConfig {
    const k = this.kind;
    const o = asObject(k, config, '(config)');
    onlyKeys(k, o, [
      'host',
      'port',
      'secure',
      'requireTLS',
      'ignoreTLS',
      'tls',
      'auth',
      'from',
      'to',
      'cc',
      'timeoutMs',
    ]);
    const host = reqString(k, o, 'host');
    if (/[\s/]/.test(host)) throw new ChannelConfigError(k, 'host', 'must be a host name or IP address');
    const port = optInt(k, o, 'port', 1, 65535);
    if (port === undefined)
      throw new ChannelConfigError(k, 'port', 'is required (e.g. 465 with secure, 587 with STARTTLS)');
    const secure = optBool(k, o, 'secure');
    if (secure === undefined)
      throw new ChannelConfigError(k, 'secure', 'is required (true for implicit TLS, false for STARTTLS)');
    const out: EmailConfig = { host, port, secure, from: '', to: [] };
    const requireTLS = optBool(k, o, 'requireTLS');
    const ignoreTLS = optBool(k, o, 'ignoreTLS');
    if (requireTLS && ignoreTLS) throw new ChannelConfigError(k, 'ignoreTLS', 'cannot be combined with requireTLS');
    if (ignoreTLS && secure) throw new ChannelConfigError(k, 'ignoreTLS', 'cannot be combined with secure');
    if (requireTLS !== undefined) out.requireTLS = requireTLS;
    if (ignoreTLS !== undefined) out.ignoreTLS = ignoreTLS;
    if (o.tls !== undefined) out.tls = this.validateTls(o.tls);
    if (o.auth !== undefined) {
      const a = asObject(k, o.auth, 'auth');
      onlyKeys(k, a, ['user'], 'auth.');
      out.auth = { user: reqString(k, a, 'user', 'auth.') };
      // A password sent over a plain connection to another machine can be read on the wire.
      if (ignoreTLS && !isLoopbackHost(host)) {
        throw new ChannelConfigError(
          k,
          'ignoreTLS',
          'cannot be used with auth on a non-loopback host (the password would travel in clear)',
        );
      }
      // Without requireTLS nodemailer sends AUTH in clear when the server (or whoever sits in
      // between) does not offer STARTTLS.
      if (!secure && !requireTLS && !isLoopbackHost(host)) {
        throw new ChannelConfigError(
          k,
          'requireTLS',
          'must be true when auth is set and secure is false (the password is ' +
            'sent only over TLS: secure: true for implicit TLS, or requireTLS: ' +
            'true for STARTTLS)',
        );
      }
    }
    const addr = isLoopbackHost(host) ? LOOPBACK_ADDRESS : ADDRESS;
    out.from = reqString(k, o, 'from');
    if (!addr.test(out.from)) throw new ChannelConfigError(k, 'from', 'must be an email address');
    out.to = this.validateList(o, 'to', addr, true)!;
    const cc = this.validateList(o, 'cc', addr, false);
    if (cc) out.cc = cc;
    const timeoutMs = optTimeout(k, o);
    if (timeoutMs !== undefined) out.timeoutMs = timeoutMs;
    return out;
  }

  private validateTls(value: unknown): NonNullable<EmailConfig['tls']> {
    const t: Obj = asObject(this.kind, value, 'tls');
    onlyKeys(this.kind, t, ['rejectUnauthorized', 'minVersion', 'servername'], 'tls.');
    const out: NonNullable<EmailConfig['tls']> = {};
    const ru = optBool(this.kind, t, 'rejectUnauthorized', 'tls.');
    if (ru !== undefined) out.rejectUnauthorized = ru;
    if (t.minVersion !== undefined) {
      if (t.minVersion !== 'TLSv1.2' && t.minVersion !== 'TLSv1.3') {
        throw new ChannelConfigError(this.kind, 'tls.minVersion', 'must be "TLSv1.2" or "TLSv1.3"');
      }
      out.minVersion = t.minVersion;
    }
    const sn = optString(this.kind, t, 'servername', 'tls.');
    if (sn !== undefined) out.servername = sn;
    return out;
  }

  private validateList(o: Obj, key: 'to' | 'cc', addr: RegExp, required: boolean): string[] | undefined {
    const v = o[key];
    if (v === undefined && !required) return undefined;
    if (!Array.isArray(v) || v.length === 0)
      throw new ChannelConfigError(this.kind, key, 'must be a non-empty list of email addresses');
    if (v.length > MAX_RECIPIENTS)
      throw new ChannelConfigError(this.kind, key, `must list at most ${MAX_RECIPIENTS} addresses`);
    return v.map((a: unknown, i) => {
      if (typeof a !== 'string' || !addr.test(a.trim()))
        throw new ChannelConfigError(this.kind, `${key}[${i}]`, 'must be an email address');
      return a.trim();
    });
  }

  static subjectFor(message: RenderedMessage): string {
    return message.drill ? `${DRILL_SUBJECT_PREFIX} ${stripDrillStamp(message.title)}` : message.title;
  }

  static htmlFor(message: RenderedMessage): string {
    const lang = message.locale === 'zh-CN' ? 'zh-CN' : 'en';
    return [
      '<!doctype html>',
      `<html lang="${lang}"><head><meta charset="utf-8"><title>` +
        `${escapeHtml(EmailChannel.subjectFor(message))}` +
        `</title></head>`,
      '<body style="font-family: sans-serif">',
      `<h2>${escapeHtml(message.title)}</h2>`,
      markdownToHtml(message.text),
      '</body></html>',
    ].join('\n');
  }

  async send(
    config: EmailConfig,
    message: RenderedMessage,
    secret?: string,
    context: SendContext = {},
  ): Promise<DeliveryResult> {
    if (config.auth && !secret)
      return { ok: false, error: 'email channel has auth.user but no password secret', retryable: false };
    const timeoutMs = context.timeoutMs ?? config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const options: SMTPTransportOptions = {
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: config.requireTLS ?? false,
      ignoreTLS: config.ignoreTLS ?? false,
      tls: {
        minVersion: config.tls?.minVersion ?? 'TLSv1.2',
        rejectUnauthorized: config.tls?.rejectUnauthorized ?? true,
        ...(config.tls?.servername ? { servername: config.tls.servername } : {}),
      },
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      logger: false,
      debug: false,
    };
    if (config.auth) options.auth = { user: config.auth.user, pass: secret };
    const egress = context.egress ?? PUBLIC_ONLY_EGRESS;
    // Credentials without TLS were accepted only for a loopback host: hold the connection to that.
    const mustBeLoopback = !!config.auth && !config.secure && !config.requireTLS;
    // nodemailer resolves and connects on its own; handing it a socket we opened through the egress
    // policy is how the decision is taken on the address actually connected to.
    const transport = Object.assign(options, {
      getSocket: (
        _opts: unknown,
        callback: (err: Error | null, socketOptions?: { connection: import('node:net').Socket }) => void,
      ) => {
        egress.connect(config.host, config.port, { timeoutMs, mustBeLoopback }).then(
          (connection) => callback(null, { connection }),
          (err: Error) => callback(err),
        );
      },
    });
    const transporter = createTransport(transport);
    const deliveryId = context.deliveryId ?? randomUUID();
    const event = context.event ?? message.event;
    const fromDomain = /@([^\s@<>]+)>?\s*$/.exec(config.from)?.[1] ?? 'lianfang.invalid';
    const secrets = [secret];
    try {
      const info = await transporter.sendMail({
        from: config.from,
        to: config.to,
        ...(config.cc ? { cc: config.cc } : {}),
        subject: EmailChannel.subjectFor(message),
        text: markdownToPlain(message.text),
        html: EmailChannel.htmlFor(message),
        // Same delivery → same Message-ID, so mail systems can fold duplicates from retries.
        messageId: `<${deliveryId.replace(/[^A-Za-z0-9._-]/g, '_')}@${fromDomain}>`,
        headers: {
          'X-Lianfang-Delivery': deliveryId,
          ...(event ? { 'X-Lianfang-Event': event } : {}),
          'X-Lianfang-Drill': message.drill ? 'true' : 'false',
        },
        attachments: (context.attachments ?? []).map((a) => ({
          filename: a.filename,
          content: a.content,
          contentType: a.contentType,
        })),
        // Bounds the whole exchange; the per-phase timeouts above only bound each wait.
        signal: AbortSignal.timeout(timeoutMs * 3),
      });
      const status = Number(/^(\d{3})/.exec(info.response ?? '')?.[1]) || undefined;
      const rejected = info.rejected ?? [];
      const response = truncate(
        scrub(`${info.response ?? ''}${rejected.length ? ` (rejected: ${rejected.join(', ')})` : ''}`, secrets),
      );
      if ((info.accepted ?? []).length === 0) {
        return { ok: false, status, response, error: 'no recipient accepted', retryable: false };
      }
      // Partly accepted counts as sent: a retry would duplicate the mail for those who got it.
      return { ok: true, status, response, retryable: false };
    } catch (err) {
      return EmailChannel.classifyError(err as SmtpError, secrets);
    } finally {
      transporter.close();
    }
  }

  static classifyError(err: SmtpError, secrets: ReadonlyArray<string | undefined>): DeliveryResult {
    const code = err.code;
    let retryable: boolean;
    if (typeof err.permanent === 'boolean') retryable = !err.permanent;
    else if (typeof err.responseCode === 'number') retryable = err.responseCode < 500 || err.responseCode === 503;
    else if (code === 'EABORT' || err.name === 'TimeoutError' || err.name === 'AbortError') retryable = true;
    else retryable = !(code && PERMANENT_CODES.has(code));
    const timeout = code === 'EABORT' || code === 'ETIMEDOUT' || err.name === 'TimeoutError';
    const prefix = timeout ? 'timed out: ' : '';
    return {
      ok: false,
      ...(typeof err.responseCode === 'number' ? { status: err.responseCode } : {}),
      ...(err.response ? { response: truncate(scrub(err.response, secrets)) } : {}),
      error: scrub(`${prefix}${code ? `${code} ` : ''}${err.message}`, secrets),
      // nodemailer puts the server's reply into the message; the reason keeps only code and status.
      ...(err.response || typeof err.responseCode === 'number'
        ? { reason: `${prefix}${code ? `${code} ` : ''}SMTP ${err.responseCode ?? 'error'}` }
        : {}),
      retryable,
    };
  }
}
