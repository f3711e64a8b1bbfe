import type { LaunchOptions } from '@playwright/test';

/**
 * The machine's Chromium (Debian's `chromium`, installed by .ci/run), not a Playwright download (its
 * download host is not reachable here). CHROMIUM_PATH points at another binary.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumLaunchOptions(): LaunchOptions {
  return { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS };
}
