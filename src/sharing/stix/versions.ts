import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson } from '../../common';
import type { StixObject } from './stix-types';

/**
 * STIX versioning (STIX 2.1 section 3.6): an object is identified by `id`, a version by `id` and
 * `modified`, and a consumer keeps one content per version. So the same id and `modified` must
 * always come with the same content, and a change of content needs a newer `modified`.
 *
 * Exported objects are keyed by what they describe and for whom (the record, the TLP level and
 * whether the export was desensitised: each such view is its own object), and a registry keeps, per
 * key, the object's id (UUIDv4, as STIX 2.1 recommends for domain and relationship objects), its
 * `created`, and the `modified` and content digest of its newest version.
 */
export interface StixIdentity {
  id: string;
  created: string;
}

export interface StixObjectRegistry {
  /** The id and `created` of each key, assigning `<type>--<UUIDv4>` and the given `created` to keys first seen. */
  identify(requests: ReadonlyArray<{ key: string; type: string; created: string }>): Promise<Map<string, StixIdentity>>;
  /**
   * The `modified` of each key's content: the stored one while the digest is unchanged; for new or
   * changed content, `proposed` when it is later than the stored version, else `now` (and always
   * later than the stored version). Records what it returns.
   */
  version(
    requests: ReadonlyArray<{ key: string; contentHash: string; proposed: string }>,
    now: Date,
  ): Promise<Map<string, string>>;
}

export interface StoredVersion extends StixIdentity {
  key: string;
  modified: string | null;
  contentHash: string | null;
}

/** The digest versions are compared by: SHA-256 of the RFC 8785 form of everything but `modified`. */
export function stixContentHash(object: StixObject): string {
  const { modified: _modified, ...content } = object;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** The next `modified` for changed content (see StixObjectRegistry.version). */
export function nextModified(previous: string | null, proposed: string, now: Date): string {
  if (previous === null) return proposed;
  if (proposed > previous) return proposed;
  const nowIso = now.toISOString();
  if (nowIso > previous) return nowIso;
  return new Date(new Date(previous).getTime() + 1).toISOString();
}

export function newStixId(type: string): string {
  return `${type}--${randomUUID()}`;
}

/** A registry in memory: for tests and one-off conversions that need no memory across runs. */
export class MemoryStixRegistry implements StixObjectRegistry {
  readonly rows = new Map<string, StoredVersion>();

  async identify(
    requests: ReadonlyArray<{ key: string; type: string; created: string }>,
  ): Promise<Map<string, StixIdentity>> {
    const out = new Map<string, StixIdentity>();
    for (const { key, type, created } of requests) {
      let row = this.rows.get(key);
      if (!row) {
        row = { key, id: newStixId(type), created, modified: null, contentHash: null };
        this.rows.set(key, row);
      }
      out.set(key, { id: row.id, created: row.created });
    }
    return out;
  }

  async version(
    requests: ReadonlyArray<{ key: string; contentHash: string; proposed: string }>,
    now: Date,
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const { key, contentHash, proposed } of requests) {
      const row = this.rows.get(key);
      if (!row) throw new Error(`version() before identify() for ${key}`);
      if (row.contentHash !== contentHash || row.modified === null) {
        row.modified = nextModified(row.modified, proposed, now);
        row.contentHash = contentHash;
      }
      out.set(key, row.modified);
    }
    return out;
  }
}
