import { Worker } from 'node:worker_threads';

/** What one checkpoint pass reports (PRAGMA wal_checkpoint): frames in the WAL, frames copied back. */
export interface CheckpointResult {
  busy: boolean;
  log: number;
  checkpointed: number;
}

export interface WalCheckpointerOptions {
  /** Ask for a pass after this many commits (a pass copies what accumulated, off the request thread). */
  everyCommits: number;
  /** When the WAL holds this many frames, hold new write transactions once so it can start over. */
  restartFrames: number;
  /**
   * A hold waits for one pass over what was written during the previous one: hold only after a
   * pass this quick (else chase with another pass first), or once the WAL is twice restartFrames.
   */
  quickPassMs: number;
  /** Called with what went wrong; the checkpointer then stops and SQLite's own checkpoints take over. */
  onError(err: Error): void;
}

/**
 * The thread's whole program. It is evaluated rather than loaded from a file, so that it runs the
 * same under ts-node, compiled JS and Jest (whose transforms do not reach worker threads).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true, timeout: 5000 });
db.pragma('synchronous = NORMAL');
parentPort.postMessage('ready');
parentPort.on('message', (msg) => {
  if (msg === 'close') { db.close(); parentPort.close(); return; }
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ busy: r.busy === 1, log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
});
`;

/**
 * WAL checkpoints on a thread of their own, for the embedded SQLite database.
 *
 * With synchronous = NORMAL a commit only appends to the WAL; the cost of durability comes at
 * checkpoints, which copy the WAL back into the database and fsync both files. SQLite runs them
 * inside the commit that crosses wal_autocheckpoint, on the request thread (better-sqlite3 is
 * synchronous), which stalled every request behind it for milliseconds to tens of milliseconds
 * on a slow disk. Here a second connection in a worker thread runs PASSIVE checkpoints, which
 * never block the writer.
 *
 * A PASSIVE checkpoint cannot make the WAL start over while writes keep coming (the writer
 * restarts it only when every frame has been copied back), so when it has grown to
 * `restartFrames` the transaction runner holds new write transactions once, for one more pass
 * over what little is left; the next commit then writes from the start of the file again.
 * The main connection keeps a high wal_autocheckpoint as a backstop, should this thread fail.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private commitsSince = 0;
  private inFlight = false;
  private restartDue = false;
  private stopped = false;
  private waiters: Array<() => void> = [];
  /** The last pass's result (for tests and diagnostics). */
  last?: CheckpointResult;
  /** Resolves once the thread has its connection open. */
  readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(
    path: string,
    driverPath: string,
    private readonly opts: WalCheckpointerOptions,
  ) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver: driverPath } });
    // Never what keeps the process alive.
    this.worker.unref();
    this.ready = new Promise<void>((resolve) => (this.markReady = resolve));
    this.worker.on('message', (m: CheckpointResult | { error: string } | 'ready') =>
      m === 'ready' ? this.markReady() : this.done(m),
    );
    this.worker.on('error', (err) => this.fail(err));
  }

  /** A write transaction committed. */
  committed(): void {
    if (this.stopped) return;
    this.commitsSince++;
    // With a restart due, the next pass is the held one (beforeTransaction).
    if (!this.inFlight && !this.restartDue && this.commitsSince >= this.opts.everyCommits) this.pass();
  }

  /**
   * Called before a write transaction starts: undefined to go ahead at once, or a promise to wait
   * for when the WAL is due to start over (no transaction is running at this point).
   */
  beforeTransaction(): Promise<void> | undefined {
    // Never hold while a pass runs: a slow disk can make one take seconds.
    if (!this.restartDue || this.stopped || this.inFlight) return undefined;
    this.restartDue = false;
    const wait = new Promise<void>((resolve) => this.waiters.push(resolve));
    this.pass();
    return wait;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.markReady();
    this.release();
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('close');
    // A pass in progress finishes first; do not wait on a stuck disk for ever.
    const timer = setTimeout(() => void this.worker.terminate(), 5000);
    await exited;
    clearTimeout(timer);
  }

  private pass(): void {
    this.inFlight = true;
    this.passStartedAt = Date.now();
    this.commitsSince = 0;
    this.worker.postMessage('checkpoint');
  }

  private passStartedAt = 0;

  private done(m: CheckpointResult | { error: string }): void {
    this.inFlight = false;
    if ('error' in m) return this.fail(new Error(m.error));
    this.last = m;
    const tookMs = Date.now() - this.passStartedAt;
    if (this.waiters.length) {
      // Made while write transactions were held: everything is copied back, so the next commit
      // starts the WAL over (unless a reader still used it; a later pass finds it long and retries).
      this.release();
    } else if (m.log >= this.opts.restartFrames) {
      // What the hold will wait for is what was written during this pass: after a slow pass, chase
      // with another one first, unless the WAL has grown too long to wait any more.
      if (tookMs <= this.opts.quickPassMs || m.log >= 2 * this.opts.restartFrames) this.restartDue = true;
      else return this.pass();
    }
    if (!this.restartDue && this.commitsSince >= this.opts.everyCommits) this.pass();
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private fail(err: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    this.markReady();
    this.release();
    void this.worker.terminate();
    this.opts.onError(err);
  }
}
