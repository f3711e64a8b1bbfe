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
});
