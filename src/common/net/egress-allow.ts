import ipaddr from 'ipaddr.js';
import { parseAddress } from './address';

/**
 * The grammar of EGRESS_ALLOW (the syntax is described in src/egress/egress-policy.ts). A pure parser,
 * so the configuration can refuse a bad value at start-up and the egress policy can enforce a good one.
 */

export interface AllowEntry {
  /** The entry as written (for messages). */
  text: string;
  cidr?: [ipaddr.IPv4 | ipaddr.IPv6, number];
  name?: string;
  suffix?: string;
  /** undefined = any port. */
  port?: number;
}

export class EgressAllowSyntaxError extends Error {}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

function isHostName(name: string): boolean {
  // Numeric IP forms (2130706433, 0x7f.1) must be written as addresses; no top-level domain is numeric.
  const labels = name.split('.');
  return (
    name.length <= 253 &&
    labels.every((l) => LABEL.test(l)) &&
    !/^\d+$/.test(labels[labels.length - 1]!) &&
    parseAddress(name) === undefined
  );
}

function parsePort(text: string, entry: string): number | undefined {
  if (text === '*') return undefined;
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new EgressAllowSyntaxError(`entry "${entry}": port must be 1-65535 or *`);
  }
  return Number(text);
}

function parseCidrOrIp(text: string, entry: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  if (text.includes('/')) {
    try {
      const [ip, bits] = ipaddr.parseCIDR(text);
      // An IPv4 CIDR must be a four-part dotted quad: `10/8` is too easy to misread.
      if (ip.kind() === 'ipv4' && !ipaddr.IPv4.isValidCIDRFourPartDecimal(text)) throw new Error('not dotted');
      return [ip, bits];
    } catch {
      throw new EgressAllowSyntaxError(
        `entry "${entry}": "${text}" is not a valid CIDR block (e.g. 10.0.0.0/8 or [fd00::/8])`,
      );
    }
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return [ipaddr.IPv4.parse(text), 32];
  if (ipaddr.IPv6.isValid(text)) return [ipaddr.IPv6.parse(text), 128];
  return undefined;
}

/** Parses EGRESS_ALLOW; throws EgressAllowSyntaxError with a one-line message naming the bad entry. */
export function parseEgressAllow(value: string | undefined): AllowEntry[] {
  if (value === undefined || value.trim() === '') return [];
  const out: AllowEntry[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (entry.length > 300) throw new EgressAllowSyntaxError(`entry "${entry.slice(0, 40)}…" is too long`);
    let target = entry;
    let port: number | undefined;
    const bracketed = /^\[([^\]]+)\](?::(.+))?$/.exec(entry);
    if (bracketed) {
      target = bracketed[1]!;
      if (bracketed[2] !== undefined) port = parsePort(bracketed[2], entry);
      const cidr = parseCidrOrIp(target, entry);
      if (!cidr || cidr[0].kind() !== 'ipv6')
        throw new EgressAllowSyntaxError(`entry "${entry}": brackets hold an IPv6 address or CIDR`);
      out.push({ text: entry, cidr, ...(port !== undefined ? { port } : {}) });
      continue;
    }
    if ((entry.match(/:/g) ?? []).length > 1) {
      // Unbracketed IPv6: no port possible.
      const cidr = parseCidrOrIp(entry, entry);
      if (!cidr)
        throw new EgressAllowSyntaxError(
          `entry "${entry}" is not an IPv6 address or CIDR (write [addr]:port for a port)`,
        );
      out.push({ text: entry, cidr });
      continue;
    }
    const colon = entry.lastIndexOf(':');
    if (colon >= 0) {
      target = entry.slice(0, colon);
      port = parsePort(entry.slice(colon + 1), entry);
    }
    const cidr = parseCidrOrIp(target, entry);
    if (cidr) {
      out.push({ text: entry, cidr, ...(port !== undefined ? { port } : {}) });
      continue;
    }
    const name = target.toLowerCase().replace(/\.$/, '');
    if (name.startsWith('*.') && isHostName(name.slice(2))) {
      out.push({ text: entry, suffix: name.slice(2), ...(port !== undefined ? { port } : {}) });
    } else if (isHostName(name)) {
      out.push({ text: entry, name, ...(port !== undefined ? { port } : {}) });
    } else {
      throw new EgressAllowSyntaxError(
        `entry "${entry}" is not a host name, *.domain, IPv4 address, [IPv6] address or CIDR`,
      );
    }
  }
  return out;
}
