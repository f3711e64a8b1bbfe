import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent as HttpAgent, type AgentOptions } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { connect as netConnect, type LookupFunction, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import ipaddr from 'ipaddr.js';
import { classifyIp, effectiveIp, parseAddress, parseEgressAllow, type AllowEntry } from '../common';

/**
 * One egress policy for every connection the service opens to a destination a tenant configured
 * (webhooks, chat robots, SMTP, report delivery; TAXII when it comes). The decision is taken when
 * the socket connects, on the address it connects to: names are resolved by our own lookup, which
 * refuses the whole name when any of its addresses is refused, so a DNS answer that changes between
 * a check and the connection (rebinding) cannot slip past. Public unicast addresses are allowed;
 * loopback, private, link-local, CGNAT, multicast, unspecified, broadcast, reserved and the IPv6
 * forms that embed one of those are refused unless the deployment's own allow-list (EGRESS_ALLOW,
 * an environment variable, never a tenant setting) names the destination.
 *
 * EGRESS_ALLOW syntax: comma-separated entries, each a target with an optional `:port` (`:*` or no
 * port = any port):
 *   127.0.0.1, 10.0.0.0/8           IPv4 address or CIDR
 *   [::1], [fd00::/8]:443, fd00::/8  IPv6 address or CIDR (brackets when a port follows)
 *   hooks.internal:443              a host name, exactly as configured (any address it resolves to)
 *   *.corp.example                  any name under that domain (not the domain itself)
 */

export { EgressAllowSyntaxError, parseEgressAllow, type AllowEntry } from '../common';

/** A connection the policy refused. Not retryable: the same destination is refused next time too. */
export class EgressRefusedError extends Error {
  readonly code = 'EEGRESS';
  constructor(
    readonly host: string,
    readonly port: number,
    /** The refused address (for server logs; the message names it only when it was written as one). */
    readonly address: string,
    readonly range: string,
  ) {
    const literal = parseAddress(host) !== undefined;
    super(
      literal
        ? `egress refused: ${host}:${port} is a ${range} address, and EGRESS_ALLOW does not name it`
        : `egress refused: ${host}:${port} resolves to a ${range} address, and EGRESS_ALLOW does not name it`,
    );
    this.name = 'EgressRefusedError';
  }
}

export type EgressDecision =
  { allowed: true; by: 'public' | AllowEntry } | { allowed: false; range: string; address: string };

type CreateConnection = (
  options: Record<string, unknown>,
  cb: (err: Error | null, socket?: Duplex) => void,
) => Duplex | undefined;

const AGENT_OPTIONS: AgentOptions = { keepAlive: true, maxSockets: 64 };

function normaliseHost(host: string): string {
  return host
    .trim()
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase()
    .replace(/\.$/, '');
}

/** How names are resolved: dns.lookup (getaddrinfo, as Node's own connections do); tests pass their own. */
export type Resolver = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export class EgressPolicy {
  private agents?: { http: HttpAgent; https: HttpsAgent };
  private readonly resolve: Resolver;

  constructor(
    readonly allow: readonly AllowEntry[] = [],
    opts: { resolve?: Resolver } = {},
  ) {
    this.resolve = opts.resolve ?? ((hostname, options, callback) => dnsLookup(hostname, options, callback));
  }

  static fromEnv(value: string | undefined): EgressPolicy {
    return new EgressPolicy(parseEgressAllow(value));
  }

  /** Decides one connection: `host` as configured (name or address), `address` the one resolved for it. */
  decide(host: string, address: string, port: number): EgressDecision {
    const ip = parseAddress(address);
    if (!ip) return { allowed: false, range: 'unparsable', address };
    const cls = classifyIp(ip);
    if (cls.public) return { allowed: true, by: 'public' };
    const entry = this.allowedBy(host, ip, port);
    return entry ? { allowed: true, by: entry } : { allowed: false, range: cls.range, address: cls.address };
  }

  private allowedBy(host: string, ip: ipaddr.IPv4 | ipaddr.IPv6, port: number): AllowEntry | undefined {
    const name = normaliseHost(host);
    const reached = effectiveIp(ip);
    return this.allow.find((e) => {
      if (e.port !== undefined && e.port !== port) return false;
      if (e.cidr) {
        const [net, bits] = e.cidr;
        const candidate =
          net.kind() === reached.kind()
            ? reached
            : net.kind() === 'ipv6' && reached.kind() === 'ipv4'
              ? (reached as ipaddr.IPv4).toIPv4MappedAddress()
              : undefined;
        return candidate !== undefined && candidate.match([net, bits] as never);
      }
      if (e.name) return name === e.name;
      return e.suffix !== undefined && name.endsWith(`.${e.suffix}`);
    });
  }

  /**
   * For validating a configured destination early (a 400 at configuration time): the refusal when
   * `host` is itself an IP address (in any numeric form) the policy refuses, else undefined. Names
   * are only judged when connecting, on what they resolve to then.
   */
  refusalForLiteral(host: string, port: number): EgressRefusedError | undefined {
    const ip = parseAddress(host);
    if (!ip) return undefined;
    const d = this.decide(host, ip.toString(), port);
    return d.allowed ? undefined : new EgressRefusedError(host, port, d.address, d.range);
  }

  /** A `lookup` for net/tls connections to `host:port` that refuses a name when any of its addresses is refused. */
  lookupFor(host: string, port: number): LookupFunction {
    return (hostname: string, options: LookupOptions, callback) => {
      this.resolve(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, '');
        for (const a of addresses) {
          const d = this.decide(host, a.address, port);
          if (!d.allowed) return callback(new EgressRefusedError(host, port, d.address, d.range), '');
        }
        if (addresses.length === 0)
          return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
        if (options.all) return callback(null, addresses);
        return callback(null, addresses[0]!.address, addresses[0]!.family);
      });
    };
  }

  /** Keep-alive agents whose every new connection goes through this policy. */
  agent(protocol: 'http:' | 'https:'): HttpAgent {
    this.agents ??= {
      http: this.guard(new HttpAgent(AGENT_OPTIONS)),
      https: this.guard(new HttpsAgent(AGENT_OPTIONS)),
    };
    return protocol === 'https:' ? this.agents.https : this.agents.http;
  }

  private guard<A extends HttpAgent>(agent: A): A {
    // Node's agents open sockets through createConnection (not typed in @types/node); wrapping it is
    // the documented way to customise how an agent connects.
    const target = agent as unknown as { createConnection: CreateConnection };
    const base = target.createConnection.bind(agent);
    target.createConnection = (options, cb) => {
      const host = String(options.host ?? options.hostname ?? 'localhost');
      const port = Number(options.port);
      // IP addresses skip `lookup` in net.connect, so they are judged here.
      const refused = this.refusalForLiteral(host, port);
      if (refused) {
        process.nextTick(cb, refused);
        return undefined;
      }
      return base({ ...options, lookup: this.lookupFor(host, port) }, cb);
    };
    return agent;
  }

  /**
   * A connected TCP socket to `host:port` through this policy (for SMTP, whose client takes a
   * ready socket). `mustBeLoopback`: the connection must end on a loopback address (a password
   * sent without TLS may only travel inside this machine).
   */
  connect(host: string, port: number, opts: { timeoutMs: number; mustBeLoopback?: boolean }): Promise<Socket> {
    return new Promise<Socket>((resolve, reject) => {
      const refused = this.refusalForLiteral(host, port);
      if (refused) return reject(refused);
      const socket = netConnect({ host: normaliseHost(host), port, lookup: this.lookupFor(host, port) });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          Object.assign(new Error(`connection to ${host}:${port} timed out after ${opts.timeoutMs} ms`), {
            code: 'ETIMEDOUT',
          }),
        );
      }, opts.timeoutMs);
      // Stays attached: nodemailer adds its own handler once it has the socket, and an error in
      // between must not become an unhandled 'error' event (a rejection after settling is a no-op).
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        const remote = socket.remoteAddress ? parseAddress(socket.remoteAddress) : undefined;
        if (opts.mustBeLoopback && (!remote || classifyIp(remote).range !== 'loopback')) {
          socket.destroy();
          return reject(
            Object.assign(
              new Error(`${host}:${port} is not a loopback address: credentials are sent only over TLS to other hosts`),
              { code: 'ETLS' },
            ),
          );
        }
        resolve(socket);
      });
    });
  }

  /** Closes pooled keep-alive connections (shutdown, tests). */
  close(): void {
    this.agents?.http.destroy();
    this.agents?.https.destroy();
  }
}

/** Used when a caller passes no policy: public destinations only. */
export const PUBLIC_ONLY_EGRESS = new EgressPolicy([]);
