// The service under benchmark: the real app (startService, API + workers) plus the floor module.
import { startService } from '../../src/bootstrap';
import { BenchFloorModule } from './floor.module';

startService({ api: true, workers: true, processName: 'bench', extraImports: [{ module: BenchFloorModule }] }).then(
  (h) => {
    process.stdout.write(`${JSON.stringify({ ready: h.url, redisUrl: h.redisUrl })}\n`);
    const stop = () => h.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
  (err) => {
    process.stderr.write(`bench server failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
