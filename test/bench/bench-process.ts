// One service process of the multi-process benchmarks (test/bench/postgres-contention.ts, soak.ts): the real app,
// API and/or workers as BENCH_API / BENCH_WORKERS say, configured by the environment like production.
import { startService } from '../../src/bootstrap';

const api = process.env.BENCH_API !== '0';
const workers = process.env.BENCH_WORKERS !== '0';

startService({ api, workers, processName: api ? 'bench-api' : 'bench-worker' }).then(
  (h) => {
    process.stdout.write(`${JSON.stringify({ ready: h.url ?? 'worker' })}\n`);
    const stop = () => h.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
  (err) => {
    process.stderr.write(`bench process failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
