import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startService } from '../../src/bootstrap';

/**
 * The service as production runs it (startService, listening on loopback), in a process of its
 * own that measures its own event-loop delay, for tests that must show a request does not stall
 * the server: a delay measured in the Jest process would also count the test's own work and
 * garbage. Driven over IPC: `start` clears and starts the measurement, `stop` ends it and answers
 * `{ maxMs, maxBusyMs }`, `exit` shuts the service down. Configuration comes from the environment.
 *
 * maxMs is perf_hooks' event-loop delay: wall-clock time between a timer's due time and its run.
 * On a machine with more runnable processes than cores (this one often has four times as many),
 * that also counts time the operating system did not run the process at all. maxBusyMs counts, for
 * each 5 ms tick, only the part of the delay during which the event loop's own thread used the CPU
 * (process.threadCpuUsage: the main thread alone, so garbage collection or file I/O on V8's and
 * libuv's helper threads, which run beside the loop and do not hold it, is not counted; with the
 * whole process's CPU time it erred high by their share, enough to fail on CI with another suite
 * beside it): a loop blocked by its own work scores its full delay, one merely waiting for a core does not.
 * Run with --expose-gc, so `start` can collect start-up's garbage before the window opens; without it the
 * process refuses to start rather than measure that garbage too.
 */
const collectGarbage = global.gc;
if (!collectGarbage) throw new Error('delay-probe-server needs node --expose-gc');
const TICK_MS = 5;
const delay = monitorEventLoopDelay({ resolution: TICK_MS });
let sampler: NodeJS.Timeout | undefined;
let maxBusyMs = 0;
const send = (message: unknown) => process.send?.(message);

function startSampling(): void {
  let lastWall = performance.now();
  let lastCpu = process.threadCpuUsage();
  maxBusyMs = 0;
  sampler = setInterval(() => {
    const wall = performance.now();
    const cpu = process.threadCpuUsage();
    const lateMs = wall - lastWall - TICK_MS;
    const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    maxBusyMs = Math.max(maxBusyMs, Math.min(lateMs, cpuMs));
    lastWall = wall;
    lastCpu = cpu;
  }, TICK_MS);
}

startService({ api: true, workers: false, listen: true, processName: 'probe' }).then(
  (svc) => {
    process.on('message', (m) => {
      if (m === 'start') {
        // A full collection first: start-up under ts-node leaves some 300 MB of compiler garbage, and
        // V8's incremental marking of it, in steps on this thread, otherwise falls inside the window and
        // is counted as the requests' work (--trace-gc showed it there: 86 ms in one tick here with a
        // neighbouring suite running, 46 ms at most with this collection; CI had failed at 158 ms).
        // What the window then holds is the requests and the garbage they make.
        collectGarbage();
        delay.reset();
        delay.enable();
        startSampling();
        send({ started: true });
      } else if (m === 'stop') {
        delay.disable();
        clearInterval(sampler);
        send({ maxMs: delay.max / 1e6, maxBusyMs });
      } else if (m === 'exit') {
        void svc.close().then(() => process.exit(0));
      }
    });
    send({ ready: svc.url });
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
