import { useSyncExternalStore } from 'react';

/**
 * The browser's clock may be minutes off; countdowns run on the server's. Every answer that carries the
 * server's time (the session's `serverTime`, the deadline dashboard's `now`) corrects the offset.
 */
let offsetMs = 0;

/** `serverTime` as the server stated it, `receivedAt` the local time its answer arrived. */
export function noteServerTime(serverTime: string, receivedAt = Date.now()): void {
  const server = Date.parse(serverTime);
  if (Number.isFinite(server)) offsetMs = server - receivedAt;
}

export function serverNow(): number {
  return Date.now() + offsetMs;
}

// One timer for every countdown on the page: they tick together and cost one interval.
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
let tick = serverNow();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    tick = serverNow();
    timer = setInterval(() => {
      tick = serverNow();
      listeners.forEach((l) => l());
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/** The server's time now, in ms, re-rendering every second. */
export function useServerNow(): number {
  return useSyncExternalStore(subscribe, () => tick);
}
