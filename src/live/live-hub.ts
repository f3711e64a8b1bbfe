import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import IORedis from 'ioredis';
import type { Logger } from 'pino';
import { redisOptionsFromUrl } from '../common';
import { REDIS_URL } from '../config';
import { LOGGER } from '../logging';
import { liveChannel, type LiveChange } from './live-change';

export interface LiveListener {
  /** A change of the organisation listened to. */
  change(change: LiveChange): void;
  /** The subscriber connection dropped: changes may have been missed, so the stream must end. */
  lost(): void;
}

interface Channel {
  listeners: Set<LiveListener>;
  /** Resolves once Redis has confirmed the subscription. */
  subscribed: Promise<void>;
  /** Set when it has: only then can a dropped connection have lost this channel's messages. */
  confirmed: boolean;
}

export interface Listening {
  /** Resolves once every change committed from now on will reach the listener. */
  subscribed: Promise<void>;
  close(): void;
}

/**
 * The one subscriber connection of an API process, shared by all its open streams: a channel is
 * subscribed while at least one stream of that organisation is open here, and unsubscribed when
 * the last one closes, so a process receives only the changes of organisations it has streams for.
 *
 * When the connection drops, messages published meanwhile are lost for good (Redis pub/sub keeps
 * nothing), so every stream is ended: an EventSource reconnects after its `retry` delay, and the
 * console refetches what it shows when a stream (re)opens. ioredis subscribes the channels of the
 * streams opened meanwhile again when it reconnects.
 */
@Injectable()
export class LiveHub implements BeforeApplicationShutdown, OnApplicationShutdown {
  private subscriber?: IORedis;
  private readonly channels = new Map<string, Channel>();

  constructor(
    @Inject(REDIS_URL) private readonly url: string,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Listens to one organisation's changes until `close()`. */
  listen(orgId: string, listener: LiveListener): Listening {
    const subscriber = this.connection();
    let channel = this.channels.get(orgId);
    if (!channel) {
      const name = liveChannel(orgId);
      const created: Channel = { listeners: new Set(), subscribed: Promise.resolve(), confirmed: false };
      // Waits in ioredis' offline queue while Redis is unreachable, and is sent once it is back.
      created.subscribed = subscriber.subscribe(name).then(
        () => {
          created.confirmed = true;
        },
        (err: unknown) => {
          this.logger.warn({ err, channel: name }, 'live updates: subscribing failed');
          throw err;
        },
      );
      // The stream that waits on it handles the failure; this keeps it from being unhandled meanwhile.
      created.subscribed.catch(() => undefined);
      channel = created;
      this.channels.set(orgId, channel);
    }
    const mine = channel;
    mine.listeners.add(listener);
    return {
      subscribed: mine.subscribed,
      close: () => {
        if (!mine.listeners.delete(listener) || mine.listeners.size > 0) return;
        if (this.channels.get(orgId) !== mine) return;
        this.channels.delete(orgId);
        subscriber.unsubscribe(liveChannel(orgId)).catch(() => undefined);
      },
    };
  }

  /** Open streams listening in this process (all organisations, or one). */
  listenerCount(orgId?: string): number {
    if (orgId !== undefined) return this.channels.get(orgId)?.listeners.size ?? 0;
    let n = 0;
    for (const c of this.channels.values()) n += c.listeners.size;
    return n;
  }

  /** Before Nest closes the HTTP server, which would otherwise wait for the open streams to end. */
  beforeApplicationShutdown(): void {
    this.endAll(true);
  }

  onApplicationShutdown(): void {
    this.endAll(true);
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }

  private connection(): IORedis {
    if (this.subscriber) return this.subscriber;
    const subscriber = new IORedis({ ...redisOptionsFromUrl(this.url), retryStrategy: () => 500 });
    // Outages are reported by /ready; a lost connection ends the streams (below).
    subscriber.on('error', () => undefined);
    subscriber.on('close', () => this.endAll());
    subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
    this.subscriber = subscriber;
    return subscriber;
  }

  private deliver(channel: string, message: string): void {
    const orgId = channel.slice(liveChannel('').length);
    const listeners = this.channels.get(orgId)?.listeners;
    if (!listeners?.size) return;
    let change: LiveChange;
    try {
      change = JSON.parse(message) as LiveChange;
    } catch {
      return;
    }
    for (const l of listeners) l.change(change);
  }

  /**
   * Ends the streams that were receiving (each stream's close() then unsubscribes its channel);
   * those still waiting for their subscription keep waiting, as it is sent when Redis is back.
   */
  private endAll(all = false): void {
    for (const c of [...this.channels.values()]) {
      if (all || c.confirmed) for (const l of [...c.listeners]) l.lost();
    }
  }
}
