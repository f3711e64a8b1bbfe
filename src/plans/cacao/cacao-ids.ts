import { createHash } from 'node:crypto';

/** lianfang's namespace for name-based UUIDs of CACAO objects (a random v4 UUID, fixed forever). */
const NAMESPACE = '5b0d0c57-2f0e-4d57-9a3c-7b1c3e0f6a41';

/** RFC 9562 UUID version 5 of `name` in our namespace: the same plan always exports the same ids. */
export function uuid5(name: string): string {
  const ns = Buffer.from(NAMESPACE.replace(/-/g, ''), 'hex');
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const cacaoId = (type: string, name: string): string => `${type}--${uuid5(name)}`;

/** The extension that carries what CACAO has no property for (phase, roles, mandatory, bilingual texts …). */
export const LIANFANG_EXTENSION = cacaoId('extension-definition', 'lianfang:plan-step:1');
