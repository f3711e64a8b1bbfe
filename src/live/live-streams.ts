import { Injectable, type MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import { AppConfig } from '../config';
import type { LiveChange } from './live-change';
import { LiveHub } from './live-hub';

/** How long an EventSource waits before it reconnects (the stream's first line). */
export const RETRY_MS = 3000;

/**
 * One caller's stream: a `ready` event with `retry: 3000` once its organisation's channel is
 * subscribed (a client that has read it receives every change committed after), then one `change`
 * event per change of the organisation, and a `: ping` comment every LIVE_PING_MS so proxies and browsers do not take
 * the quiet connection for a dead one. Unsubscribing (the client went away, Nest ends the
 * response) removes the listener; a lost Redis connection completes the stream.
 */
@Injectable()
export class LiveStreams {
  constructor(
    private readonly hub: LiveHub,
    private readonly config: AppConfig,
  ) {}

  stream(orgId: string): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      // Changes that arrive before the subscription is confirmed wait, so `retry` comes first.
      let waiting: LiveChange[] | undefined = [];
      const send = (change: LiveChange) => subscriber.next({ type: 'change', data: change });
      const listening = this.hub.listen(orgId, {
        change: (change) => (waiting ? waiting.push(change) : send(change)),
        lost: () => subscriber.complete(),
      });
      listening.subscribed.then(
        () => {
          if (subscriber.closed) return;
          // An event, not only the retry field: a browser's EventSource fires `open` on the answer's headers,
          // which Nest sends before the channel is subscribed, and passes a page only dispatched events. The
          // console refetches on `ready`; on `open`, a change committed in between could be lost.
          subscriber.next({ type: 'ready', data: {}, retry: RETRY_MS });
          const held = waiting ?? [];
          waiting = undefined;
          for (const change of held) send(change);
        },
        (err: unknown) => subscriber.error(err),
      );
      const ping = setInterval(() => subscriber.next({ comment: 'ping' }), this.config.LIVE_PING_MS);
      return () => {
        clearInterval(ping);
        listening.close();
      };
    });
  }
}
