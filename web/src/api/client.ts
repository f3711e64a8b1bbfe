import createClient, { type Middleware } from 'openapi-fetch';
import type { MessageKey, Translate, Vars } from '../i18n';
import type { components, paths } from './schema';

/**
 * The API client, typed by schema.d.ts (generated from the root openapi.json by `npm run openapi:write`),
 * so a renamed field or route breaks `npm run typecheck`, not a user. Use it through `unwrap`:
 *
 *   const incident = await unwrap(api.GET('/api/v1/incidents/{id}', { params: { path: { id } } }));
 *
 * which returns the success body and throws an ApiError otherwise (describeError turns it into a text in
 * the user's language). Cookies go along (same origin); writes carry the session's CSRF token.
 */
export type { paths };
export type Schemas = components['schemas'];
export type ErrorBody = Schemas['ErrorBody'];

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });

let csrfToken: string | undefined;
/** Set from the session (GET/POST /session); sent as X-CSRF-Token on every write. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

type SessionListener = (reason: 'lost' | 'restricted') => void;
let sessionListener: SessionListener | undefined;
/** The app learns here that the session ended or became restricted while a page was open. */
export function onSessionChange(listener: SessionListener): void {
  sessionListener = listener;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SESSION_LOST = new Set(['no-session', 'session-expired']);
const RESTRICTED = new Set(['password-change-required', 'second-factor-enrolment-required']);

const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method) && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
  async onResponse({ request, response }) {
    if (response.status !== 401 && response.status !== 403) return response;
    // The session routes answer 401 as part of signing in; only elsewhere does a 401 mean the session is gone.
    if (new URL(request.url).pathname.startsWith('/api/v1/session')) return response;
    const body = (await response
      .clone()
      .json()
      .catch(() => undefined)) as Partial<ErrorBody> | undefined;
    const code = body?.code;
    if (response.status === 401 && (code === undefined || SESSION_LOST.has(code))) sessionListener?.('lost');
    if (response.status === 403 && code && RESTRICTED.has(code)) sessionListener?.('restricted');
    return response;
  },
};
api.use(sessionMiddleware);

/** An answer other than 2xx (status 0: the service could not be reached). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Partial<ErrorBody> | undefined,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(body?.message ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }

  get code(): string | undefined {
    return this.body?.code;
  }

  /** The i18n key and values that say what went wrong, from the machine code first, else the status. */
  describe(): { key: MessageKey; vars?: Vars } {
    const code = this.code;
    if (isKnownCode(code)) return { key: `error.code.${code}` };
    switch (this.status) {
      case 0:
        return { key: 'error.network' };
      case 400: {
        const fields = (this.body?.details ?? []).map((d) => d.field).filter(Boolean);
        return {
          key: 'error.status.400',
          vars: { detail: fields.length ? fields.join(', ') : (this.body?.message ?? '') },
        };
      }
      case 401:
      case 403:
      case 404:
      case 409:
      case 413:
      case 422:
        return { key: `error.status.${this.status}` };
      case 429:
        return { key: 'error.status.429', vars: { seconds: this.retryAfterSeconds ?? 60 } };
      default:
        return this.status >= 500
          ? { key: 'error.status.500' }
          : { key: 'error.unknown', vars: { status: this.status } };
    }
  }
}

/** The machine codes with a text of their own (`error.code.<code>` in the dictionaries: the type checks it). */
const KNOWN_CODES = [
  'invalid-credentials',
  'second-factor-required',
  'invalid-second-factor',
  'too-many-failures',
  'no-session',
  'session-expired',
  'password-change-required',
  'second-factor-enrolment-required',
  'csrf-token-invalid',
] as const;
type KnownCode = (typeof KNOWN_CODES)[number];
const KNOWN = new Set<string>(KNOWN_CODES);
function isKnownCode(code: string | undefined): code is KnownCode {
  return code !== undefined && KNOWN.has(code);
}

/** A text for any error a query or mutation throws, in the user's language. */
export function describeError(err: unknown, t: Translate): string {
  if (err instanceof ApiError) {
    const { key, vars } = err.describe();
    return t(key, vars);
  }
  return t('error.network');
}

interface ClientResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The success body of an api call, or an ApiError. */
export async function unwrap<T>(call: Promise<ClientResult<T>>): Promise<T> {
  let result: ClientResult<T>;
  try {
    result = await call;
  } catch {
    throw new ApiError(0, undefined, undefined);
  }
  const { response } = result;
  if (!response.ok) {
    const retry = Number(response.headers.get('Retry-After'));
    const body = (result.error && typeof result.error === 'object' ? result.error : undefined) as
      Partial<ErrorBody> | undefined;
    throw new ApiError(response.status, body, Number.isFinite(retry) && retry > 0 ? retry : body?.retryAfterSeconds);
  }
  return result.data as T;
}
