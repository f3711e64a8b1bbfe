import { WorkerHost } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';

/**
 * Base for every queue processor. A BullMQ worker without an 'error' listener prints each failed
 * reconnect to the console while Redis is down; this logs one warning a minute instead, through
 * the structured logger. (The worker reconnects by itself; nothing else is needed.)
 */
export abstract class LoggedWorkerHost extends WorkerHost implements OnApplicationBootstrap {
  protected abstract readonly logger: Logger;
  private lastWarning = 0;

  onApplicationBootstrap(): void {
    this.worker.on('error', (err: Error) => {
      if (Date.now() - this.lastWarning < 60_000) return;
      this.lastWarning = Date.now();
      this.logger.warn(
        { queue: this.worker.name, err: err.message },
        'queue worker: Redis connection error (reconnecting)',
      );
    });
  }
}
