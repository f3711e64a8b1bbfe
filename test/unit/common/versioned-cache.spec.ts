import { VersionedCache } from '../../../src/common/versioned-cache';

describe('VersionedCache', () => {
  it('hits only for the remembered version, and evicts the least recently used entry first', () => {
    const c = new VersionedCache<string>(3);
    c.set('a', 1, 'a1');
    c.set('b', 1, 'b1');
    c.set('c', 1, 'c1');
    expect(c.get('a', 1)).toBe('a1');
    expect(c.get('a', 2)).toBeUndefined(); // another writer moved the row on: a miss, never a stale value
    c.set('d', 1, 'd1'); // evicts b, the least recently used (a was just read)
    expect(c.get('b', 1)).toBeUndefined();
    expect([c.get('a', 1), c.get('c', 1), c.get('d', 1)]).toEqual(['a1', 'c1', 'd1']);
    c.set('a', 2, 'a2'); // a newer version replaces the older one
    expect(c.get('a', 1)).toBeUndefined();
    expect(c.get('a', 2)).toBe('a2');
  });
});
