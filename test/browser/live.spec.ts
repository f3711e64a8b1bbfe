import type { BrowserContext } from '@playwright/test';
import type { ContractRecorder } from './support/contract';
import { expect, liveStatus, newOperatorSignedIn, test, type AdminApi } from './support/fixtures';

/**
 * Live updates: the open home page refreshes by itself when a colleague changes something (the console
 * keeps one EventSource on /api/v1/stream and invalidates the queries of the kind that changed).
 */
/** A new operator with two commanders: one signed in to the browser (watching), the other's API token. */
async function watcherAndColleague(
  admin: AdminApi,
  context: BrowserContext,
  contract: ContractRecorder,
  names: [string, string],
): Promise<string> {
  const { org } = await newOperatorSignedIn(admin, context, contract, 'commander', names[0]);
  const colleague = await admin.createUser(org.id, 'commander', names[1]);
  return admin.tokenFor(colleague);
}

/** The home page's incident lists: one per open state (OPEN_STATES in web/src/pages/home/HomePage.tsx). */
const HOME_LISTS = 4;

test.describe('live updates', () => {
  test("a colleague's declaration and confirmation reach the open home page without a reload", async ({
    page,
    context,
    admin,
    contract,
  }) => {
    const token = await watcherAndColleague(admin, context, contract, ['孙丽', '郑浩']);

    await page.goto('/');
    await expect(page.getByTestId('open-incidents')).toContainText('当前没有未结事件');
    await expect.poll(async () => (await liveStatus(page)).connected).toBe(true);
    const navigations: string[] = [];
    page.on('framenavigated', (f) => f === page.mainFrame() && navigations.push(f.url()));

    const detectedAt = new Date(Date.now() - 5 * 60_000).toISOString();
    const incident = await admin.declareIncident(token, {
      title: '同事声明的勒索软件事件',
      category: 'ransomware',
      grade: 'II',
      detectedAt,
    });
    await expect(page.getByTestId('open-incidents')).toContainText(incident.reference);

    await admin.confirmIncident(token, incident.id, 'II');
    await expect(page.getByTestId('deadlines')).toContainText(incident.reference);
    await expect(page.getByTestId('incident-matrix').locator('tbody tr', { hasText: '处置' })).toContainText('1');
    expect(navigations).toEqual([]);
  });

  test('a change committed before the stream opened is shown once it opens (the stream does not replay)', async ({
    page,
    context,
    admin,
    contract,
  }) => {
    const token = await watcherAndColleague(admin, context, contract, ['周敏', '吴刚']);

    // The stream's request is held until the colleague has declared: the home page has its first answers,
    // and the change is published while nothing of this page listens.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/v1/stream', async (route) => {
      await held;
      await route.continue();
    });
    await page.goto('/');
    await expect(page.getByTestId('open-incidents')).toContainText('当前没有未结事件');
    const incident = await admin.declareIncident(token, {
      title: '流打开之前声明的事件',
      category: 'ransomware',
      grade: 'II',
      detectedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    });
    expect((await liveStatus(page)).connected).toBe(false);

    release();
    await expect.poll(async () => (await liveStatus(page)).connected).toBe(true);
    await expect(page.getByTestId('open-incidents')).toContainText(incident.reference);
  });

  test("a change heard while the page's first answers are on their way is fetched again after them", async ({
    page,
    context,
    admin,
    contract,
  }) => {
    const token = await watcherAndColleague(admin, context, contract, ['钱进', '冯静']);

    // The home page's incident lists are read by the server at once, but their answers reach the page only
    // after the colleague's declaration has committed and its change has been heard: they are true answers
    // that do not have the incident. A slow machine does the same when the change comes during the first load.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let released = false;
    let read = 0;
    await page.route(
      (url) => url.pathname === '/api/v1/incidents',
      async (route) => {
        if (released) return route.continue();
        const response = await route.fetch();
        read++;
        await held;
        await route.fulfill({ response });
      },
    );
    await page.goto('/');
    await expect.poll(() => read).toBe(HOME_LISTS);
    await expect.poll(async () => (await liveStatus(page)).connected).toBe(true);

    const incident = await admin.declareIncident(token, {
      title: '首次加载途中声明的事件',
      category: 'ransomware',
      grade: 'II',
      detectedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    });
    await expect.poll(async () => (await liveStatus(page)).received).toBeGreaterThan(0);
    released = true;
    release();
    await expect(page.getByTestId('open-incidents')).toContainText(incident.reference);
  });
});
