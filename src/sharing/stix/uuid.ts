import { createHash, randomUUID } from 'node:crypto';

/** Namespace for lianfang's name-based STIX ids. Fixed forever: changing it changes every exported STIX id,
 *  and recipients de-duplicate re-exports by id. */
export const LIANFANG_STIX_NAMESPACE = 'a5a579cc-641a-470a-b64f-12e291905670';

function uuidToBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(hex, 'hex');
}

function bytesToUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** RFC 9562 version 5 (SHA-1, name-based) UUID. Implemented here to avoid a dependency for twenty lines. */
export function uuidv5(name: string, namespace: string = LIANFANG_STIX_NAMESPACE): string {
  const hash = createHash('sha1').update(uuidToBytes(namespace)).update(Buffer.from(name, 'utf8')).digest();
  const bytes = Buffer.from(hash.subarray(0, 16));
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return bytesToUuid(bytes);
}

/** `<type>--<uuidv5>`: the same lianfang record always maps to the same STIX id. */
export function deterministicStixId(type: string, name: string): string {
  return `${type}--${uuidv5(`${type}:${name}`)}`;
}

export function randomStixId(type: string): string {
  return `${type}--${randomUUID()}`;
}
