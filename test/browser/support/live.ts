import type { Page } from '@playwright/test';

interface LiveStatus {
  connected: boolean;
  received: number;
}

/** The console's live-stream status in `page` (web/src/live/stream.ts keeps it on window.__lianfangLive). */
export function liveStatus(page: Page): Promise<LiveStatus> {
  return page.evaluate(
    () => (globalThis as { __lianfangLive?: LiveStatus }).__lianfangLive ?? { connected: false, received: 0 },
  );
}
