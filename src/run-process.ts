import { TimerHandlersError } from './clocks';
import { ConfigError } from './config/app-config';
import { KeyMismatchError } from './database/startup';
import { RedisServerMissingError } from './redis/local-redis';
import { CatalogueError } from './requirements/catalogue';
import { ServiceHandle, ServiceOptions, startService } from './bootstrap';

/**
 * Runs an entrypoint as a process: start, then shut down gracefully on SIGTERM/SIGINT. Start-up
 * failures the operator can fix (bad configuration, missing redis-server, a broken requirements file) and
 * miswired timer handlers print one line and exit 1.
 */
export function runProcess(opts: ServiceOptions): void {
  let handle: ServiceHandle | undefined;
  /** Aborted by a signal that arrives while the service is still starting. */
  const starting = new AbortController();
  const shutdown = (signal: string) => {
    if (!handle) {
      // Still starting: give up the start-up (it stops the embedded redis-server at once and closes what
      // it opened), then exit; bounded, in case a step of the start-up hangs.
      starting.abort();
      setTimeout(() => process.exit(1), 15_000).unref();
      return;
    }
    handle.logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    handle.close().then(
      () => process.exit(0),
      (err) => {
        handle?.logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  startService({ ...opts, signal: starting.signal }).then(
    (h) => {
      handle = h;
      // The signal came during the last step of the start-up: shut down the service it started.
      if (starting.signal.aborted) shutdown('SIGTERM');
    },
    (err: unknown) => {
      if (starting.signal.aborted) process.exit(0);
      if (
        err instanceof ConfigError ||
        err instanceof RedisServerMissingError ||
        err instanceof CatalogueError ||
        err instanceof TimerHandlersError ||
        err instanceof KeyMismatchError
      ) {
        process.stderr.write(`${err.message}\n`);
      } else {
        process.stderr.write(`Start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      }
      process.exit(1);
    },
  );
}
