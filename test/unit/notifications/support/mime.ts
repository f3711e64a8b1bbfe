/**
 * A small MIME reader for the tests: enough of RFC 2045/2047 to read what nodemailer writes
 * (folded headers, B/Q encoded words, multipart bodies, base64 and quoted-printable parts).
 */

export interface MimePart {
  headers: Map<string, string>;
  contentType: string;
  params: Record<string, string>;
  /** Decoded bytes of a leaf part. */
  body: Buffer;
  parts: MimePart[];
}

export function decodeWords(value: string): string {
  // Whitespace between two adjacent encoded words is not part of the text (RFC 2047 §6.2).
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _charset: string, enc: string, text: string) => {
      if (enc.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
      const bytes = text
        .replace(/_/g, ' ')
        .replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    });
}

function decodeQuotedPrintable(s: string): Buffer {
  const joined = s.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const ch = joined[i]!;
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(ch, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function parseParams(value: string): { main: string; params: Record<string, string> } {
  const [main, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const m = /^\s*([^=\s]+)\s*=\s*"?([^"]*)"?\s*$/.exec(p);
    if (m) params[m[1]!.toLowerCase()] = decodeWords(m[2]!);
  }
  return { main: (main ?? '').trim().toLowerCase(), params };
}

export function parseMime(raw: string): MimePart {
  const sep = raw.search(/\r?\n\r?\n/);
  const head = sep === -1 ? raw : raw.slice(0, sep);
  const bodyText = sep === -1 ? '' : raw.slice(sep).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  const { main, params } = parseParams(headers.get('content-type') ?? 'text/plain');
  const part: MimePart = { headers, contentType: main, params, body: Buffer.alloc(0), parts: [] };
  if (main.startsWith('multipart/') && params.boundary) {
    const chunks = bodyText.split(`--${params.boundary}`);
    for (const chunk of chunks.slice(1)) {
      if (chunk.startsWith('--')) break;
      part.parts.push(parseMime(chunk.replace(/^\r?\n/, '')));
    }
    return part;
  }
  const cte = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  if (cte === 'base64') part.body = Buffer.from(bodyText.replace(/\s+/g, ''), 'base64');
  else if (cte === 'quoted-printable') part.body = decodeQuotedPrintable(bodyText);
  else part.body = Buffer.from(bodyText, 'utf8');
  return part;
}

export function leaves(p: MimePart): MimePart[] {
  return p.parts.length ? p.parts.flatMap(leaves) : [p];
}

export function header(p: MimePart, name: string): string | undefined {
  const v = p.headers.get(name.toLowerCase());
  return v === undefined ? undefined : decodeWords(v);
}
