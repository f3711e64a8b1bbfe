import { expect, signInThroughApi, test, type TestUser } from './support/fixtures';

const MINUTE = 60_000;
/** detectedAt `minutesAgo` minutes ago, in Beijing time as a person would enter it. */
function minutesAgo(minutes: number): string {
  const d = new Date(Date.now() - minutes * MINUTE + 8 * 60 * MINUTE);
  return `${d.toISOString().slice(0, 19)}+08:00`;
}

/**
 * Home and declaring, as an incident commander of a CII operator: the deadlines count down on the
 * server's clock with the overdue ones on top, the declaration form takes a grade-II ransomware incident
 * with the grade-suggestion helper beside it, and the keyboard alone can do it.
 */
test.describe('home and declaring an incident', () => {
  let commander: TestUser;
  let token: string;

  test.beforeEach(async ({ admin, context, contract }) => {
    const org = await admin.createOperator();
    commander = await admin.createUser(org.id, 'commander', '刘洋');
    await signInThroughApi(context, commander, contract);
    token = await admin.tokenFor(commander);
  });

  test('home: open incidents by state and grade; deadlines counting down, overdue on top, red under 15 min', async ({
    page,
    admin,
  }) => {
    // Confirmed incidents: CONFIRM starts the reporting clocks, counted from discovery. For a CII operator
    // the initial report of grades I–III is due an hour after discovery.
    const declare = async (title: string, grade: string, detectedAt: string) => {
      const incident = await admin.declareIncident(token, { title, category: 'ransomware', grade, detectedAt });
      await admin.confirmIncident(token, incident.id, grade);
      return incident;
    };
    const calm = await declare('数据库服务器异常', 'II', minutesAgo(10));
    const urgent = await declare('交易系统被加密', 'III', minutesAgo(50));
    const overdue = await declare('门户网站被篡改', 'II', minutesAgo(70));

    await page.goto('/');
    const rows = page.getByTestId('deadlines').locator('tbody tr.ant-table-row');
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(0)).toContainText(overdue.reference);
    await expect(rows.nth(0).getByTestId('countdown')).toHaveAttribute('data-overdue', 'true');
    await expect(rows.nth(0).getByTestId('countdown')).toContainText('已超时');
    await expect(rows.nth(1)).toContainText(urgent.reference);
    await expect(rows.nth(1).getByTestId('countdown')).toHaveAttribute('data-urgent', 'true');
    await expect(rows.nth(1).getByTestId('countdown')).toHaveAttribute('data-overdue', 'false');
    await expect(rows.nth(1).getByTestId('countdown')).toHaveCSS('color', 'rgb(185, 28, 28)');
    await expect(rows.nth(2)).toContainText(calm.reference);
    await expect(rows.nth(2).getByTestId('countdown')).toHaveAttribute('data-urgent', 'false');
    await expect(rows.nth(2).getByTestId('countdown')).toContainText('剩余');
    await expect(rows.nth(2)).toContainText('初次报告');

    // The countdown runs: a second later it shows another time.
    const before = await rows.nth(2).getByTestId('countdown').innerText();
    await expect(rows.nth(2).getByTestId('countdown')).not.toHaveText(before, { timeout: 3000 });

    // Three open incidents in response: two of grade II, one of grade III.
    const response = page.getByTestId('incident-matrix').locator('tbody tr', { hasText: '处置' });
    await expect(response.locator('td').nth(2)).toHaveText('2');
    await expect(response.locator('td').nth(3)).toHaveText('1');
    await expect(response.locator('td').last()).toHaveText('3');
    await expect(page.getByTestId('open-incidents').locator('tbody tr.ant-table-row')).toHaveCount(3);
  });

  test('declares a grade-II ransomware incident from the form, with the grade suggestion beside it', async ({
    page,
    admin,
  }) => {
    await page.goto('/');
    await page.getByRole('menuitem', { name: '声明事件' }).click();
    await expect(page.getByRole('heading', { name: '声明事件' })).toBeVisible();

    await page.getByLabel('事件标题').fill('核心交易系统遭勒索软件加密');
    await page.getByLabel('事件类别').fill('勒索');
    await page.getByTitle('勒索软件事件').click();

    // The helper suggests, the person decides.
    await page.getByRole('button', { name: '定级建议' }).click();
    await page.getByLabel('关键信息基础设施整体中断（分钟）').fill('150');
    await page.getByRole('button', { name: '计算建议级别' }).click();
    await expect(page.getByTestId('suggested-grade')).toHaveText('建议级别：II 级（重大）');
    await expect(page.getByTestId('fired-rule').first()).toContainText('GS-II-cii-outage');
    await expect(page.getByRole('radio', { name: 'II 级（重大）' })).not.toBeChecked();
    await page.getByRole('button', { name: '采用建议级别' }).click();
    await expect(page.getByRole('radio', { name: 'II 级（重大）' })).toBeChecked();

    await page.getByLabel('受影响系统').fill('trade-db-01');
    await page.getByLabel('受影响系统').press('Enter');
    await page.getByLabel('受影响系统').fill('trade-app-01');
    await page.getByLabel('受影响系统').press('Enter');
    await page.getByLabel('事件描述').fill('三台应用服务器文件被加密。');
    await page.getByRole('button', { name: '声明事件' }).click();

    await expect(page).toHaveURL(/\/incidents\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    const incident = await admin.call<{
      grade: string;
      category: string;
      affectedSystems: string[];
      drill: boolean;
      state: string;
      title: string;
    }>('GET', `/api/v1/incidents/${id}`, undefined, token);
    expect(incident).toMatchObject({
      title: '核心交易系统遭勒索软件加密',
      grade: 'II',
      category: 'ransomware',
      affectedSystems: ['trade-db-01', 'trade-app-01'],
      drill: false,
      state: 'triage',
    });

    await page.getByRole('menuitem', { name: '首页' }).click();
    await expect(page.getByTestId('open-incidents')).toContainText('核心交易系统遭勒索软件加密');
  });

  test('panels open at once for a user who asked for less motion, and slide for one who did not', async ({ page }) => {
    await page.goto('/incidents/new');
    const header = page.getByRole('button', { name: '定级建议' });
    // Every transition of the header takes no time ("0s, 0s"), or some take some ("0.3s, 0.3s").
    const still = /^0s(, 0s)*$/;
    // The tests run as a user who asked for less motion (playwright.config.ts): no transition at all.
    await expect(header).toHaveCSS('transition-duration', still);
    await header.click();
    await expect(page.getByLabel('关键信息基础设施整体中断（分钟）')).toBeVisible();
    // The setting changed while the console is open: it follows, and the panel slides closed.
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await expect(header).not.toHaveCSS('transition-duration', still);
    await header.click();
    await expect(page.getByLabel('关键信息基础设施整体中断（分钟）')).toBeHidden();
  });

  test('the keyboard alone can declare an incident', async ({ page, admin }) => {
    await page.goto('/incidents/new');
    const title = page.getByLabel('事件标题');
    await expect(title).toBeFocused();
    await page.keyboard.type('键盘声明的演练事件');

    await page.keyboard.press('Tab');
    await expect(page.getByLabel('事件类别')).toBeFocused();
    // Typing filters the tree and makes the first match the active node; Enter takes it.
    await page.keyboard.type('勒索软件');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('category-select')).toContainText('勒索软件事件');

    await page.keyboard.press('Tab');
    await expect(page.getByRole('radio', { name: 'I 级（特别重大）' })).toBeFocused();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('radio', { name: 'II 级（重大）' })).toBeChecked();

    await page.keyboard.press('Tab'); // the grade suggestion's header: stays closed
    await expect(page.getByRole('button', { name: '定级建议' })).toBeFocused();
    await page.keyboard.press('Tab'); // detection time: now, as filled in
    await expect(page.getByLabel('发现时间')).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('受影响系统')).toBeFocused();
    await page.keyboard.type('scada-01');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await expect(page.getByRole('switch', { name: '应急演练' })).toBeFocused();
    await page.keyboard.press('Space');
    await expect(page.getByRole('switch', { name: '应急演练' })).toBeChecked();
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('事件描述')).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: '声明事件' })).toBeFocused();
    await page.keyboard.press('Enter');

    await expect(page).toHaveURL(/\/incidents\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;
    const incident = await admin.call<{ grade: string; category: string; drill: boolean; affectedSystems: string[] }>(
      'GET',
      `/api/v1/incidents/${id}`,
      undefined,
      token,
    );
    expect(incident).toMatchObject({ grade: 'II', category: 'ransomware', drill: true, affectedSystems: ['scada-01'] });
  });

  test('the form waits for its categories: a failure offers a retry; a search typed at once finds its match', async ({
    page,
  }) => {
    // The taxonomy cannot be reached until `available`, then waits for `release()`: the test says when it arrives.
    let available = false;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/v1/taxonomy', async (route) => {
      if (!available) return route.abort('connectionrefused'); // the service restarting, say
      await held;
      return route.continue();
    });
    await page.goto('/incidents/new');
    const refused = page.getByRole('alert').filter({ has: page.getByRole('button', { name: '重试' }) });
    await expect(refused).toBeVisible();
    await expect(page.getByLabel('事件标题')).toHaveCount(0);

    available = true;
    await refused.getByRole('button', { name: '重试' }).click();
    await expect(page.getByRole('status').filter({ hasText: '加载中' })).toBeVisible();
    await expect(page.getByLabel('事件标题')).toHaveCount(0);

    release();
    await expect(page.getByLabel('事件标题')).toBeFocused();
    await page.keyboard.press('Tab');
    await page.keyboard.type('勒索软件');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('category-select')).toContainText('勒索软件事件');
  });
});
