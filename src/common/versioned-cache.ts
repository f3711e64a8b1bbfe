/**
 * Values of database rows by row key, each valid for one row version only, least recently used
 * evicted first. For rows whose every change bumps their version (incidents): a hit is always what
 * the row holds at that version, and a stale entry simply misses. Callers remember a value only
 * once the transaction that wrote it has committed.
 */
export class VersionedCache<T> {
  private readonly entries = new Map<string, { rowVersion: number; value: T }>();

  constructor(private readonly capacity: number) {}

  get(key: string, rowVersion: number): T | undefined {
    const hit = this.entries.get(key);
    if (!hit || hit.rowVersion !== rowVersion) return undefined;
    // Re-insert: the map's order is the eviction order (least recently used first).
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.value;
  }

  set(key: string, rowVersion: number, value: T): void {
    this.entries.delete(key);
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { rowVersion, value });
  }
}
