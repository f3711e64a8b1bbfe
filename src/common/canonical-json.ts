import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JSON Canonicalization Scheme) text of a JSON value: the same value always gives the same
 * bytes, whatever its key order. The service's one canonical form, so what it hashes can be checked
 * by anyone with an RFC 8785 implementation: audit payload digests and entry hashes (the chain
 * verifies entries written years ago with it) and the content digest of submitted reports.
 * Throws for what JSON cannot represent (NaN, Infinity, undefined at the top).
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value cannot be canonicalised');
  return text;
}
