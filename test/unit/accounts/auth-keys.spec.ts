import { randomBytes } from 'node:crypto';
import { sourceKey } from '../../../src/accounts/auth-throttle';
import { credentialHandle, generateSecret, TokenHasher } from '../../../src/accounts/token-hash';

describe('throttle keys and token forms', () => {
  it('keys a client by its IPv4 address, an IPv4-mapped address as IPv4, IPv6 by its /64', () => {
    expect(sourceKey('203.0.113.9')).toBe('203.0.113.9');
    expect(sourceKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(sourceKey('::ffff:cb00:7109')).toBe('203.0.113.9');
    expect(sourceKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(sourceKey(undefined)).toBe('unknown');
    expect(sourceKey('not an address')).toBe('unknown');
  });

  it('issues tokens and codes whose handle is random, listed, and not part of the secret', () => {
    const a = generateSecret();
    const b = generateSecret('lfe');
    expect(a.prefix).toMatch(/^lf_[a-z2-7]{8}$/);
    expect(b.prefix).toMatch(/^lfe_[a-z2-7]{8}$/);
    expect(a.secret.startsWith(`${a.prefix}_`)).toBe(true);
    expect(credentialHandle(a.secret)).toBe(a.prefix);
    expect(credentialHandle(b.secret)).toBe(b.prefix);
    // Anything else (pre-handle tokens, guesses) is named by its first 10 characters.
    expect(credentialHandle('lf_abcdefghijklmnop')).toBe('lf_abcdefg');
    const handles = new Set(Array.from({ length: 200 }, () => generateSecret().prefix));
    expect(handles.size).toBe(200);
  });

  it('stores a keyed digest, and looks pre-handle tokens up by their plain digest too', () => {
    const key = randomBytes(32);
    const hasher = new TokenHasher(key);
    const { secret } = generateSecret();
    expect(hasher.candidates(secret)).toEqual([hasher.hash(secret)]);
    expect(new TokenHasher(randomBytes(32)).hash(secret)).not.toBe(hasher.hash(secret));
    const legacy = `lf_${randomBytes(32).toString('base64url')}`;
    expect(hasher.candidates(legacy)).toHaveLength(2);
  });
});
