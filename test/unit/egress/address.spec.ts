import { classifyAddress, parseAddress } from '../../../src/common/net/address';

/**
 * The address classifier behind the egress policy. Every form below is one an attacker tried or
 * could try; each must land in the class that decides whether we connect.
 */
describe('classifyAddress', () => {
  const cases: Array<[string, string]> = [
    // loopback, in every spelling getaddrinfo or the URL parser accepts
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['[::ffff:127.0.0.1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:1', 'loopback'],
    ['2130706433', 'loopback'],
    ['0x7f.1', 'loopback'],
    ['0x7f000001', 'loopback'],
    ['0177.0.0.1', 'loopback'],
    ['127.1', 'loopback'],
    ['017700000001', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'], // NAT64 of 127.0.0.1
    // private (RFC 1918) and IPv6 unique local (fc00::/7)
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['[::ffff:192.168.0.1]', 'private'],
    ['167772161', 'private'], // 10.0.0.1 as one number
    ['64:ff9b::a00:1', 'private'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456:789a::1', 'uniqueLocal'],
    ['[fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]', 'uniqueLocal'],
    // link-local, cloud metadata included
    ['169.254.169.254', 'linkLocal'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['0xa9.0xfe.0xa9.0xfe', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['febf::1', 'linkLocal'],
    // CGNAT (100.64.0.0/10)
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.255', 'carrierGradeNat'],
    // multicast
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['ff02::1', 'multicast'],
    ['ff0e::1', 'multicast'],
    // unspecified
    ['0.0.0.0', 'unspecified'],
    ['0', 'unspecified'],
    ['::', 'unspecified'],
    ['[::]', 'unspecified'],
    ['::ffff:0.0.0.0', 'unspecified'],
    // broadcast
    ['255.255.255.255', 'broadcast'],
    ['::ffff:255.255.255.255', 'broadcast'],
    // reserved and documentation ranges
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['0.1.2.3', 'unspecified'], // "this network" 0.0.0.0/8
    ['2001:db8::1', 'reserved'],
    // IPv6 forms that embed an IPv4 address or tunnel to one
    ['::7f00:1', 'ipv4Compatible'],
    ['::a00:1', 'ipv4Compatible'],
    ['::8.8.8.8', 'public'], // ipaddr.js reads ::a.b.c.d as the mapped form; 8.8.8.8 is public either way
    ['::ffff:0:7f00:1', 'rfc6145'],
    ['2002:7f00:1::1', '6to4'],
    ['2001::1', 'teredo'],
    ['64:ff9b:1::a00:1', 'nat64LocalUse'],
    // public
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['100.128.0.1', 'public'],
    ['172.32.0.1', 'public'],
    ['172.15.255.255', 'public'],
    ['169.255.0.1', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::808:808', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['[2400:3200::1]', 'public'],
  ];

  it.each(cases)('%s is %s', (address, range) => {
    const c = classifyAddress(address);
    expect(c.range).toBe(range);
    expect(c.public).toBe(range === 'public');
  });

  it('names the address actually reached for mapped forms', () => {
    expect(classifyAddress('[::ffff:127.0.0.1]')).toMatchObject({ address: '127.0.0.1', family: 4 });
    expect(classifyAddress('2130706433')).toMatchObject({ address: '127.0.0.1', family: 4 });
    expect(classifyAddress('fd00::1')).toMatchObject({ address: 'fd00::1', family: 6 });
  });

  it('refuses to classify what is not an address', () => {
    for (const text of [
      '',
      'example.com',
      'localhost',
      '1.2.3.4.5',
      '::g',
      '256.1.1.1',
      '[127.0.0.1]x',
      'http://127.0.0.1/',
    ]) {
      expect(parseAddress(text)).toBeUndefined();
      expect(() => classifyAddress(text)).toThrow(/not an IP address/);
    }
  });
});
