export { urlSecrets } from '../../common';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { EgressRefusedError, PUBLIC_ONLY_EGRESS, type EgressPolicy } from '../../egress';
import { DeliveryResult } from './types';

/**
 * One POST with Node's http client, a hard timeout, and a classification every HTTP channel
 * shares: network errors, timeouts, 5xx, 408 and 429 can succeed later (retryable); other 4xx
 * and redirects cannot. 408 is a 4xx but means "you were too slow", which a new attempt can fix.
 * Redirects are not followed: a signed request must not be replayed to wherever a 3xx points.
 */

export const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_CHARS = 1000;
/** What we keep of a response body (the rest is read and dropped, so the connection can be reused). */
const MAX_RESPONSE_BYTES = 1 << 20;

/*
 * Connections go through the egress policy's keep-alive agents: deliveries to one receiver reuse
 * connections instead of a TCP (and TLS) handshake per message, and every new connection is judged
 * on the address it connects to. Node's http client rather than fetch: same semantics here (no
 * redirects followed, a timeout over the whole exchange), at about half the CPU per request, which
 * is what bounds delivery throughput.
 */

export interface HttpResponse {
  status: number;
  body: string;
}

export type HttpAttempt = { ok: true; response: HttpResponse } | { ok: false; result: DeliveryResult };

export interface PostOptions {
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Values that must never appear in an error or response text we hand back. */
  secrets: ReadonlyArray<string | undefined>;
  /** The deployment's egress policy; public destinations only when absent. */
  egress?: EgressPolicy;
}

export function scrub(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    // Very short values would shred ordinary text and are not worth hiding on their own.
    if (!s || s.length < 4) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('***');
  }
  return out;
}

export function truncate(text: string, max = MAX_RESPONSE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length - max} more chars)`;
}

export function statusIsRetryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/** The result for a response that is not 2xx. */
export function failedStatus(res: HttpResponse, secrets: PostOptions['secrets']): DeliveryResult {
  const redirect = res.status >= 300 && res.status < 400;
  return {
    ok: false,
    status: res.status,
    response: truncate(scrub(res.body, secrets)),
    error: redirect ? `HTTP ${res.status}: redirects are not followed` : `HTTP ${res.status}`,
    retryable: statusIsRetryable(res.status),
  };
}

function describeError(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const e = err as { message?: unknown; code?: unknown; cause?: unknown };
    const code =
      typeof e.code === 'string'
        ? e.code
        : typeof (e.cause as { code?: unknown } | undefined)?.code === 'string'
          ? (e.cause as { code: string }).code
          : undefined;
    const message = typeof e.message === 'string' ? e.message : String(err);
    return code && !message.includes(code) ? `${code} ${message}` : message;
  }
  return String(err);
}

export function postJson(url: URL, body: string, opts: PostOptions): Promise<HttpAttempt> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (attempt: HttpAttempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(attempt);
    };
    const fail = (error: string) => settle({ ok: false, result: { ok: false, error, retryable: true } });
    const failed = (err: unknown) => {
      // A refused destination is refused again next time: no retry.
      if (err instanceof EgressRefusedError)
        settle({ ok: false, result: { ok: false, error: err.message, retryable: false } });
      else fail(scrub(`network error: ${describeError(err)}`, opts.secrets));
    };
    const payload = Buffer.from(body, 'utf8');
    const https = url.protocol === 'https:';
    const req = (https ? httpsRequest : httpRequest)(
      url,
      {
        method: 'POST',
        agent: (opts.egress ?? PUBLIC_ONLY_EGRESS).agent(https ? 'https:' : 'http:'),
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'lianfang-notifier/1',
          ...opts.headers,
          'content-length': payload.length,
        },
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        res.on('data', (chunk: Buffer) => {
          if (kept >= MAX_RESPONSE_BYTES) return;
          chunks.push(chunk);
          kept += chunk.length;
        });
        res.on('end', () =>
          settle({ ok: true, response: { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') } }),
        );
        res.on('error', (err) => fail(scrub(`network error: ${describeError(err)}`, opts.secrets)));
      },
    );
    // The timer covers the whole exchange: a receiver that stalls mid-response times out too.
    const timer = setTimeout(() => {
      fail(`timed out after ${opts.timeoutMs} ms`);
      req.destroy();
    }, opts.timeoutMs);
    req.on('error', failed);
    // Whatever else happens to the exchange, it is not left pending when the connection goes.
    req.on('close', () => fail('network error: connection closed before a complete response'));
    req.end(payload);
  });
}

export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Robot APIs answer 200 and put the verdict in a numeric code field. A 200 whose body is not the
 * expected JSON usually comes from a proxy or gateway page, so it is treated as a retryable failure.
 */
export function robotResult(
  res: HttpResponse,
  codeField: 'errcode' | 'code',
  permanentCodes: ReadonlySet<number>,
  secrets: PostOptions['secrets'],
): DeliveryResult {
  if (res.status < 200 || res.status >= 300) return failedStatus(res, secrets);
  const response = truncate(scrub(res.body, secrets));
  const json = parseJsonObject(res.body);
  // Feishu's older replies carry StatusCode instead of code; both mean the same.
  const raw = json?.[codeField] ?? (codeField === 'code' ? json?.StatusCode : undefined);
  if (typeof raw !== 'number') {
    return {
      ok: false,
      status: res.status,
      response,
      error: `unexpected reply: no numeric "${codeField}"`,
      retryable: true,
    };
  }
  if (raw === 0) return { ok: true, status: res.status, response, retryable: false };
  const msg = json?.errmsg ?? json?.msg ?? json?.StatusMessage;
  return {
    ok: false,
    status: res.status,
    response,
    error: scrub(`${codeField} ${raw}${typeof msg === 'string' ? `: ${msg}` : ''}`, secrets),
    reason: `${codeField} ${raw}`,
    retryable: !permanentCodes.has(raw),
  };
}

/** Truncates to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number, marker = '\n…'): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(marker, 'utf8');
  let used = 0;
  let out = '';
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (used + n > budget) break;
    used += n;
    out += ch;
  }
  return out + marker;
}
