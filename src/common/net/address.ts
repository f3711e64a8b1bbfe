import ipaddr from 'ipaddr.js';

/**
 * Classifies an IP address for the egress policy: is it a public unicast address on the Internet,
 * or one of the kinds an outbound connection must not reach unless the deployment allows it
 * (loopback, private, link-local, CGNAT, multicast, unspecified, broadcast, reserved …)?
 *
 * Parsing is ipaddr.js's (the library Express's proxy-addr uses), which also reads the numeric
 * forms inet_aton accepts — `2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1` — since getaddrinfo
 * turns those into addresses too. Anything not plainly public is refused: ipaddr.js names the
 * special ranges, and only `unicast` (the rest of the address space) counts as public.
 */

export interface AddressClass {
  /** The address in canonical text form (IPv4 dotted quad, IPv6 RFC 5952); the embedded IPv4 for mapped forms. */
  address: string;
  family: 4 | 6;
  /** `public`, or why not: an ipaddr.js range name (`loopback`, `private`, `linkLocal`, …) or one of ours. */
  range: string;
  public: boolean;
}

/** Ranges an IPv6 address embeds an IPv4 address in; the IPv4 address decides. */
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
/** RFC 8215 local-use NAT64 prefix: translates to whatever IPv4 the local gateway chooses. */
const NAT64_LOCAL_USE = ipaddr.IPv6.parseCIDR('64:ff9b:1::/48');

/**
 * Parses an IP address in any form getaddrinfo would accept (brackets and an IPv6 zone allowed); undefined when it is
 * not one.
 */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = text.trim().replace(/^\[(.*)\]$/, '$1');
  if (bare === '' || !ipaddr.isValid(bare)) return undefined;
  try {
    return ipaddr.parse(bare);
  } catch {
    return undefined;
  }
}

function classifyV4(ip: ipaddr.IPv4): AddressClass {
  const range = ip.range();
  return {
    address: ip.toString(),
    family: 4,
    range: range === 'unicast' ? 'public' : range,
    public: range === 'unicast',
  };
}

/** Classifies an address given as text; throws on text that is not an IP address. */
export function classifyAddress(text: string): AddressClass {
  const ip = parseAddress(text);
  if (!ip) throw new Error(`not an IP address: ${JSON.stringify(text.slice(0, 80))}`);
  return classifyIp(ip);
}

export function classifyIp(ip: ipaddr.IPv4 | ipaddr.IPv6): AddressClass {
  if (ip.kind() === 'ipv4') return classifyV4(ip as ipaddr.IPv4);
  const v6 = ip as ipaddr.IPv6;
  const text = v6.toRFC5952String();
  const refuse = (range: string): AddressClass => ({ address: text, family: 6, range, public: false });
  // ::ffff:a.b.c.d reaches a.b.c.d over an IPv4 socket: judge the IPv4 address.
  if (v6.isIPv4MappedAddress()) return classifyV4(v6.toIPv4Address());
  if (v6.match(NAT64_WELL_KNOWN)) return classifyV4(new ipaddr.IPv4(v6.toByteArray().slice(12)));
  if (v6.match(NAT64_LOCAL_USE)) return refuse('nat64LocalUse');
  const range = v6.range();
  if (range !== 'unicast') return refuse(range);
  // IPv4-compatible ::a.b.c.d (deprecated by RFC 4291): ipaddr.js calls it unicast, but no public
  // destination is written this way, and some stacks still map it to the IPv4 address.
  if (v6.parts.slice(0, 6).every((p) => p === 0)) return refuse('ipv4Compatible');
  return { address: text, family: 6, range: 'public', public: true };
}

/** The address that sockets actually reach: the IPv4 address of an IPv4-mapped IPv6 form, else the address. */
export function effectiveIp(ip: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
}
