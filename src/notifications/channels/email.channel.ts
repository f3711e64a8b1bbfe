import { randomUUID } from 'node:crypto';
import { createTransport } from 'nodemailer';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import { PUBLIC_ONLY_EGRESS } from '../../egress';
import { DEFAULT_TIMEOUT_MS, scrub, truncate } from './http';
import { escapeHtml } from '../../common';
import { markdownToHtml, markdownToPlain } from './markdown';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsObject, ValidateNested } from 'class-validator';
import {
  isLoopbackHost,
  Omittable,
  OptionalBoolean,
  OptionalTimeout,
  RequiredString,
  Rule,
  Trim,
  validateConfigDto,
  type Problem,
} from './config-validation';
import { DeliveryResult, NotificationChannel, RenderedMessage, SendContext } from './types';

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

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
const loopback = (o: Record<string, unknown>): boolean => isLoopbackHost(typeof o.host === 'string' ? o.host : '');
/** Loopback test servers and local relays may use addresses without a dot in the domain. */
const addressPattern = (o: Record<string, unknown>): RegExp => (loopback(o) ? LOOPBACK_ADDRESS : ADDRESS);

function addressListProblem(value: unknown, o: Record<string, unknown>): Problem {
  if (!Array.isArray(value) || value.length === 0) return 'must be a non-empty list of email addresses';
  if (value.length > MAX_RECIPIENTS) return `must list at most ${MAX_RECIPIENTS} addresses`;
  const bad = value.findIndex((a: unknown) => typeof a !== 'string' || !addressPattern(o).test(a));
  return bad === -1 ? undefined : { at: `[${bad}]`, problem: 'must be an email address' };
}

const trimEach = () =>
  Transform(({ value }) =>
    Array.isArray(value) ? value.map((a: unknown) => (typeof a === 'string' ? a.trim() : a)) : value,
  );

class EmailTlsDto {
  @OptionalBoolean() rejectUnauthorized?: boolean;
  @Omittable() @IsIn(['TLSv1.2', 'TLSv1.3'], { message: 'must be "TLSv1.2" or "TLSv1.3"' }) minVersion?:
    'TLSv1.2' | 'TLSv1.3';
  @Omittable() @Trim() @RequiredString() servername?: string;
}

class EmailAuthDto {
  @Trim() @RequiredString() user!: string;
}

/**
 * The email channel's config as administrators write it. The rules across fields keep the SMTP
 * password off the wire in clear: it goes only over TLS (secure, or requireTLS with STARTTLS) to
 * any host but loopback.
 */
export class EmailConfigDto {
  @Trim()
  @Rule('smtpHost', (v) =>
    typeof v !== 'string' || v === ''
      ? 'is required and must be a non-empty string'
      : /[\s/]/.test(v)
        ? 'must be a host name or IP address'
        : undefined,
  )
  host!: string;

  @Rule('smtpPort', (v) =>
    v === undefined
      ? 'is required (e.g. 465 with secure, 587 with STARTTLS)'
      : typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535
        ? undefined
        : 'must be an integer from 1 to 65535',
  )
  port!: number;

  @Rule('smtpSecure', (v) =>
    v === undefined
      ? 'is required (true for implicit TLS, false for STARTTLS)'
      : typeof v === 'boolean'
        ? undefined
        : 'must be true or false',
  )
  secure!: boolean;

  @OptionalBoolean()
  @Rule('smtpIgnoreTLS', (v, o) => {
    if (v !== true) return undefined;
    if (o.requireTLS === true) return 'cannot be combined with requireTLS';
    if (o.secure === true) return 'cannot be combined with secure';
    // A password sent over a plain connection to another machine can be read on the wire.
    if (isObject(o.auth) && !loopback(o))
      return 'cannot be used with auth on a non-loopback host (the password would travel in clear)';
    return undefined;
  })
  ignoreTLS?: boolean;

  // Not omittable: the rule applies precisely when requireTLS is left out. Without it nodemailer
  // sends AUTH in clear when the server (or whoever sits in between) does not offer STARTTLS.
  @Rule('smtpRequireTLS', (v, o) => {
    if (v !== undefined && typeof v !== 'boolean') return 'must be true or false';
    if (v !== true && isObject(o.auth) && o.secure === false && o.ignoreTLS !== true && !loopback(o))
      return (
        'must be true when auth is set and secure is false (the password is ' +
        'sent only over TLS: secure: true for implicit TLS, or requireTLS: ' +
        'true for STARTTLS)'
      );
    return undefined;
  })
  requireTLS?: boolean;

  @Omittable()
  @IsObject({ message: 'must be an object' })
  @ValidateNested({ message: 'must be an object' })
  @Type(() => EmailTlsDto)
  tls?: EmailTlsDto;

  @Omittable()
  @IsObject({ message: 'must be an object' })
  @ValidateNested({ message: 'must be an object' })
  @Type(() => EmailAuthDto)
  auth?: EmailAuthDto;

  @Trim()
  @Rule('smtpFrom', (v, o) =>
    typeof v !== 'string' || v === ''
      ? 'is required and must be a non-empty string'
      : addressPattern(o).test(v)
        ? undefined
        : 'must be an email address',
  )
  from!: string;

  @trimEach() @Rule('smtpTo', addressListProblem) to!: string[];
  @Omittable() @trimEach() @Rule('smtpCc', addressListProblem) cc?: string[];
  @OptionalTimeout() timeoutMs?: number;
}

export function stripDrillStamp(title: string): string {
  return title.replace(/^\s*(?:【演练】|\[DRILL\])\s*/, '');
}

export class EmailChannel implements NotificationChannel<EmailConfig> {
  readonly kind = 'email' as const;

  validateConfig(config: unknown): EmailConfig {
    const dto = validateConfigDto(this.kind, EmailConfigDto, config);
    const out: EmailConfig = { host: dto.host, port: dto.port, secure: dto.secure, from: dto.from, to: [...dto.to] };
    if (dto.requireTLS !== undefined) out.requireTLS = dto.requireTLS;
    if (dto.ignoreTLS !== undefined) out.ignoreTLS = dto.ignoreTLS;
    if (dto.tls !== undefined) {
      const tls: NonNullable<EmailConfig['tls']> = {};
      if (dto.tls.rejectUnauthorized !== undefined) tls.rejectUnauthorized = dto.tls.rejectUnauthorized;
      if (dto.tls.minVersion !== undefined) tls.minVersion = dto.tls.minVersion;
      if (dto.tls.servername !== undefined) tls.servername = dto.tls.servername;
      out.tls = tls;
    }
    if (dto.auth !== undefined) out.auth = { user: dto.auth.user };
    if (dto.cc !== undefined) out.cc = [...dto.cc];
    if (dto.timeoutMs !== undefined) out.timeoutMs = dto.timeoutMs;
    return out;
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
