import { LRUCache } from 'lru-cache';

/**
 * Values of database rows by row key, each valid for one row version only, least recently used
 * evicted first. For rows whose every change bumps their version (incidents): a hit is always what
 * the row holds at that version, and a stale entry simply misses. Callers remember a value only
 * once the transaction that wrote it has committed.
 */
export class VersionedCache<T> {
  private readonly entries: LRUCache<string, { rowVersion: number; value: T }>;

  constructor(capacity: number) {
    this.entries = new LRUCache({ max: capacity });
  }

  get(key: string, rowVersion: number): T | undefined {
    const hit = this.entries.get(key);
    return hit && hit.rowVersion === rowVersion ? hit.value : undefined;
  }

  /** The row version kept for `key`, if any (without touching its place in the LRU order). */
  versionOf(key: string): number | undefined {
    return this.entries.peek(key)?.rowVersion;
  }

  set(key: string, rowVersion: number, value: T): void {
    this.entries.set(key, { rowVersion, value });
  }
}
