import type { SecretBox } from './secret-box';

/**
 * The parts of a channel config that grant access and so are sealed like the channel secret:
 * the whole URL when it carries a robot token (WeCom `key`, DingTalk `access_token`, a Feishu hook
 * id, any `token`/`secret`/`sign` query value) and every custom webhook header value (an
 * `Authorization` header is the usual one). The row keeps the config with those parts shown as
 * `***` — what responses and audit entries show — and the sealed parts apart, bound to the row id.
 */
export interface ConfigSecrets {
  url?: string;
  headers?: Record<string, string>;
}

export const MASK = '***';

/** The URL with its access tokens replaced by ***; the URL itself when it carries none. */
export function maskUrl(raw: string): string {
  let shown = raw;
  try {
    const url = new URL(raw);
    for (const s of urlSecrets(url)) shown = shown.split(encodeURIComponent(s)).join(MASK).split(s).join(MASK);
    shown = shown.replace(/\/hook\/[^/?#]+/, `/hook/${MASK}`);
  } catch {
    // Not a URL: nothing recognisable to mask (validated configs always hold URLs).
  }
  return shown;
}

/** Splits a validated config into the part that may be stored and shown and the part to seal. */
export function splitConfigSecrets(config: Record<string, unknown>): {
  shown: Record<string, unknown>;
  secrets?: ConfigSecrets;
} {
  const shown: Record<string, unknown> = { ...config };
  const secrets: ConfigSecrets = {};
  if (typeof config.url === 'string') {
    const masked = maskUrl(config.url);
    if (masked !== config.url) {
      secrets.url = config.url;
      shown.url = masked;
    }
  }
  const headers = config.headers;
  if (headers && typeof headers === 'object' && !Array.isArray(headers) && Object.keys(headers).length > 0) {
    const entries = Object.entries(headers as Record<string, unknown>);
    // Already masked (a stored config shown again): nothing left to seal.
    if (entries.some(([, v]) => v !== MASK))
      secrets.headers = Object.fromEntries(entries.map(([k, v]) => [k, String(v)]));
    shown.headers = Object.fromEntries(entries.map(([k]) => [k, MASK]));
  }
  return Object.keys(secrets).length > 0 ? { shown, secrets } : { shown };
}

/** The config a channel sends with: the stored (masked) config with the sealed parts put back. */
export function joinConfigSecrets(
  shown: Record<string, unknown>,
  secrets: ConfigSecrets | undefined,
): Record<string, unknown> {
  if (!secrets) return shown;
  return {
    ...shown,
    ...(secrets.url !== undefined ? { url: secrets.url } : {}),
    ...(secrets.headers !== undefined ? { headers: secrets.headers } : {}),
  };
}

/** Bound to the owner row, and to its config rather than its channel secret, so neither can stand in for the other. */
const aad = (ownerId: string) => `${ownerId}#config`;

export function sealConfigSecrets(box: SecretBox, ownerId: string, secrets: ConfigSecrets | undefined): string | null {
  return secrets ? box.seal(JSON.stringify(secrets), aad(ownerId)) : null;
}

export function openConfigSecrets(box: SecretBox, ownerId: string, sealed: string | null): ConfigSecrets | undefined {
  return sealed === null ? undefined : (JSON.parse(box.open(sealed, aad(ownerId))) as ConfigSecrets);
}

/**
 * A replacement config may repeat what responses showed: a URL equal to the stored masked one, or
 * a header value of `***`, keeps the stored secret value instead of storing the mask. Anything
 * else replaces it. Returns the raw config with those parts restored, before validation.
 */
export function carryOverSecrets(
  incoming: unknown,
  storedShown: Record<string, unknown>,
  stored: ConfigSecrets | undefined,
): unknown {
  if (!incoming || typeof incoming !== 'object' || Array.isArray(incoming)) return incoming;
  const out: Record<string, unknown> = { ...(incoming as Record<string, unknown>) };
  if (stored?.url !== undefined && out.url === storedShown.url) out.url = stored.url;
  const headers = out.headers;
  if (headers && typeof headers === 'object' && !Array.isArray(headers)) {
    out.headers = Object.fromEntries(
      Object.entries(headers as Record<string, unknown>).map(([k, v]) => [
        k,
        v === MASK && stored?.headers?.[k] !== undefined ? stored.headers[k] : v,
      ]),
    );
  }
  return out;
}

/** Query values that grant access to a robot (WeCom `key`, DingTalk `access_token`, …). */
export function urlSecrets(url: URL): string[] {
  const names = ['key', 'access_token', 'token', 'sign', 'secret'];
  const out: string[] = [];
  for (const [name, value] of url.searchParams) if (names.includes(name.toLowerCase()) && value) out.push(value);
  return out;
}
