import {
  DEFAULT_STIX_LIMITS,
  StixInputError,
  parseUntrustedBundle,
  type StixBundle,
  type StixInputErrorCode,
} from '../../../src/sharing/stix';
import { exportSample, sampleInput } from './fixtures';

function rejection(raw: unknown, limits?: Parameters<typeof parseUntrustedBundle>[1]): StixInputError {
  try {
    parseUntrustedBundle(raw, limits);
  } catch (error) {
    if (error instanceof StixInputError) return error;
    throw new Error(`threw something other than StixInputError: ${String(error)}`, { cause: error });
  }
  throw new Error('input was accepted');
}

function expectCode(
  raw: unknown,
  code: StixInputErrorCode,
  limits?: Parameters<typeof parseUntrustedBundle>[1],
): StixInputError {
  const error = rejection(raw, limits);
  expect(error.code).toBe(code);
  expect(error.message.length).toBeGreaterThan(0);
  return error;
}

const BUNDLE_ID = 'bundle--0b6f7e8a-3c1d-4f2e-9a6b-5d4c3b2a1f00';

describe('parseUntrustedBundle', () => {
  let good: StixBundle;
  beforeAll(async () => {
    good = (await exportSample(sampleInput(), { tlp: 'amber', desensitise: true })).bundle;
  });

  it('accepts a valid bundle as text, Buffer or parsed value', () => {
    const text = JSON.stringify(good);
    expect(parseUntrustedBundle(text)).toEqual(good);
    expect(parseUntrustedBundle(Buffer.from(text))).toEqual(good);
    expect(parseUntrustedBundle(JSON.parse(text))).toEqual(good);
  });

  it('rejects a bundle with 10,000 objects', () => {
    const objects = Array.from({ length: 10_000 }, (_, i) => ({ type: 'x', id: `x--${i}` }));
    const text = JSON.stringify({ type: 'bundle', id: BUNDLE_ID, objects });
    expect(Buffer.byteLength(text)).toBeLessThan(DEFAULT_STIX_LIMITS.maxBytes); // so it is the count that trips
    const error = expectCode(text, 'too-many-objects');
    expect(error.path).toBe('/objects');
    expect(error.message).toMatch(/10000 objects, more than 5000/);
    expectCode({ type: 'bundle', id: BUNDLE_ID, objects }, 'too-many-objects');
  });

  it('rejects nesting 10,000 levels deep, as text and as a parsed value, without overflowing the stack', () => {
    const deepText =
      `{"type":"bundle","id":"${BUNDLE_ID}","objects":[{"x_deep":` + `${'['.repeat(10_000)}${']'.repeat(10_000)}}]}`;
    // refused by the scan before JSON.parse builds anything (the message then gives a character offset)
    expect(expectCode(deepText, 'too-deep').message).toMatch(/at character \d+/);

    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const error = expectCode({ type: 'bundle', id: BUNDLE_ID, objects: [{ type: 'x', x_deep: deep }] }, 'too-deep');
    expect(error.path).toMatch(/^\/objects\/0\/x_deep(\/0)+$/);
  });

  it('refuses an object of many properties as text before parsing it, naming the object', () => {
    const wide = Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`x_k${i}`, 1]));
    const text = JSON.stringify({ type: 'bundle', id: BUNDLE_ID, objects: [{ type: 'x', id: 'x--1' }, wide] });
    const error = expectCode(text, 'too-large');
    expect(error.path).toBe('/objects/1');
    expect(error.message).toMatch(/more than 100 properties/);
    expect(error.status).toBe(413);
  });

  it('does not count brackets inside strings as nesting', () => {
    const bundle = structuredClone(good);
    bundle.objects[2].description = `${'['.repeat(100)} \\" ${'{'.repeat(100)}`;
    expect(parseUntrustedBundle(JSON.stringify(bundle)).objects[2].description).toBe(bundle.objects[2].description);
  });

  it('rejects a 2 MiB string: as text it is too large, as a parsed value the string is too long', () => {
    const huge = 'A'.repeat(2 * 1024 * 1024);
    const withHuge = { ...good, objects: [{ ...good.objects[0] }, { ...good.objects[1], description: huge }] };
    expectCode(JSON.stringify(withHuge), 'too-large');
    expectCode(Buffer.from(JSON.stringify(withHuge)), 'too-large');
    const error = expectCode(withHuge, 'string-too-long');
    expect(error.path).toBe('/objects/1/description');
    expect(error.message).toContain('/objects/1/description');
  });

  it('rejects a string over 64 KiB inside a document under the size limit, naming its path', () => {
    const bundle = structuredClone(good);
    bundle.objects[2].description = 'B'.repeat(64 * 1024 + 1);
    const error = expectCode(JSON.stringify(bundle), 'string-too-long');
    expect(error.path).toBe('/objects/2/description');
    const keyed = expectCode(
      { type: 'bundle', id: BUNDLE_ID, objects: [{ ['k'.repeat(70_000)]: 1 }] },
      'string-too-long',
    );
    expect(keyed.message).toMatch(/property name/);
  });

  it('rejects invalid JSON and invalid UTF-8', () => {
    expectCode('{"type":"bundle",', 'invalid-json');
    expectCode('', 'invalid-json');
    expectCode("{'type':'bundle'}", 'invalid-json');
    expectCode(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'invalid-json');
  });

  it.each([
    ['a JSON array', '[]'],
    ['a JSON string', '"bundle"'],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['a wrong type field', { type: 'report', id: BUNDLE_ID, objects: [] }],
    ['objects that is not an array', { type: 'bundle', id: BUNDLE_ID, objects: { 0: {} } }],
    ['a missing objects array', '{"type":"bundle","id":"bundle--x"}'],
  ])('rejects %s as not a bundle', (_what, raw) => {
    expectCode(raw, 'not-a-bundle');
  });

  it('rejects wrong types inside a bundle as a schema error with the details', () => {
    const bundle = structuredClone(good) as unknown as { objects: Array<Record<string, unknown>> };
    bundle.objects[2].created = 12345;
    bundle.objects[3].object_marking_refs = 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487';
    const error = expectCode(JSON.stringify(bundle), 'schema');
    expect(error.status).toBe(422);
    const paths = error.details.map((d) => d.path);
    expect(paths).toContain('/objects/2/created');
    expect(paths).toContain('/objects/3/object_marking_refs');
    expect(error.message).toMatch(/^bundle is not valid STIX 2\.1: \/objects\/\d/);
  });

  it('rejects dangling references unless external references are allowed', () => {
    const bundle = structuredClone(good);
    bundle.objects[2].created_by_ref = 'identity--11111111-1111-4111-8111-111111111111';
    expectCode(bundle, 'schema');
    expect(() => parseUntrustedBundle(bundle, {}, { allowExternalRefs: true })).not.toThrow();
  });

  it(
    'rejects hostile type names and extension keys as schema errors (the ' +
      'upstream pattern would backtrack for hours)',
    () => {
      const hostile = `${'a'.repeat(40)}!`;
      const error = expectCode(
        { type: 'bundle', id: BUNDLE_ID, objects: [{ type: hostile, id: `x--${hostile}` }] },
        'schema',
      );
      expect(error.details.map((d) => d.path)).toContain('/objects/0/type');
      const bundle = structuredClone(good);
      bundle.objects[2].extensions = { [`${'a'.repeat(40)}-ext!`]: { x: 1 } };
      expectCode(bundle, 'schema');
    },
  );

  it('refuses values JSON cannot hold in an already-parsed input', () => {
    expectCode({ type: 'bundle', id: BUNDLE_ID, objects: [{ f: () => 1 }] }, 'invalid-json');
    expectCode({ type: 'bundle', id: BUNDLE_ID, objects: [{ n: Number.NaN }] }, 'invalid-json');
    expectCode({ type: 'bundle', id: BUNDLE_ID, objects: [{ d: new Date() }] }, 'invalid-json');
    const cyclic: Record<string, unknown> = { type: 'x' };
    cyclic.self = cyclic;
    expectCode({ type: 'bundle', id: BUNDLE_ID, objects: [cyclic] }, 'too-deep');
  });

  it('bounds work on shared sub-objects (exponential fan-out) by the node budget', () => {
    let node: unknown = 'leaf';
    for (let i = 0; i < 25; i++) node = { a: node, b: node }; // 2^25 paths, under the depth limit
    expectCode({ type: 'bundle', id: BUNDLE_ID, objects: [{ type: 'x', x: node }] }, 'too-large');
  });

  it('turns a throwing getter into invalid-json rather than letting it escape', () => {
    const evil = { type: 'bundle', id: BUNDLE_ID, objects: [{}] };
    Object.defineProperty(evil.objects[0], 'boom', {
      enumerable: true,
      get: () => {
        throw new RangeError('gotcha');
      },
    });
    expectCode(evil, 'invalid-json');
  });

  it('applies custom limits', () => {
    const text = JSON.stringify(good);
    expectCode(text, 'too-large', { maxBytes: 100 });
    expectCode(text, 'too-many-objects', { maxObjects: 3 });
    expectCode(text, 'too-deep', { maxDepth: 3 });
    expectCode(text, 'string-too-long', { maxStringLength: 10 });
  });

  it('can skip validation but never the limits', () => {
    const notStix = { type: 'bundle', id: 'whatever', objects: [{ anything: true }] };
    expect(parseUntrustedBundle(notStix, {}, { validate: false })).toBe(notStix);
    expectCode(notStix, 'schema');
  });
});
