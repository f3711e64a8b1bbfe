import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './support/chromium';

/**
 * Browser tests of the console (npm run test:browser, the last part of npm test). One real service for
 * the whole run (support/global-setup.ts: the built server and console, a temp SQLite file, its own
 * redis-server), driven by the machine's Chromium; each spec makes its own organisations and users
 * through the API, so specs do not see each other's data. Two workers, each taking whole spec files: much
 * of a spec's time is waiting (a one-minute feedback window running out, live updates arriving), which
 * the other worker fills. Specs that read sector-wide figures each have a sector of their own (see
 * metrics.spec.ts, desk.spec.ts) so that running beside another spec changes nothing they count.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-output/playwright',
  globalSetup: './support/global-setup.ts',
  workers: 2,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  // Generous: a two-core machine shared with the service, Redis and Chromium is slow at times.
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions(),
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1366, height: 900 },
    // As a user who asked for less motion: antd's panels and drop-downs then open at once (app/reduced-motion.ts),
    // so no click lands on a control that an opening panel is still moving. One test checks the motion itself.
    reducedMotion: 'reduce',
    // Off unless asked for (PW_TRACE=1): snapshotting antd's CSS-in-JS on each change slows pages to a crawl here.
    trace: process.env.PW_TRACE ? 'retain-on-failure' : 'off',
    screenshot: 'only-on-failure',
  },
});
