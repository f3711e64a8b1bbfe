/**
 * The benchmarks run the service compiled, as `npm start` runs it: under ts-node, code runs slower than
 * the compiled output and every start compiles the sources again, so the figures would measure ts-node
 * too (bench:fanout's fan-out took 8.9 s under ts-node and 2.1–2.4 s compiled, its start-up 11.7 s and
 * 3.4 s). The sources and the benchmarks' own service entries (server.ts, bench-process.ts) are compiled
 * once per benchmark run into dist/ (test/bench/tsconfig.server.json). BENCH_SERVER=ts-node runs them
 * under ts-node instead.
 */
import { execSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const UNDER_TS_NODE = process.env.BENCH_SERVER === 'ts-node';
let compiled = false;

/** Node's arguments to run `entry` (a file of test/bench without its extension), compiling first if need be. */
export function serviceEntry(entry: string): string[] {
  if (UNDER_TS_NODE)
    return [join(ROOT, 'node_modules/ts-node/dist/bin.js'), '--transpile-only', join(__dirname, `${entry}.ts`)];
  if (!compiled) {
    const t0 = Date.now();
    execSync(
      `"${process.execPath}" node_modules/typescript/bin/tsc -p ${join('test', 'bench', 'tsconfig.server.json')}`,
      {
        cwd: ROOT,
        stdio: 'inherit',
      },
    );
    compiled = true;
    console.log(
      `compiled the service and the benchmark's entries into dist/ in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  return [join(ROOT, 'dist', 'test', 'bench', `${entry}.js`)];
}

/**
 * The environment of a benchmark's one-process service on SQLite in `dir` (its database file and VAR_DIR
 * there, the embedded redis-server, loopback), listening on `port` with `adminToken` as the bootstrap admin.
 */
export function sqliteServiceEnv(
  dir: string,
  port: number,
  adminToken: string,
  logLevel: 'warn' | 'error',
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`,
    VAR_DIR: join(dir, 'var'),
    BOOTSTRAP_ADMIN_TOKEN: adminToken,
    LOG_LEVEL: logLevel,
    REDIS_URL: '',
  };
}
