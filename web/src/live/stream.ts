import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { queryKeys } from '../api/query-keys';

/** One message of GET /api/v1/stream (`event: change`): ids and kinds only; pages refetch through the API. */
export interface ChangeMessage {
  kind: 'incident' | 'deadline' | 'report' | 'delivery' | 'warning' | 'inbox';
  id: string;
  incidentId?: string;
  action: string;
  at: string;
}

export const STREAM_URL = '/api/v1/stream';

/**
 * What a change makes stale. Query keys start with the kind (api/query-keys.ts), so invalidating
 * ['incident'] refreshes every incident list and page; a change to something that belongs to an incident
 * also refreshes that incident's page (its deadlines, reports and timeline are part of it).
 */
export function invalidateFor(qc: QueryClient, msg: ChangeMessage): void {
  const keys: (readonly unknown[])[] = [];
  switch (msg.kind) {
    case 'incident':
      keys.push(['incident'], ['deadline'], ['report']);
      break;
    case 'deadline':
      keys.push(['deadline']);
      break;
    case 'report':
    case 'delivery':
      keys.push(['report'], ['delivery'], ['inbox']);
      break;
    case 'warning':
      keys.push(['warning']);
      break;
    case 'inbox':
      keys.push(['inbox'], ['report']);
      break;
  }
  if (msg.incidentId) keys.push(queryKeys.incident(msg.incidentId));
  // The figures count incidents, deadlines, reports and warnings alike.
  keys.push(queryKeys.metrics());
  for (const queryKey of keys) void qc.invalidateQueries({ queryKey });
}

function parse(data: unknown): ChangeMessage | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const msg = JSON.parse(data) as Partial<ChangeMessage>;
    return typeof msg.kind === 'string' && typeof msg.id === 'string' ? (msg as ChangeMessage) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a stream is open in this tab, for tests and the benchmark (window.__lianfangLive). */
declare global {
  interface Window {
    __lianfangLive?: { connected: boolean; received: number };
  }
}

/**
 * One EventSource per tab while signed in (AppLayout). EventSource reconnects by itself after a dropped
 * connection (the server says `retry: 3000`); it gives up when the server refuses (401/403), and then this
 * asks the session again (the gate shows the sign-in page if it is gone) and tries anew with back-off. Each
 * time a stream is ready, the first time included, every query is refreshed: the stream does not replay, so
 * a change committed before it listened (while disconnected, or between the page's first answers and the
 * stream's opening: the session and an incident are asked for before React even renders) was not heard.
 * Ready is the server's `ready` event, not EventSource's `open`: the answer's headers (`open`) come before
 * the server listens, and a change committed between the two was neither sent nor in the refreshed answers.
 */
export function useLiveUpdates(): void {
  const qc = useQueryClient();
  useEffect(() => {
    let source: EventSource | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;
    const status: { connected: boolean; received: number } = { connected: false, received: 0 };
    window.__lianfangLive = status;

    const connect = () => {
      source = new EventSource(STREAM_URL);
      source.addEventListener('ready', () => {
        status.connected = true;
        failures = 0;
        // Not cancelling what is being fetched: on a page that has just loaded, its first answers are on their
        // way (asked before the stream opened, read by the server about when it subscribed), and restarting them
        // would only delay the page.
        void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'session' }, { cancelRefetch: false });
      });
      source.addEventListener('change', (ev) => {
        const msg = parse((ev as MessageEvent).data);
        if (!msg) return;
        status.received++;
        invalidateFor(qc, msg);
      });
      source.onerror = () => {
        status.connected = false;
        if (source?.readyState !== EventSource.CLOSED || stopped) return;
        // Refused, not dropped: maybe the session ended.
        void qc.invalidateQueries({ queryKey: queryKeys.session });
        failures++;
        retryTimer = setTimeout(connect, Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)));
      };
    };
    connect();
    return () => {
      stopped = true;
      status.connected = false;
      if (retryTimer) clearTimeout(retryTimer);
      source?.close();
    };
  }, [qc]);
}
