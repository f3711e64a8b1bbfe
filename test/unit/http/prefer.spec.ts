import { prefersMinimal } from '../../../src/http/prefer';

describe('Prefer: return=minimal (RFC 7240)', () => {
  it.each([
    ['return=minimal', true],
    ['Return=Minimal', true],
    ['return="minimal"', true],
    ['  return = minimal ', true],
    ['respond-async, return=minimal', true],
    ['return=minimal; foo=bar', true],
    [['wait=10', 'return=minimal'], true],
  ] as const)('%j asks for a minimal answer', (header, expected) => {
    expect(prefersMinimal(header as string | string[])).toBe(expected);
  });

  it.each([
    [undefined],
    [''],
    ['return=representation'],
    ['return'],
    ['return=minimalist'],
    ['handling=lenient'],
    // Only the first `return` preference counts.
    ['return=representation, return=minimal'],
  ])('%j does not', (header) => {
    expect(prefersMinimal(header)).toBe(false);
  });
});
