import { getQueueToken, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { LOGGER } from '../logging';
import { RedisHealth } from '../redis';
import { QUEUE_NAMES } from './queue-names';

/** BullMQ 6 keeps the forced close on its (internal) backend; Queue.close() takes no force flag. */
interface ForceClosable {
  backend?: { close(force: boolean): Promise<void> };
}

const bounded = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, ms))]);

/**
 * BullMQ closes its connections with QUIT, which ioredis holds until Redis answers: with Redis down
 * a graceful shutdown would wait forever. When Redis does not answer at shutdown, close workers and
 * queues forcibly first (the later graceful close then finds them closed). Nothing is lost: unsent
 * work is still in the outbox, and delayed jobs live in Redis itself.
 */
@Injectable()
export class RedisDownShutdown implements BeforeApplicationShutdown {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly discovery: DiscoveryService,
    private readonly redis: RedisHealth,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    if (await this.redis.ping(1000)) return;
    this.logger.warn('Redis unreachable at shutdown: closing queue connections without waiting for it');
    const workers = this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .flatMap((host) => {
        try {
          return [host.worker];
        } catch {
          return []; // a processor whose worker never started (workers off in this process)
        }
      });
    const closing: Array<Promise<unknown>> = workers.map((w) => bounded(w.close(true), 2000));
    for (const name of QUEUE_NAMES) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }) as Queue & ForceClosable;
      if (queue.backend) closing.push(bounded(queue.backend.close(true), 2000));
    }
    await Promise.all(closing);
  }
}
