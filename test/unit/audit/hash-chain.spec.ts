import canonicalize from 'canonicalize';
import { createSecretKey, randomBytes } from 'node:crypto';
import { canonicalJson } from '../../../src/common/canonical-json';
import {
  chainedCanonical,
  chainedCanonicalV3,
  chainedHash,
  chainedHashV3,
  checkChainLink,
  checkLink,
  entryCanonical,
  entryHash,
  GENESIS_HASH,
  headMac,
  macMatches,
  payloadDigest,
  payloadMatches,
  StoredEntry,
  type ChainFields,
  type HashVersion,
  linksTo,
  type StoredChainedEntry,
} from '../../../src/audit/hash-chain';
import { createHash } from 'node:crypto';

function chain(n: number): StoredEntry[] {
  const out: StoredEntry[] = [];
  for (let i = 1; i <= n; i++) {
    const payload = { step: i, note: `entry ${i}`, nested: { b: 2, a: [1, 'x'] } };
    const e = {
      seq: i,
      at: new Date(Date.UTC(2026, 10, 25, 8, 0, i)).toISOString(),
      actorId: 'u1',
      actorRole: 'commander',
      orgId: 'o1',
      incidentId: i % 2 ? 'inc1' : null,
      action: 'incident.event',
      payload: canonicalJson(payload),
      payloadDigest: payloadDigest(payload),
      prevHash: i === 1 ? GENESIS_HASH : out[i - 2].hash,
      hash: '',
    };
    e.hash = entryHash(e);
    out.push(e);
  }
  return out;
}

function walk(entries: StoredEntry[]) {
  let prev: { seq: number; hash: string } | null = null;
  for (const e of entries) {
    const r = checkLink(e, prev);
    if (!r.ok) return { brokenAt: e.seq, reason: r.reason };
    prev = e;
  }
  return { brokenAt: null };
}

describe('audit hash chain', () => {
  it('canonicalises independent of key order (RFC 8785)', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3] } })).toBe('{"a":{"c":[3],"d":2},"b":1}');
    expect(payloadDigest({ x: 1, y: 2 })).toBe(payloadDigest({ y: 2, x: 1 }));
  });

  it('canonicalises exactly as the canonicalize package (RFC 8785) on random JSON values', () => {
    let s = 12345;
    const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const strings = [
      '',
      'a',
      'B',
      'é',
      '事件',
      '😀',
      '\ud800',
      '"q"',
      'back\\slash',
      'line\nfeed',
      '\u0000',
      '\u2028',
      'key',
    ];
    const numbers = [0, -0, 1, -1, 1.5, 1e21, 1e-7, 123456789012345680000, 0.1 + 0.2, Number.MAX_SAFE_INTEGER, 5e-324];
    const value = (depth: number): unknown => {
      const r = rnd();
      if (depth > 3 || r < 0.35) {
        const k = Math.floor(rnd() * 5);
        return [
          null,
          true,
          false,
          strings[Math.floor(rnd() * strings.length)],
          numbers[Math.floor(rnd() * numbers.length)],
        ][k];
      }
      if (r < 0.6)
        return Array.from({ length: Math.floor(rnd() * 4) }, () => (rnd() < 0.1 ? undefined : value(depth + 1)));
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rnd() * 5); i > 0; i--)
        o[strings[Math.floor(rnd() * strings.length)]! + (rnd() < 0.5 ? '' : String(i))] =
          rnd() < 0.1 ? undefined : value(depth + 1);
      return o;
    };
    for (let i = 0; i < 2000; i++) {
      const v = value(0);
      expect(canonicalJson(v)).toBe(canonicalize(v));
    }
    expect(canonicalJson({ at: new Date(Date.UTC(2026, 0, 1)) })).toBe(
      canonicalize({ at: new Date(Date.UTC(2026, 0, 1)) }),
    );
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson({ n: Infinity })).toThrow();
    expect(() => canonicalJson(undefined)).toThrow('cannot be canonicalised');
  });

  it('macs the head the same with the key as bytes or as a KeyObject', () => {
    const key = randomBytes(32);
    expect(headMac(createSecretKey(key), 7, 'ab')).toBe(headMac(key, 7, 'ab'));
    expect(macMatches(createSecretKey(key), 7, 'ab', headMac(key, 7, 'ab'))).toBe(true);
  });

  it('writes the chained fields exactly as the generic RFC 8785 serialiser does', () => {
    // Awkward strings: quotes, backslashes, controls, lone surrogates, astral and CJK characters.
    const samples = [
      '',
      'plain',
      'quote " and \\ backslash',
      'line\nbreak\ttab\u0001\u001f',
      '\ud800 lone',
      '😀 astral',
      '事件 研判',
      '\u2028\u2029',
      '</script>',
    ];
    const pick = (i: number) => samples[i % samples.length]!;
    let n = 0;
    for (let i = 0; i < 200; i++) {
      const f: ChainFields = {
        seq: [1, 42, 2 ** 31, Number.MAX_SAFE_INTEGER][i % 4]!,
        at: pick(i),
        actorId: pick(i + 1),
        actorRole: i % 3 ? pick(i + 2) : null,
        orgId: i % 5 ? pick(i + 3) : null,
        incidentId: i % 2 ? pick(i + 4) : null,
        action: pick(i + 5),
        payloadDigest: pick(i + 6),
        prevHash: pick(i + 7),
      };
      const generic = canonicalize({
        seq: f.seq,
        at: f.at,
        actorId: f.actorId,
        actorRole: f.actorRole,
        orgId: f.orgId,
        incidentId: f.incidentId,
        action: f.action,
        payloadDigest: f.payloadDigest,
        prevHash: f.prevHash,
      });
      expect(entryCanonical(f)).toBe(generic);
      n++;
    }
    expect(n).toBe(200);
    expect(() => entryCanonical({ ...chain(1)[0]!, seq: 1.5 })).toThrow('not a safe integer');
  });

  it('writes the fields of an organisation chain entry exactly as the generic RFC 8785 serialiser does', () => {
    const samples = [
      '',
      'plain',
      'quote " and \\ backslash',
      'line\nbreak\u0001',
      '\ud800 lone',
      '😀',
      '事件',
      '\u2028',
    ];
    const pick = (i: number) => samples[i % samples.length]!;
    for (let i = 0; i < 200; i++) {
      const f = {
        chain: pick(i + 8),
        chainSeq: [1, 42, 2 ** 31, Number.MAX_SAFE_INTEGER][i % 4]!,
        at: pick(i),
        actorId: pick(i + 1),
        actorRole: i % 3 ? pick(i + 2) : null,
        orgId: i % 5 ? pick(i + 3) : null,
        incidentId: i % 2 ? pick(i + 4) : null,
        action: pick(i + 5),
        payloadDigest: pick(i + 6),
        prevHash: pick(i + 7),
      };
      expect(chainedCanonical(f)).toBe(canonicalize({ ...f, v: 2 }));
    }
    // A field left undefined is left out, as the generic serialiser does.
    const partial = { ...chain(1)[0]!, chain: 'o1', chainSeq: 1, orgId: undefined as unknown as null };
    expect(chainedCanonical(partial)).toBe(
      canonicalize({
        action: partial.action,
        actorId: partial.actorId,
        actorRole: partial.actorRole,
        at: partial.at,
        chain: 'o1',
        chainSeq: 1,
        incidentId: partial.incidentId,
        payloadDigest: partial.payloadDigest,
        prevHash: partial.prevHash,
        v: 2,
      }),
    );
    expect(() => chainedCanonical({ ...partial, chainSeq: 2 ** 53 })).toThrow('not a safe integer');
    // A field of another type than the types allow (an object whose members are out of order) is
    // still written in RFC 8785 form, by the generic path.
    const odd = {
      chain: 'o1',
      chainSeq: 1,
      at: 't',
      actorId: 'u1',
      actorRole: { z: 1, a: [2] } as unknown as string,
      orgId: 'o1',
      incidentId: null,
      action: 'a',
      payloadDigest: 'd',
      prevHash: 'p',
    };
    expect(chainedCanonical(odd)).toBe(canonicalize({ ...odd, v: 2 }));
    const { chain: _c, chainSeq: _p, ...v1 } = odd;
    expect(entryCanonical({ ...v1, seq: 3 })).toBe(canonicalize({ ...v1, seq: 3 }));
  });

  it('matches a payload to its digest from the stored text, or else from its canonical form', () => {
    const payload = { b: [1, '事件'], a: { y: null, x: 'q"' } };
    const digest = payloadDigest(payload);
    expect(payloadMatches(canonicalJson(payload), digest)).toBe(true);
    // Stored in another form (other key order, spaces): still the same payload, found by parsing.
    expect(payloadMatches(JSON.stringify(payload, null, 1), digest)).toBe(true);
    expect(payloadMatches(canonicalJson({ ...payload, b: [2] }), digest)).toBe(false);
    expect(payloadMatches('{"a":', digest)).toBe(false);
    expect(payloadMatches(canonicalJson(payload), payloadDigest({ other: 1 }))).toBe(false);
  });

  it('an intact chain verifies', () => {
    expect(walk(chain(20))).toEqual({ brokenAt: null });
  });

  it('detects an altered payload at the altered entry', () => {
    const c = chain(10);
    c[4].payload = c[4].payload.replace('entry 5', 'entry five');
    expect(walk(c)).toEqual({ brokenAt: 5, reason: 'payload-digest-mismatch' });
  });

  it('detects a re-digested payload through the entry hash', () => {
    const c = chain(10);
    const forged = { step: 5, note: 'forged' };
    c[4].payload = canonicalJson(forged);
    c[4].payloadDigest = payloadDigest(forged);
    expect(walk(c)).toEqual({ brokenAt: 5, reason: 'hash-mismatch' });
  });

  it('detects a rewritten entry whose hash was recomputed, at the next link', () => {
    const c = chain(10);
    c[4].actorId = 'someone-else';
    c[4].hash = entryHash(c[4]);
    expect(walk(c)).toEqual({ brokenAt: 6, reason: 'prev-hash-mismatch' });
  });

  it('detects a deleted entry in the middle', () => {
    const c = chain(10);
    c.splice(3, 1);
    expect(walk(c)).toEqual({ brokenAt: 5, reason: 'seq-gap' });
  });

  it('the head MAC catches a cut-off tail that the chain alone cannot', () => {
    const key = randomBytes(32);
    const c = chain(10);
    const head = { seq: 10, hash: c[9].hash, mac: headMac(key, 10, c[9].hash) };
    const cut = c.slice(0, 8);
    expect(walk(cut)).toEqual({ brokenAt: null });
    const last = cut[cut.length - 1];
    expect(head.seq === last.seq && head.hash === last.hash).toBe(false);
    expect(macMatches(key, head.seq, head.hash, head.mac)).toBe(true);
    // A forger without the key cannot produce a head for the shorter chain.
    expect(macMatches(key, last.seq, last.hash, headMac(randomBytes(32), last.seq, last.hash))).toBe(false);
  });

  describe('hash version 3: nothing derivable stored', () => {
    /** A chain of `versions.length` entries of organisation o1, each of the version given, as stored. */
    function chainOf(versions: HashVersion[]): StoredChainedEntry[] {
      const out: StoredChainedEntry[] = [];
      versions.forEach((v, i) => {
        const payload = canonicalJson({ step: i + 1, note: `entry ${i + 1}`, nested: { b: 2, a: [1, '事件'] } });
        const prevHash = i === 0 ? GENESIS_HASH : out[i - 1]!.hash;
        const fields = {
          seq: 100 + i,
          chain: 'o1',
          chainSeq: i + 1,
          hashVersion: v,
          at: new Date(Date.UTC(2026, 11, 3, 8, 0, i)).toISOString(),
          actorId: 'u1',
          actorRole: 'commander',
          incidentId: i % 2 ? 'inc1' : null,
          action: 'incident.event',
          payload,
        };
        out.push(
          v === 3
            ? { ...fields, orgId: null, payloadDigest: '', prevHash: '', hash: chainedHashV3(fields, prevHash) }
            : {
                ...fields,
                orgId: 'o1',
                payloadDigest: createHash('sha256').update(payload).digest('hex'),
                prevHash,
                hash: chainedHash({
                  ...fields,
                  orgId: 'o1',
                  payloadDigest: createHash('sha256').update(payload).digest('hex'),
                  prevHash,
                }),
              },
        );
      });
      return out;
    }

    function walkChain(entries: StoredChainedEntry[]) {
      let prev: StoredChainedEntry | null = null;
      for (const e of entries) {
        const r = checkChainLink(e, prev);
        if (!r.ok) return { brokenAt: e.chainSeq, reason: r.reason };
        prev = e;
      }
      return { brokenAt: null };
    }

    it('hashes the RFC 8785 form of its stored fields, the digest of its payload text and its link', () => {
      const [e] = chainOf([3]);
      const { payload, ...rest } = e!;
      expect(chainedCanonicalV3(e!, GENESIS_HASH)).toBe(
        canonicalize({
          action: rest.action,
          actorId: rest.actorId,
          actorRole: rest.actorRole,
          at: rest.at,
          chain: rest.chain,
          chainSeq: rest.chainSeq,
          incidentId: rest.incidentId,
          payloadDigest: createHash('sha256').update(payload).digest('hex'),
          prevHash: GENESIS_HASH,
          v: 3,
        }),
      );
      // Not the version-2 hash of the same fields: a version label cannot be swapped without the hash changing.
      expect(e!.hash).not.toBe(
        chainedHash({ ...e!, orgId: 'o1', payloadDigest: payloadDigest(JSON.parse(payload)), prevHash: GENESIS_HASH }),
      );
    });

    it('an intact chain verifies, with versions 2 and 3 in any order (a rolling upgrade writes both)', () => {
      expect(walkChain(chainOf([3, 3, 3, 3]))).toEqual({ brokenAt: null });
      expect(walkChain(chainOf([2, 2, 3, 3, 2, 3]))).toEqual({ brokenAt: null });
      const c = chainOf([2, 3, 3]);
      expect(linksTo(c[1]!, c[0]!)).toBe(true);
      expect(linksTo(c[2]!, c[1]!)).toBe(true);
      expect(linksTo(c[2]!, c[0]!)).toBe(false);
    });

    it('detects a changed payload, a changed field and a changed version at the entry changed', () => {
      for (const change of [
        (e: StoredChainedEntry) => ({ ...e, payload: e.payload.replace('entry 3', 'entry 9') }),
        // The same JSON value in another form is a changed text: the digest covers the stored text.
        (e: StoredChainedEntry) => ({ ...e, payload: JSON.stringify(JSON.parse(e.payload), null, 1) }),
        (e: StoredChainedEntry) => ({ ...e, actorId: 'u2' }),
        (e: StoredChainedEntry) => ({ ...e, at: '2026-12-03T08:00:09.000Z' }),
        (e: StoredChainedEntry) => ({ ...e, hashVersion: 2 as const }),
      ]) {
        const c = chainOf([3, 3, 3, 3]);
        c[2] = change(c[2]!);
        expect(walkChain(c)).toEqual({ brokenAt: 3, reason: expect.stringMatching(/mismatch/) });
      }
    });

    it('refuses a value in a column version 3 leaves empty', () => {
      for (const change of [
        (e: StoredChainedEntry) => ({ ...e, orgId: 'o2' }),
        (e: StoredChainedEntry) => ({ ...e, payloadDigest: 'a'.repeat(64) }),
        (e: StoredChainedEntry) => ({ ...e, prevHash: GENESIS_HASH }),
      ]) {
        const c = chainOf([3, 3, 3]);
        c[1] = change(c[1]!);
        expect(walkChain(c)).toEqual({ brokenAt: 2, reason: 'hash-mismatch' });
      }
    });

    it('detects a rewritten entry whose hash was recomputed at the next entry, and a deleted one', () => {
      const c = chainOf([3, 3, 3, 3]);
      const forged = { ...c[1]!, actorId: 'u2' };
      forged.hash = chainedHashV3(forged, c[0]!.hash);
      expect(walkChain([c[0]!, forged, c[2]!, c[3]!])).toEqual({ brokenAt: 3, reason: 'hash-mismatch' });
      expect(linksTo(c[2]!, forged)).toBe(false);
      // Deleted, with the places after it moved down: the next entry hashed a different predecessor.
      const moved = [c[0]!, ...c.slice(2).map((e) => ({ ...e, chainSeq: e.chainSeq - 1 }))];
      expect(walkChain(moved)).toEqual({ brokenAt: 2, reason: 'hash-mismatch' });
      expect(walkChain([c[0]!, c[2]!, c[3]!])).toEqual({ brokenAt: 3, reason: 'seq-gap' });
    });

    it('a version-1 entry after a later one is refused', () => {
      const c = chainOf([3, 3]);
      expect(checkChainLink({ ...c[1]!, hashVersion: 1 }, c[0]!)).toEqual({ ok: false, reason: 'prev-hash-mismatch' });
    });
  });
});
