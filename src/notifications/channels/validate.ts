import { ChannelConfigError, ChannelKind } from './types';

/**
 * Small hand-written validators: the configs are tiny, and a hand-written check can name the exact
 * field and say what is wrong in words an administrator understands. Unknown keys are rejected so
 * a typo such as `rejectUnauthorised` does not silently fall back to a default.
 */

export type Obj = Record<string, unknown>;

export const MAX_TIMEOUT_MS = 120_000;

export function asObject(kind: ChannelKind, value: unknown, field: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ChannelConfigError(kind, field, 'must be an object');
  }
  return value as Obj;
}

export function onlyKeys(kind: ChannelKind, obj: Obj, allowed: readonly string[], prefix = ''): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new ChannelConfigError(kind, prefix + key, `is not a known field (allowed: ${allowed.join(', ')})`);
    }
  }
}

export function reqString(kind: ChannelKind, obj: Obj, key: string, prefix = ''): string {
  const v = obj[key];
  if (typeof v !== 'string' || v.trim() === '') {
    throw new ChannelConfigError(kind, prefix + key, 'is required and must be a non-empty string');
  }
  return v.trim();
}

export function optString(kind: ChannelKind, obj: Obj, key: string, prefix = ''): string | undefined {
  if (obj[key] === undefined) return undefined;
  return reqString(kind, obj, key, prefix);
}

export function optBool(kind: ChannelKind, obj: Obj, key: string, prefix = ''): boolean | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new ChannelConfigError(kind, prefix + key, 'must be true or false');
  return v;
}

export function optInt(
  kind: ChannelKind,
  obj: Obj,
  key: string,
  min: number,
  max: number,
  prefix = '',
): number | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ChannelConfigError(kind, prefix + key, `must be an integer from ${min} to ${max}`);
  }
  return v;
}

export function optTimeout(kind: ChannelKind, obj: Obj): number | undefined {
  return optInt(kind, obj, 'timeoutMs', 1, MAX_TIMEOUT_MS);
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Notification bodies describe live security incidents, so plain http is refused unless the host
 * is loopback (a local relay) or the administrator opts in explicitly with `allowInsecureHttp`.
 * Either only decides the scheme: which addresses may be reached at all is the egress policy's
 * decision (src/egress), taken when connecting, and no tenant setting widens it.
 */
export function httpUrl(kind: ChannelKind, obj: Obj, key: string, allowInsecureHttp: boolean): URL {
  const raw = reqString(kind, obj, key);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ChannelConfigError(kind, key, 'must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ChannelConfigError(kind, key, 'must use https');
  }
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    throw new ChannelConfigError(kind, key, 'must use https (set allowInsecureHttp to accept plain http)');
  }
  if (url.username || url.password) {
    throw new ChannelConfigError(kind, key, 'must not carry credentials in the URL');
  }
  return url;
}
