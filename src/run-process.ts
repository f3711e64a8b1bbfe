import { TimerHandlersError } from './clocks';
import { ConfigError } from './config/app-config';
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
  const shutdown = (signal: string) => {
    if (!handle) process.exit(0);
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
  startService(opts).then(
    (h) => {
      handle = h;
    },
    (err: unknown) => {
      if (
        err instanceof ConfigError ||
        err instanceof RedisServerMissingError ||
        err instanceof CatalogueError ||
        err instanceof TimerHandlersError
      ) {
        process.stderr.write(`${err.message}\n`);
      } else {
        process.stderr.write(`Start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      }
      process.exit(1);
    },
  );
}
