/**
 * Verification walks millions of entries on the connection and the event loop every request shares
 * (SQLite statements run synchronously): it gives way to other work between pages and whenever it has
 * run for SLICE_MS, so other requests wait at most about one slice, not the whole walk (issue 19).
 * The same holds for anything verification reads beside its walk (the report heads: a million of them
 * at one place are read in one burst, which held every other request for 5–23 s before it gave way too).
 */
export const SLICE_MS = 5;

export class TimeSlices {
  private started = performance.now();

  due(): boolean {
    return performance.now() - this.started >= SLICE_MS;
  }

  async yield(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.started = performance.now();
  }
}
