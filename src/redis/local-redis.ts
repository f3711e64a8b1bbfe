import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { join, resolve } from 'node:path';

export class RedisServerMissingError extends Error {
  constructor(bin: string) {
    super(
      `redis-server not found (looked for "${bin}" on PATH). ` +
        `Install it (Debian/Ubuntu: "sudo apt-get install -y ` +
        `redis-server"; ` +
        `macOS: "brew install redis") or set REDIS_URL to an existing Redis server.`,
    );
  }
}

/** Asks the kernel for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => ok(port));
    });
  });
}

/** `ok` for PONG, `loading` while the server replays its data (it answers -LOADING), `none` otherwise. */
function ping(port: number): Promise<'ok' | 'loading' | 'none'> {
  return new Promise((ok) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (v: 'ok' | 'loading' | 'none') => {
      socket.destroy();
      ok(v);
    };
    socket.setTimeout(500, () => done('none'));
    socket.once('error', () => done('none'));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      const answer = d.toString();
      done(answer.startsWith('+PONG') ? 'ok' : answer.startsWith('-LOADING') ? 'loading' : 'none');
    });
  });
}

/** How long a redis-server may take to answer at all, and how long to replay its data once it does. */
const ANSWER_MS = 10_000;
const LOADING_MS = 300_000;

export interface LocalRedisOptions {
  dataDir: string;
  bin?: string;
  port?: number;
}

/**
 * A redis-server child process on a free loopback port, data (AOF) under `dataDir`.
 * Used by the embedded default (`npm start` without REDIS_URL) and by the test suites, so tests
 * run against the same real server the product uses. AOF is on and eviction off (BullMQ's
 * requirements: a timer must never be evicted or lost on restart).
 */
export class LocalRedis {
  private child?: ChildProcess;
  port = 0;
  private readonly bin: string;
  private readonly dataDir: string;

  constructor(opts: LocalRedisOptions) {
    this.bin = opts.bin ?? 'redis-server';
    this.dataDir = resolve(opts.dataDir);
    this.port = opts.port ?? 0;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  static available(bin = 'redis-server'): boolean {
    const r = spawnSync(bin, ['--version'], { stdio: 'ignore' });
    return !r.error && r.status === 0;
  }

  async start(): Promise<string> {
    if (!LocalRedis.available(this.bin)) throw new RedisServerMissingError(this.bin);
    mkdirSync(this.dataDir, { recursive: true });
    await this.killStale();
    if (!this.port) this.port = await freePort();
    const args = [
      '--bind',
      '127.0.0.1',
      '--port',
      String(this.port),
      '--dir',
      this.dataDir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
      '--pidfile',
      join(this.dataDir, 'redis.pid'),
      '--logfile',
      join(this.dataDir, 'redis.log'),
    ];
    const child = spawn(this.bin, args, { stdio: 'ignore' });
    this.child = child;
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    // A server with many pending jobs (each timer is one) replays its AOF before it answers PONG; it
    // says -LOADING meanwhile, which is worth waiting for: killing it would lose no data but would stop
    // the service from ever starting on a busy machine.
    const started = Date.now();
    let deadline = started + ANSWER_MS;
    while (Date.now() < deadline) {
      if (exited) throw new Error(`redis-server exited at start-up; see ${join(this.dataDir, 'redis.log')}`);
      const answer = await ping(this.port);
      if (answer === 'ok') {
        writeFileSync(join(this.dataDir, 'owner.pid'), `${child.pid}\n`);
        return this.url;
      }
      if (answer === 'loading') deadline = started + LOADING_MS;
      await new Promise((r) => setTimeout(r, 50));
    }
    this.child.kill('SIGKILL');
    throw new Error(
      `redis-server did not answer on 127.0.0.1:${this.port} within ${Math.round((Date.now() - started) / 1000)} s`,
    );
  }

  /**
   * A previous run killed with SIGKILL leaves its redis-server behind, holding the AOF. Stop it
   * before starting a new one on the same data directory.
   */
  private async killStale(): Promise<void> {
    const pidFile = join(this.dataDir, 'owner.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    rmSync(pidFile, { force: true });
    if (!pid) return;
    let cmd: string;
    let cwd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      return; // not running any more (or no /proc): nothing to stop
    }
    // redis-server rewrites its process title (no --dir in it) but chdirs into --dir: a process
    // that is redis-server and works in our data directory is our stale server, nothing else.
    if (!cmd.startsWith('redis-server') || cwd !== this.dataDir) return;
    // SIGTERM, not SIGKILL: let it flush the AOF, which holds the timers of the previous run.
    process.kill(pid, 'SIGTERM');
    const until = Date.now() + 10_000;
    while (existsSync(`/proc/${pid}`) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  }

  /** Stops the server (SIGTERM lets it flush the AOF) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    await new Promise<void>((ok) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        ok();
      });
      child.kill('SIGTERM');
    });
    rmSync(join(this.dataDir, 'owner.pid'), { force: true });
  }
}
