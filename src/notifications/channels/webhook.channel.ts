import { LRUCache } from 'lru-cache';
import { createHmac, createSecretKey, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
import { DEFAULT_TIMEOUT_MS, failedStatus, postJson, scrub, truncate, urlSecrets } from './http';
import {
  ChannelUrl,
  Omittable,
  OptionalBoolean,
  OptionalTimeout,
  Rule,
  validateConfigDto,
  type Problem,
} from './config-validation';
import { DeliveryResult, NotificationChannel, RenderedMessage, SendContext } from './types';

/**
 * Generic signed webhook, for SIEM/SOAR tools and in-house systems.
 *
 * Body (UTF-8 JSON): { id, event, title, text, locale, drill, data, sentAt }
 * Headers:
 *   X-Lianfang-Timestamp: unix seconds
 *   X-Lianfang-Signature: sha256=<hex HMAC-SHA256(secret, `${timestamp}.${rawBody}`)>
 *   X-Lianfang-Delivery:  the delivery id, identical on every retry, for receiver-side dedup
 *   X-Lianfang-Event:     the event name (convenience for routing without parsing)
 * Signing the timestamp with the body lets receivers reject replays older than a tolerance.
 */

export interface WebhookConfig {
  url: string;
  /** Extra static headers (e.g. a routing key the receiver expects); cannot override ours. */
  headers?: Record<string, string>;
  timeoutMs?: number;
  allowInsecureHttp?: boolean;
}

export const SIGNATURE_HEADER = 'X-Lianfang-Signature';
export const TIMESTAMP_HEADER = 'X-Lianfang-Timestamp';
export const DELIVERY_HEADER = 'X-Lianfang-Delivery';
export const EVENT_HEADER = 'X-Lianfang-Event';

const RESERVED_HEADERS = new Set(
  [SIGNATURE_HEADER, TIMESTAMP_HEADER, DELIVERY_HEADER, EVENT_HEADER, 'content-type'].map((h) => h.toLowerCase()),
);

/**
 * Headers that describe the connection or the message framing rather than the message: set by
 * Node's client from what it actually sends. A configured `Transfer-Encoding: chunked` next to our
 * Content-Length, say, gives two framings that a receiver and a proxy in front of it may read
 * differently (request smuggling). `Expect` changes the exchange too.
 */
const HOP_BY_HOP_HEADERS = new Set([
  'transfer-encoding',
  'content-length',
  'host',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);

const MAX_HEADERS = 20;

function isHopByHopOrFraming(name: string): boolean {
  const n = name.toLowerCase();
  return HOP_BY_HOP_HEADERS.has(n) || n.startsWith('proxy-');
}

/** What is wrong with configured extra headers: the map, or the first header at fault (`.X-Route`). */
function headersProblem(value: unknown): Problem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object';
  const entries = Object.entries(value);
  if (entries.length > MAX_HEADERS) return `must hold at most ${MAX_HEADERS} headers`;
  for (const [name, v] of entries) {
    const at = `.${name}`;
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return { at, problem: 'is not a valid header name' };
    if (isHopByHopOrFraming(name))
      return { at, problem: 'is a hop-by-hop or framing header, which only the HTTP client sets' };
    if (RESERVED_HEADERS.has(name.toLowerCase()))
      return { at, problem: 'is set by the channel and cannot be overridden' };
    // Node's client throws on other control characters; refusing them here names the header.
    if (typeof v !== 'string' || !/^[\t\x20-\x7e]*$/.test(v))
      return { at, problem: 'must be a single-line string of printable ASCII' };
  }
  return undefined;
}

/** The webhook channel's config as administrators write it. */
export class WebhookConfigDto {
  @ChannelUrl() url!: string;
  @Omittable() @Rule('webhookHeaders', headersProblem) headers?: Record<string, string>;
  @OptionalTimeout() timeoutMs?: number;
  @OptionalBoolean() allowInsecureHttp?: boolean;
}

/** Secrets as imported keys, by secret: importing the key was a good part of signing each delivery. */
const keys = new LRUCache<string, KeyObject>({ max: 1000 });

function keyFor(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}

export function signWebhookPayload(secret: string, timestamp: string | number, rawBody: string | Buffer): string {
  const mac = createHmac('sha256', keyFor(secret));
  mac.update(`${timestamp}.`, 'utf8');
  mac.update(rawBody);
  return `sha256=${mac.digest('hex')}`;
}

/**
 * For receivers (and our tests): true only when `header` is a valid signature of exactly
 * `rawBody` at `timestamp`, and the timestamp is within `toleranceSec` of `now` in either
 * direction. Pass the raw request bytes — re-serialised JSON will not match.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | number | undefined,
  rawBody: string | Buffer,
  header: string | undefined,
  toleranceSec = 300,
  now: Date = new Date(),
): boolean {
  if (!secret || timestamp === undefined || header === undefined) return false;
  const ts = String(timestamp);
  if (!/^\d{1,12}$/.test(ts)) return false;
  if (Math.abs(Math.floor(now.getTime() / 1000) - Number(ts)) > toleranceSec) return false;
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!m) return false;
  const expected = Buffer.from(signWebhookPayload(secret, ts, rawBody).slice('sha256='.length), 'hex');
  const given = Buffer.from(m[1]!.toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export class WebhookChannel implements NotificationChannel<WebhookConfig> {
  readonly kind = 'webhook' as const;

  validateConfig(config: unknown): WebhookConfig {
    const dto = validateConfigDto(this.kind, WebhookConfigDto, config);
    const out: WebhookConfig = { url: new URL(dto.url).toString() };
    if (dto.headers !== undefined) out.headers = { ...dto.headers };
    if (dto.timeoutMs !== undefined) out.timeoutMs = dto.timeoutMs;
    if (dto.allowInsecureHttp !== undefined) out.allowInsecureHttp = dto.allowInsecureHttp;
    return out;
  }

  async send(
    config: WebhookConfig,
    message: RenderedMessage,
    secret?: string,
    context: SendContext = {},
  ): Promise<DeliveryResult> {
    if (!secret) {
      // An unsigned webhook cannot be told apart from a forgery; refuse rather than degrade.
      return { ok: false, error: 'webhook channel needs a signing secret', retryable: false };
    }
    const now = (context.now ?? (() => new Date()))();
    const id = context.deliveryId ?? randomUUID();
    const event = context.event ?? message.event ?? 'notification';
    let rawBody: string;
    try {
      rawBody = JSON.stringify({
        id,
        event,
        title: message.title,
        text: message.text,
        locale: message.locale,
        drill: message.drill,
        data: context.data ?? {},
        sentAt: now.toISOString(),
      });
    } catch (err) {
      return { ok: false, error: `payload is not serialisable: ${(err as Error).message}`, retryable: false };
    }
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const url = new URL(config.url);
    // Header values and URL tokens are sealed at rest; keep them out of what we report back too.
    const secrets = [secret, ...Object.values(config.headers ?? {}), ...urlSecrets(url)];
    const attempt = await postJson(url, rawBody, {
      headers: {
        ...config.headers,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signWebhookPayload(secret, timestamp, rawBody),
        [DELIVERY_HEADER]: id,
        [EVENT_HEADER]: event,
      },
      timeoutMs: context.timeoutMs ?? config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      secrets,
      egress: context.egress,
    });
    if (!attempt.ok) return attempt.result;
    const res = attempt.response;
    if (res.status >= 200 && res.status < 300) {
      return { ok: true, status: res.status, response: truncate(scrub(res.body, secrets)), retryable: false };
    }
    return failedStatus(res, secrets);
  }
}
