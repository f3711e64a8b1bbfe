/**
 * `npm run bench:console`: the console's figures, measured with Playwright (library API) driving the
 * system Chromium against the real app (built server and console, temp SQLite, embedded Redis, loopback):
 *  - JavaScript transferred for the sign-in page, bytes on the wire (gzip), a new browser profile (target
 *    ≤ 300 KB);
 *  - time from navigation to the incident page being interactive (target ≤ 1.0 s): page.goto to the page's
 *    `data-page-ready="incident"` marker, which the incident page sets once its header and actions are
 *    rendered (web/src/pages/incident/); first visit of a signed-in tab (its code not cached; the service
 *    has served the page before) and then warm (median of BENCH_ROUNDS visits), and reached by a click in
 *    the home page's list (no page load, the usual way there); the home page loaded warm;
 *  - time for a live update to reach another open page (target ≤ 1 s): a colleague declares an incident
 *    through the API; from sending that request to the open home page listing it (median and worst of
 *    BENCH_ROUNDS).
 * Figures, not a test: it prints them with "met"/"NOT MET" and exits 0 unless something broke. Needs
 * `npm run build` first. Only loopback addresses; every loop is bounded.
 */
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { AdminApi, type TestUser } from '../browser/support/api';
import { APP_ENV, startApp } from '../browser/support/app';
import { chromiumLaunchOptions } from '../browser/support/chromium';
import { ContractRecorder } from '../browser/support/contract';
import { signInThroughApi } from '../browser/support/sign-in';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const KB = 1024;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');

async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({ baseURL, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
}

/** Bytes of JavaScript received (encoded body: what travelled) while `page` loads `path`, and how many files. */
async function scriptBytes(page: Page, path: string, ready: () => Promise<void>) {
  const scripts: Array<Promise<{ url: string; bytes: number; encoding: string }>> = [];
  page.on('requestfinished', (req) => {
    if (req.resourceType() !== 'script') return;
    scripts.push(
      Promise.all([req.sizes(), req.response()]).then(([sizes, res]) => ({
        url: req.url(),
        bytes: sizes.responseBodySize,
        encoding: res?.headers()['content-encoding'] ?? 'identity',
      })),
    );
  });
  await page.goto(path);
  await ready();
  // Late chunks (prefetches) count too: give the network a moment to go quiet.
  await page.waitForLoadState('networkidle');
  const all = await Promise.all(scripts);
  return {
    bytes: all.reduce((n, s) => n + s.bytes, 0),
    files: all.length,
    encodings: [...new Set(all.map((s) => s.encoding))].join(', '),
  };
}

/** The little of the DOM the readiness checks read (this file compiles without the DOM library). */
type Doc = { querySelector(s: string): unknown; querySelectorAll(s: string): { length: number } };
type Ready = () => boolean;
/** The incident page says data-page-ready="incident" once it can be used. */
const INCIDENT_READY: Ready = () =>
  (globalThis as unknown as { document: Doc }).document.querySelector('[data-page-ready="incident"]') !== null;
/** The home page's two cards each say data-loaded once their data is in. */
const HOME_READY: Ready = () =>
  (globalThis as unknown as { document: Doc }).document.querySelectorAll('[data-page="home"] [data-loaded]').length ===
  2;

async function timeToReady(page: Page, path: string, ready: Ready): Promise<number> {
  const start = Date.now();
  await page.goto(path, { waitUntil: 'commit' });
  await page.waitForFunction(ready, undefined, { timeout: 30_000 });
  return Date.now() - start;
}

async function main(): Promise<void> {
  console.log('bench:console — starting the service (dist/src/main.js, web/dist)…');
  const app = await startApp();
  process.env[APP_ENV] = JSON.stringify({ baseURL: app.baseURL, adminToken: app.adminToken, varDir: app.varDir });
  const browser = await chromium.launch(chromiumLaunchOptions());
  const recorder = new ContractRecorder();
  try {
    const admin = new AdminApi(recorder);
    const org = await admin.createOperator();
    const watcher: TestUser = await admin.createUser(org.id, 'commander', '基准观察者');
    const colleague: TestUser = await admin.createUser(org.id, 'commander', '基准同事');
    const token = await admin.tokenFor(colleague);
    const incident = await admin.declareIncident(token, {
      title: '基准测试事件',
      category: 'ransomware',
      grade: 'II',
      detectedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
    });
    await admin.confirmIncident(token, incident.id, 'II');

    // 1. The sign-in page's JavaScript, as a first-time visitor receives it.
    const fresh = await newContext(browser, app.baseURL);
    const signInPage = await fresh.newPage();
    const js = await scriptBytes(signInPage, '/', () =>
      signInPage.getByRole('button', { name: '登录', exact: true }).waitFor(),
    );
    await fresh.close();

    // 2. The incident page (and home), signed in: the first visit loads its code, later ones have it cached.
    // A colleague's browser opens the page once before: a running service has served it before, so the
    // figure is a person's first visit (their browser's cache empty), not the service's first request
    // after start-up (which compiles the server's code paths once). A context shares no cache with another.
    const warmUp = await newContext(browser, app.baseURL);
    await signInThroughApi(warmUp, colleague, recorder);
    await timeToReady(await warmUp.newPage(), `/incidents/${incident.id}`, INCIDENT_READY);
    await warmUp.close();
    const ctx = await newContext(browser, app.baseURL);
    await signInThroughApi(ctx, watcher, recorder);
    const page = await ctx.newPage();
    const incidentPath = `/incidents/${incident.id}`;
    const incidentFirst = await timeToReady(page, incidentPath, INCIDENT_READY);
    const incidentWarm: number[] = [];
    for (let i = 0; i < ROUNDS; i++) incidentWarm.push(await timeToReady(page, incidentPath, INCIDENT_READY));
    const homeWarm: number[] = [];
    for (let i = 0; i < ROUNDS; i++) homeWarm.push(await timeToReady(page, '/', HOME_READY));
    // How people usually get there: a click on the incident in the home page's list (no page load).
    const incidentInApp: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await timeToReady(page, '/', HOME_READY);
      const start = Date.now();
      await page.getByTestId('open-incidents').getByText(incident.reference).click();
      await page.waitForFunction(INCIDENT_READY, undefined, { timeout: 30_000 });
      incidentInApp.push(Date.now() - start);
    }

    // 3. A colleague's change reaching the open home page through the event stream.
    await page.goto('/');
    await page.waitForFunction(HOME_READY);
    await page.waitForFunction(
      () => (globalThis as { __lianfangLive?: { connected: boolean } }).__lianfangLive?.connected,
    );
    const live: number[] = [];
    const liveAfterAnswer: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const start = Date.now();
      const declared = await admin.declareIncident(token, {
        title: `基准实时更新 ${i}`,
        category: 'phishing',
        grade: 'IV',
        detectedAt: new Date().toISOString(),
      });
      const answered = Date.now();
      await page.getByTestId('open-incidents').getByText(declared.reference).waitFor({ timeout: 30_000 });
      live.push(Date.now() - start);
      liveAfterAnswer.push(Date.now() - answered);
    }

    const violations = await recorder.settle();
    const ms = (n: number) => `${n} ms`;
    console.log('');
    console.log('figure                                                   value            target     verdict');
    console.log(
      `sign-in page JavaScript transferred (${js.files} files, ${js.encodings})`.padEnd(57),
      `${(js.bytes / KB).toFixed(1)} KB`.padEnd(16),
      '≤ 300 KB'.padEnd(10),
      verdict(js.bytes <= 300 * KB),
    );
    console.log(
      'incident page interactive, first visit (empty browser cache)'.padEnd(57),
      ms(incidentFirst).padEnd(16),
      '≤ 1000 ms'.padEnd(10),
      verdict(incidentFirst <= 1000),
    );
    console.log(
      `incident page interactive, warm (median of ${ROUNDS})`.padEnd(57),
      `${ms(median(incidentWarm))} (max ${Math.max(...incidentWarm)})`.padEnd(16),
      '≤ 1000 ms'.padEnd(10),
      verdict(median(incidentWarm) <= 1000),
    );
    console.log(
      `incident page interactive, from the home page (median of ${ROUNDS})`.padEnd(57),
      `${ms(median(incidentInApp))} (max ${Math.max(...incidentInApp)})`.padEnd(16),
      '≤ 1000 ms'.padEnd(10),
      verdict(median(incidentInApp) <= 1000),
    );
    console.log(
      `home page loaded, warm (median of ${ROUNDS})`.padEnd(57),
      `${ms(median(homeWarm))} (max ${Math.max(...homeWarm)})`.padEnd(16),
      '—',
    );
    console.log(
      `live update to another open page (median of ${ROUNDS})`.padEnd(57),
      `${ms(median(live))} (max ${Math.max(...live)})`.padEnd(16),
      '≤ 1000 ms'.padEnd(10),
      verdict(Math.max(...live) <= 1000),
    );
    console.log('  of which after the change was answered (median)'.padEnd(57), ms(median(liveAfterAnswer)));
    if (violations.length) console.log(`\ncontract violations seen:\n${violations.join('\n')}`);
  } finally {
    await browser.close();
    await app.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
