import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { randomUUID } from 'node:crypto';
import { EgressRefusedError, type EgressPolicy } from '../egress';
import { checkJsonBounds, JsonBoundsError } from '../http';
import {
  DEFAULT_STIX_LIMITS,
  importIndicators,
  parseUntrustedBundle,
  STIX_BODY_BOUNDS,
  StixInputError,
  type ImportResult,
} from '../sharing';
import { TAXII_MEDIA_TYPE } from './taxii-http';
import { microsTimestamp } from './taxii-store';

/** Why a poll failed, in words an administrator can act on (never a credential). */
export class FeedError extends Error {}

export interface FeedRequest {
  apiRootUrl: string;
  collectionId: string;
  addedAfter: string | null;
  /** `Authorization` header value, if any. */
  authorization?: string;
  timeoutMs: number;
  egress: EgressPolicy;
}

export interface FeedPoll {
  /** Objects received over all pages. */
  received: number;
  pages: number;
  result: ImportResult;
  /** The X-TAXII-Date-Added-Last of the last page (the next poll's added_after), or the previous one. */
  addedAfter: string | null;
  /** Set when a later page failed after earlier ones were read: what was read is kept. */
  error?: string;
}

/** At most this many pages per poll; the rest comes at the next poll (added_after moves on). */
export const MAX_PAGES_PER_POLL = 10;
const PAGE_SIZE = 1000;

/**
 * One TAXII 2.1 GET, bounded: the answer's body may be at most the STIX import's byte limit, the whole
 * exchange (connection, headers, body) must finish within `timeoutMs`, redirects are not followed,
 * and connections go through the egress policy.
 */
function get(
  url: URL,
  headers: Record<string, string>,
  timeoutMs: number,
  egress: EgressPolicy,
): Promise<{ status: number; type: string; body: Buffer; headers: IncomingMessage['headers'] }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const https = url.protocol === 'https:';
    const req = (https ? httpsRequest : httpRequest)(
      url,
      { method: 'GET', agent: egress.agent(https ? 'https:' : 'http:'), headers },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > DEFAULT_STIX_LIMITS.maxBytes) {
            settle(() =>
              reject(new FeedError(`the feed's answer is larger than ${DEFAULT_STIX_LIMITS.maxBytes} bytes`)),
            );
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          settle(() =>
            resolve({
              status: res.statusCode ?? 0,
              type: String(res.headers['content-type'] ?? ''),
              body: Buffer.concat(chunks),
              headers: res.headers,
            }),
          ),
        );
        res.on('error', (err) => settle(() => reject(new FeedError(`network error: ${err.message}`))));
      },
    );
    const timer = setTimeout(() => {
      settle(() => reject(new FeedError(`the feed did not answer within ${timeoutMs} ms`)));
      req.destroy();
    }, timeoutMs);
    req.on('error', (err) =>
      settle(() =>
        reject(
          err instanceof EgressRefusedError
            ? new FeedError(err.message)
            : new FeedError(`network error: ${err.message}`),
        ),
      ),
    );
    req.on('close', () => settle(() => reject(new FeedError('the connection closed before a complete answer'))));
    req.end();
  });
}

function objectsUrl(r: FeedRequest, next: string | undefined): URL {
  const url = new URL(`collections/${encodeURIComponent(r.collectionId)}/objects/`, r.apiRootUrl);
  url.searchParams.set('limit', String(PAGE_SIZE));
  url.searchParams.set('match[type]', 'indicator');
  if (r.addedAfter) url.searchParams.set('added_after', r.addedAfter);
  if (next) url.searchParams.set('next', next);
  return url;
}

/** One page: checked as an untrusted STIX document would be (text bounds before parsing, then the schemas). */
async function page(
  r: FeedRequest,
  next: string | undefined,
): Promise<{ objects: unknown[]; more: boolean; next?: string; last?: string }> {
  const res = await get(
    objectsUrl(r, next),
    {
      accept: TAXII_MEDIA_TYPE,
      'user-agent': 'lianfang-taxii-client/1',
      ...(r.authorization ? { authorization: r.authorization } : {}),
    },
    r.timeoutMs,
    r.egress,
  );
  if (res.status === 401 || res.status === 403)
    throw new FeedError(`the feed refused our credentials (HTTP ${res.status})`);
  if (res.status === 404) throw new FeedError('the feed has no such collection, or not for us (HTTP 404)');
  if (res.status >= 300 && res.status < 400)
    throw new FeedError(`the feed answered with a redirect (HTTP ${res.status}), which is not followed`);
  if (res.status !== 200) throw new FeedError(`the feed answered HTTP ${res.status}`);
  const type = res.type.split(';')[0].trim().toLowerCase();
  if (type !== 'application/taxii+json')
    throw new FeedError(`the feed answered ${type || 'without a content type'}, not a TAXII envelope`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(res.body);
    checkJsonBounds(text, { ...STIX_BODY_BOUNDS, maxValues: DEFAULT_STIX_LIMITS.maxNodes });
  } catch (err) {
    if (err instanceof JsonBoundsError) throw new FeedError(`the feed's envelope is too large or deep: ${err.message}`);
    throw new FeedError('the feed answered with text that is not UTF-8');
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    throw new FeedError('the feed answered with something that is not JSON');
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope))
    throw new FeedError('the feed answered with JSON that is not a TAXII envelope');
  const e = envelope as { objects?: unknown; more?: unknown; next?: unknown };
  const objects = e.objects === undefined ? [] : e.objects;
  if (!Array.isArray(objects)) throw new FeedError('the envelope\'s "objects" is not a list');
  if (e.more !== undefined && typeof e.more !== 'boolean')
    throw new FeedError('the envelope\'s "more" is not true/false');
  if (e.more === true && (typeof e.next !== 'string' || e.next.length === 0 || e.next.length > 1000))
    throw new FeedError('the envelope says there is more but gives no usable "next"');
  const header = res.headers['x-taxii-date-added-last'];
  const last = typeof header === 'string' ? header.trim() : undefined;
  if (last !== undefined && !microsTimestamp(last))
    throw new FeedError('the feed sent an X-TAXII-Date-Added-Last that is not a timestamp');
  return { objects, more: e.more === true, ...(e.more === true ? { next: e.next as string } : {}), last };
}

/**
 * Polls a collection for indicators added since the last poll (`added_after`), following `next` for
 * up to MAX_PAGES_PER_POLL pages. Each page goes through the STIX import's limits and validation
 * and then importIndicators (revoked, expired and unsupported ones are skipped). A failure on the
 * first page throws a FeedError; on a later page the pages read so far count and the error is reported.
 */
export async function pollFeed(r: FeedRequest): Promise<FeedPoll> {
  const all: unknown[] = [];
  let addedAfter = r.addedAfter;
  let next: string | undefined;
  let pages = 0;
  let error: string | undefined;
  do {
    let got;
    try {
      got = await page(r, next);
      // An empty page is no bundle (a bundle holds at least one object): nothing new, which is fine.
      if (got.objects.length) {
        const bundle = parseUntrustedBundle(
          { type: 'bundle', id: `bundle--${randomUUID()}`, objects: got.objects },
          {},
          { allowExternalRefs: true },
        );
        all.push(...bundle.objects);
      }
    } catch (err) {
      const message =
        err instanceof FeedError
          ? err.message
          : err instanceof StixInputError
            ? `the feed sent objects that are not acceptable STIX 2.1 (${err.code}): ${err.message}`
            : `the feed could not be read: ${err instanceof Error ? err.message : String(err)}`;
      if (pages === 0) throw new FeedError(message);
      error = message;
      break;
    }
    pages++;
    if (got.last) addedAfter = got.last;
    next = got.next;
  } while (next && pages < MAX_PAGES_PER_POLL);
  return {
    received: all.length,
    pages,
    result: importIndicators({ type: 'bundle', objects: all }),
    addedAfter,
    ...(error ? { error } : {}),
  };
}
