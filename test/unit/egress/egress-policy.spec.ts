import type { LookupAddress } from 'node:dns';
import { createServer, Server } from 'node:net';
import { AddressInfo } from 'node:net';
import {
  EgressAllowSyntaxError,
  EgressPolicy,
  EgressRefusedError,
  parseEgressAllow,
  PUBLIC_ONLY_EGRESS,
  type Resolver,
} from '../../../src/egress/egress-policy';
import { loadConfig, ConfigError } from '../../../src/config/app-config';
import { postJson } from '../../../src/notifications/channels/http';
import { Receiver, json, startReceiver } from '../notifications/support/http-receiver';

const policy = (allow: string, resolve?: Resolver) =>
  new EgressPolicy(parseEgressAllow(allow), resolve ? { resolve } : {});
const lookup = (p: EgressPolicy, host: string, port: number) =>
  new Promise<{ err: Error | null; addresses: string | LookupAddress[] }>((resolve) =>
    p.lookupFor(host, port)(host, { all: true }, (err, addresses) => resolve({ err, addresses })),
  );
/** A resolver that answers from a table, standing in for DNS (nothing leaves the machine). */
const table =
  (answers: Record<string, string[] | (() => string[])>): Resolver =>
  (hostname, _options, callback) => {
    const a = answers[hostname];
    if (!a) return callback(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    const list = typeof a === 'function' ? a() : a;
    callback(
      null,
      list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };

describe('EGRESS_ALLOW syntax', () => {
  it('reads addresses, CIDRs, bracketed IPv6, names, *.domains, with or without a port', () => {
    const entries = parseEgressAllow(
      ' 127.0.0.1:2525 , 10.0.0.0/8, [::1], [fd00::/8]:443, fd00::/8, ' +
        'hooks.internal:443, *.corp.example, relay.local:* ,',
    );
    expect(
      entries.map((e) => [e.text, e.port ?? 'any', e.name ?? e.suffix ?? e.cidr![0].toString() + '/' + e.cidr![1]]),
    ).toEqual([
      ['127.0.0.1:2525', 2525, '127.0.0.1/32'],
      ['10.0.0.0/8', 'any', '10.0.0.0/8'],
      ['[::1]', 'any', '::1/128'],
      ['[fd00::/8]:443', 443, 'fd00::/8'],
      ['fd00::/8', 'any', 'fd00::/8'],
      ['hooks.internal:443', 443, 'hooks.internal'],
      ['*.corp.example', 'any', 'corp.example'],
      ['relay.local:*', 'any', 'relay.local'],
    ]);
    expect(parseEgressAllow(undefined)).toEqual([]);
    expect(parseEgressAllow('  ')).toEqual([]);
  });

  it.each([
    ['127.0.0.1:0', /port must be 1-65535/],
    ['127.0.0.1:65536', /port must be 1-65535/],
    ['hooks.internal:http', /port must be 1-65535/],
    ['10.0.0.0/33', /not a valid CIDR/],
    ['10/8', /not a valid CIDR/],
    ['2130706433', /not a host name/],
    ['0x7f.1', /not a host name/],
    ['-bad-.example', /not a host name/],
    ['[127.0.0.1]', /brackets hold an IPv6/],
    ['fd00::1:443x', /not an IPv6 address or CIDR/],
    ['http://hooks.internal', /port must be 1-65535/],
  ])('refuses %s', (value, message) => {
    expect(() => parseEgressAllow(value)).toThrow(EgressAllowSyntaxError);
    expect(() => parseEgressAllow(value)).toThrow(message);
  });

  it('stops start-up with one line naming EGRESS_ALLOW and the bad entry', () => {
    let error: unknown;
    try {
      loadConfig({ EGRESS_ALLOW: '127.0.0.1:2525,hooks.internal:99999' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^Invalid configuration: EGRESS_ALLOW has a bad entry "hooks\.internal:99999": port must be 1-65535/,
    );
    expect(message).not.toContain('\n');
    expect(loadConfig({ EGRESS_ALLOW: '127.0.0.1:2525,hooks.internal:443' }).EGRESS_ALLOW).toBe(
      '127.0.0.1:2525,hooks.internal:443',
    );
  });
});

describe('EgressPolicy decisions', () => {
  it('allows public addresses and refuses every non-public class without an allow-list', () => {
    expect(PUBLIC_ONLY_EGRESS.decide('8.8.8.8', '8.8.8.8', 443)).toEqual({ allowed: true, by: 'public' });
    for (const [address, range] of [
      ['127.0.0.1', 'loopback'],
      ['::1', 'loopback'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['10.1.2.3', 'private'],
      ['192.168.0.1', 'private'],
      ['169.254.169.254', 'linkLocal'],
      ['fe80::1', 'linkLocal'],
      ['100.64.0.1', 'carrierGradeNat'],
      ['224.0.0.1', 'multicast'],
      ['0.0.0.0', 'unspecified'],
      ['::', 'unspecified'],
      ['255.255.255.255', 'broadcast'],
      ['fd00::1', 'uniqueLocal'],
    ]) {
      expect(PUBLIC_ONLY_EGRESS.decide(address!, address!, 80)).toMatchObject({ allowed: false, range });
    }
  });

  it('allows a non-public destination only as far as an entry names it (address, CIDR, port, name, *.domain)', () => {
    const p = policy('127.0.0.1:2525, 10.0.0.0/8, [fd00::/8]:443, hooks.internal:443, *.corp.example');
    expect(p.decide('127.0.0.1', '127.0.0.1', 2525).allowed).toBe(true);
    expect(p.decide('127.0.0.1', '127.0.0.1', 2526)).toMatchObject({ allowed: false, range: 'loopback' });
    // The IPv4 entry also covers the address reached through its IPv4-mapped form.
    expect(p.decide('::ffff:127.0.0.1', '::ffff:127.0.0.1', 2525).allowed).toBe(true);
    expect(p.decide('10.9.8.7', '10.9.8.7', 1).allowed).toBe(true);
    expect(p.decide('172.16.0.1', '172.16.0.1', 1).allowed).toBe(false);
    expect(p.decide('fd00::5', 'fd00::5', 443).allowed).toBe(true);
    expect(p.decide('fd00::5', 'fd00::5', 80).allowed).toBe(false);
    // A name entry allows what that name resolves to, on its port; another name reaching the same address does not.
    expect(p.decide('hooks.internal', '192.168.7.7', 443).allowed).toBe(true);
    expect(p.decide('HOOKS.internal.', '192.168.7.7', 443).allowed).toBe(true);
    expect(p.decide('hooks.internal', '192.168.7.7', 8443).allowed).toBe(false);
    expect(p.decide('evil.example', '192.168.7.7', 443).allowed).toBe(false);
    expect(p.decide('siem.corp.example', '192.168.7.8', 9000).allowed).toBe(true);
    expect(p.decide('corp.example', '192.168.7.8', 9000).allowed).toBe(false);
    expect(p.decide('xcorp.example', '192.168.7.8', 9000).allowed).toBe(false);
  });

  it('judges literal destinations in every numeric form at configuration time', () => {
    for (const host of [
      '127.0.0.1',
      '2130706433',
      '0x7f.1',
      '::ffff:127.0.0.1',
      '[::ffff:127.0.0.1]',
      '0.0.0.0',
      '169.254.169.254',
      'fd00::1',
    ]) {
      expect(PUBLIC_ONLY_EGRESS.refusalForLiteral(host, 80)).toBeInstanceOf(EgressRefusedError);
    }
    expect(PUBLIC_ONLY_EGRESS.refusalForLiteral('hooks.example', 80)).toBeUndefined(); // names: at connect time
    expect(PUBLIC_ONLY_EGRESS.refusalForLiteral('8.8.8.8', 80)).toBeUndefined();
    expect(policy('127.0.0.1').refusalForLiteral('2130706433', 80)).toBeUndefined();
  });

  it('refuses a name when any address it resolves to is refused, and says so without the address', async () => {
    const p = policy(
      '',
      table({ 'mixed.example': ['93.184.216.34', '10.0.0.5'], 'public.example': ['93.184.216.34'] }),
    );
    const mixed = await lookup(p, 'mixed.example', 443);
    expect(mixed.err).toBeInstanceOf(EgressRefusedError);
    expect(mixed.err!.message).toBe(
      'egress refused: mixed.example:443 resolves to a private address, and EGRESS_ALLOW does not name it',
    );
    expect((mixed.err as EgressRefusedError).address).toBe('10.0.0.5');
    const ok = await lookup(p, 'public.example', 443);
    expect(ok.err).toBeNull();
    expect(ok.addresses).toEqual([{ address: '93.184.216.34', family: 4 }]);
  });

  it('decides on each connection, so a name that rebinds to loopback after a public answer is refused', async () => {
    let answers = ['93.184.216.34'];
    const p = policy('', table({ 'rebind.example': () => answers }));
    expect((await lookup(p, 'rebind.example', 80)).err).toBeNull();
    answers = ['127.0.0.1'];
    expect((await lookup(p, 'rebind.example', 80)).err).toBeInstanceOf(EgressRefusedError);
  });
});

describe('EgressPolicy at connect time (loopback receivers only)', () => {
  let rx: Receiver;
  let tcp: Server;
  let tcpPort: number;
  let tcpConnections = 0;
  beforeAll(async () => {
    rx = await startReceiver((_req, res) => json(res, 200, { ok: true }));
    tcp = createServer((s) => {
      tcpConnections++;
      s.end();
    });
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    tcpPort = (tcp.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await rx.close();
    await new Promise<void>((r) => tcp.close(() => r()));
  });
  beforeEach(() => rx.requests.splice(0));
  const port = () => Number(new URL(rx.baseUrl).port);
  const post = (url: string, egress: EgressPolicy) =>
    postJson(new URL(url), '{}', { timeoutMs: 5000, secrets: [], egress });

  it('refuses loopback receivers in every spelling without the allow-list; nothing reaches them', async () => {
    for (const host of ['127.0.0.1', '2130706433', '0x7f.1', '127.1', '[::ffff:127.0.0.1]', 'localhost', '[::1]']) {
      const attempt = await post(`http://${host}:${port()}/hook`, PUBLIC_ONLY_EGRESS);
      expect(attempt).toEqual({
        ok: false,
        result: {
          ok: false,
          error: expect.stringMatching(/^egress refused: .* loopback address, and EGRESS_ALLOW does not name it$/),
          retryable: false,
        },
      });
    }
    expect(rx.requests).toHaveLength(0);
  });

  it('lets the same receiver through when the allow-list names it, and only on the named port', async () => {
    const allowed = policy(`127.0.0.1:${port()}`);
    const ok = await post(`http://127.0.0.1:${port()}/hook`, allowed);
    expect(ok).toMatchObject({ ok: true, response: { status: 200 } });
    // Over its mapped IPv6 form too (the URL parser keeps it IPv6; the socket reaches 127.0.0.1).
    expect(allowed.decide('::ffff:127.0.0.1', '::ffff:127.0.0.1', port()).allowed).toBe(true);
    const otherPort = await post(`http://127.0.0.1:${tcpPort}/hook`, allowed);
    expect(otherPort).toMatchObject({
      ok: false,
      result: { retryable: false, error: expect.stringMatching(/^egress refused/) },
    });
    expect(rx.requests).toHaveLength(1);
    allowed.close();
  });

  it('checks the resolved address of a name at connect time (localhost resolves to loopback)', async () => {
    const byName = policy('localhost');
    expect(await post(`http://localhost:${port()}/n`, byName)).toMatchObject({ ok: true });
    const byAddress = policy('127.0.0.1');
    // localhost also answers ::1 on most machines, which that entry does not name: then the name is refused as a whole.
    const viaName = await post(`http://localhost:${port()}/n`, byAddress);
    expect(viaName.ok ? 'delivered' : viaName.result.error).toMatch(
      /^(delivered|egress refused: localhost:\d+ resolves to a loopback address, .*)$/,
    );
    byName.close();
    byAddress.close();
  });

  it('opens raw sockets (SMTP) through the same decision', async () => {
    const before = tcpConnections;
    await expect(PUBLIC_ONLY_EGRESS.connect('127.0.0.1', tcpPort, { timeoutMs: 2000 })).rejects.toBeInstanceOf(
      EgressRefusedError,
    );
    await expect(PUBLIC_ONLY_EGRESS.connect('2130706433', tcpPort, { timeoutMs: 2000 })).rejects.toBeInstanceOf(
      EgressRefusedError,
    );
    await expect(PUBLIC_ONLY_EGRESS.connect('localhost', tcpPort, { timeoutMs: 2000 })).rejects.toBeInstanceOf(
      EgressRefusedError,
    );
    expect(tcpConnections).toBe(before);
    const socket = await policy('127.0.0.1').connect('127.0.0.1', tcpPort, { timeoutMs: 2000, mustBeLoopback: true });
    socket.destroy();
  });
});
