import { useQueryClient, type QueryClient, type QueryFilters } from '@tanstack/react-query';
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
 * Fetches again what `filters` selects, each query by a fetch that starts after the call: a change was
 * just heard, and an answer already on its way may have been read before it was committed. Such an
 * answer is let through (the page shows it at once) and its query is fetched once more when it lands;
 * idle queries are refetched at once. TanStack alone does not do this: invalidating a query whose first
 * fetch is under way joins that fetch (`cancelRefetch` cancels only fetches of queries that already have
 * data), so a change heard while a page was loading stayed unseen until the next one.
 */
class Refresher {
  /** Queries whose fetch under way may predate a change (by hash): fetched again once it lands. */
  private readonly again = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(private readonly qc: QueryClient) {
    this.unsubscribe = qc.getQueryCache().subscribe((event) => {
      const hash = event.query.queryHash;
      if (!this.again.has(hash)) return;
      if (event.type === 'removed') this.again.delete(hash);
      if (event.type !== 'updated' || event.query.state.fetchStatus !== 'idle') return;
      this.again.delete(hash);
      void qc.invalidateQueries({ queryKey: event.query.queryKey, exact: true });
    });
  }

  refresh(filters: QueryFilters): void {
    for (const q of this.qc.getQueryCache().findAll(filters)) {
      if (q.state.fetchStatus !== 'idle') this.again.add(q.queryHash);
    }
    void this.qc.invalidateQueries(filters, { cancelRefetch: false });
  }

  close(): void {
    this.unsubscribe();
    this.again.clear();
  }
}

/**
 * What a change makes stale. Query keys start with the kind (api/query-keys.ts), so refreshing
 * ['incident'] refreshes every incident list and page; a change to something that belongs to an incident
 * also refreshes that incident's page (its deadlines, reports and timeline are part of it).
 */
function staleFor(msg: ChangeMessage): (readonly unknown[])[] {
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
  return keys;
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
    const refresher = new Refresher(qc);
    const status: { connected: boolean; received: number } = { connected: false, received: 0 };
    window.__lianfangLive = status;

    const connect = () => {
      source = new EventSource(STREAM_URL);
      source.addEventListener('ready', () => {
        status.connected = true;
        failures = 0;
        // The page's first answers may be on their way (asked before the stream was ready): they are shown
        // when they land and fetched once more after, rather than cancelled, which would only delay the page.
        refresher.refresh({ predicate: (q) => q.queryKey[0] !== 'session' });
      });
      source.addEventListener('change', (ev) => {
        const msg = parse((ev as MessageEvent).data);
        if (!msg) return;
        status.received++;
        for (const queryKey of staleFor(msg)) refresher.refresh({ queryKey });
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
      refresher.close();
    };
  }, [qc]);
}
