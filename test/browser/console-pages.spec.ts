import { expect, expectNoSeriousA11yViolations, L, screenshot, signInThroughApi, test } from './support/fixtures';

/**
 * The sign-in, home and declare pages in both languages: axe finds no serious or critical violation, the
 * language switch in the header goes to English and back, and a screenshot of each page in each language
 * is left in test-output/console-screenshots/ for a reviewer.
 */
test.describe('console pages in both languages', () => {
  test('sign-in page: accessible, pictured in Chinese and English', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('button', { name: '登录', exact: true })).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'the sign-in page (zh-CN)');
    await screenshot(page, 'sign-in');
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'the sign-in page (en-US)');
    await screenshot(page, 'sign-in');
  });

  test('home and declare: accessible, switch to English and back, pictured in both languages', async ({
    page,
    context,
    admin,
    contract,
  }) => {
    const org = await admin.createOperator();
    const commander = await admin.createUser(org.id, 'commander', '周婷');
    await signInThroughApi(context, commander, contract);
    const token = await admin.tokenFor(commander);
    const detectedAt = new Date(Date.now() - 20 * 60_000).toISOString();
    const incident = await admin.declareIncident(token, {
      title: '勒索软件加密交易服务器',
      category: 'ransomware',
      grade: 'II',
      detectedAt,
    });
    await admin.confirmIncident(token, incident.id, 'II');

    await page.goto('/');
    await expect(page.getByTestId('deadlines').locator('tbody tr.ant-table-row')).toHaveCount(1);
    await expect(page.getByRole('menuitem', { name: '首页' })).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'home (zh-CN)');
    await screenshot(page, 'home');

    await page.getByRole('menuitem', { name: '声明事件' }).click();
    await expect(page.getByRole('heading', { name: '声明事件' })).toBeVisible();
    await page.getByRole('button', { name: '定级建议' }).click();
    await expectNoSeriousA11yViolations(page, 'declare (zh-CN)');
    await screenshot(page, 'declare');

    // The header's switch: everything in English, the choice kept across a reload, and back.
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'Declare incident' })).toBeVisible();
    await expect(page.getByRole('menuitem', { name: 'Home' })).toBeVisible();
    await expect(page.getByTestId('current-role')).toHaveText('Incident commander');
    await expectNoSeriousA11yViolations(page, 'declare (en-US)');
    await screenshot(page, 'declare');
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Declare incident' })).toBeVisible();
    await page.getByRole('menuitem', { name: 'Home' }).click();
    await expect(page.getByTestId('deadlines').locator('tbody tr.ant-table-row')).toHaveCount(1);
    await expect(page.getByRole('heading', { name: 'Running deadlines' })).toBeVisible();
    await expectNoSeriousA11yViolations(page, 'home (en-US)');
    await screenshot(page, 'home');

    await page.getByRole('button', { name: '中文', exact: true }).click();
    await expect(page.getByRole('heading', { name: '进行中的时限' })).toBeVisible();
    await expect(page.getByRole('button', { name: L.signOut })).toHaveText(/退出登录/);
  });
});
