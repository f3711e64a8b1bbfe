import { expect, liveStatus, signInThroughApi, test } from './support/fixtures';

/**
 * Live updates: the open home page refreshes by itself when a colleague changes something (the console
 * keeps one EventSource on /api/v1/stream and invalidates the queries of the kind that changed).
 */
test.describe('live updates', () => {
  test("a colleague's declaration and confirmation reach the open home page without a reload", async ({
    page,
    context,
    admin,
    contract,
  }) => {
    const org = await admin.createOperator();
    const watcher = await admin.createUser(org.id, 'commander', '孙丽');
    const colleague = await admin.createUser(org.id, 'commander', '郑浩');
    await signInThroughApi(context, watcher, contract);
    const token = await admin.tokenFor(colleague);

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
    const org = await admin.createOperator();
    const watcher = await admin.createUser(org.id, 'commander', '周敏');
    const colleague = await admin.createUser(org.id, 'commander', '吴刚');
    await signInThroughApi(context, watcher, contract);
    const token = await admin.tokenFor(colleague);

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
});
