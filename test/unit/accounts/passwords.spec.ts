import { generatePassword, hashPassword, passwordProblem, verifyPassword } from '../../../src/accounts/passwords';

describe('passwords', () => {
  it('stores scrypt hashes that describe their parameters, salted, and checks them', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$N=32768,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    // Unknown users are checked against a dummy hash and are never right.
    expect(await verifyPassword('correct horse battery', null)).toBe(false);
    expect(await verifyPassword('x', 'not a hash')).toBe(false);
  });

  it('reads hashes made with other parameters', async () => {
    const a = await hashPassword('correct horse battery');
    const weaker = a.replace('N=32768', 'N=16384');
    // Same salt and key but other parameters: the key no longer matches, so it is refused.
    expect(await verifyPassword('correct horse battery', weaker)).toBe(false);
  });

  it('has the contract policy: 12 characters, not the username', () => {
    expect(passwordProblem('p', 'short', null)).toMatch(/at least 12/);
    expect(passwordProblem('p', 'Zhang.Wei.Long', 'zhang.wei.long')).toMatch(/not be the username/);
    expect(passwordProblem('p', 'a good long one', 'zhang.wei')).toBeUndefined();
    expect(generatePassword()).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });
});
