import { expect, expectNoSeriousA11yViolations, signInThroughApi, test } from './support/fixtures';

/**
 * Plans and drills in the console, in a sector no other spec uses (transport; every spec runs against one
 * service): a leader opens the plans list, goes to a plan and schedules a drill of it with two participants
 * through the dialog, then finds the drill in the drills list, as the API lists it; axe on the three pages.
 */
test('a leader opens the plans, schedules a drill of one, and sees it listed', async ({
  page,
  context,
  admin,
  contract,
}) => {
  test.setTimeout(120_000);
  const stamp = Date.now() % 100000;
  const org = await admin.call<{ id: string }>('POST', '/api/v1/admin/organisations', {
    name: `某城市轨道交通公司-${stamp}`,
    kind: 'operator',
    sector: 'transport',
    operatorKind: 'cii',
  });
  const leader = await admin.createUser(org.id, 'leader', '钱进');
  await admin.createUser(org.id, 'commander', '周婷');
  await admin.createUser(org.id, 'responder', '王强');
  const leaderToken = await admin.tokenFor(leader);
  const plan = await admin.call<{ id: string; title: { zh: string } }>(
    'POST',
    '/api/v1/plans',
    { fromDefault: 'ransomware' },
    leaderToken,
  );

  await signInThroughApi(context, leader, contract);
  await page.goto('/plans');
  const plans = page.getByTestId('plans-table');
  await expect(plans.getByRole('link', { name: plan.title.zh })).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'plans');
  await plans.getByRole('link', { name: plan.title.zh }).click();
  await expect(page.getByTestId('plan-versions')).toContainText('v1');
  await expectNoSeriousA11yViolations(page, 'plan versions');
  await page.getByRole('button', { name: '安排演练' }).click();

  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('演练名称').fill('地铁票务系统勒索软件演练');
  await dialog.getByLabel('演练范围').fill('票务系统；桌面推演加备份恢复');
  await dialog.getByLabel('参演人员').click();
  await page.locator('.ant-select-item-option').filter({ hasText: '周婷' }).click();
  await page.locator('.ant-select-item-option').filter({ hasText: '王强' }).click();
  await dialog.getByLabel('演练名称').click();
  await dialog.getByRole('button', { name: '安排演练' }).click();

  // The new drill's page, then the list.
  await expect(page.getByRole('heading', { name: /地铁票务系统勒索软件演练/ })).toBeVisible();
  await expect(page.getByText('周婷、王强')).toBeVisible();
  await page.getByRole('link', { name: '返回演练列表' }).click();
  const drills = page.getByTestId('drills-table');
  await expect(drills.getByRole('link', { name: '地铁票务系统勒索软件演练' })).toBeVisible();
  await expect(drills).toContainText('已安排');
  const listed = await admin.call<Array<{ title: string; planId: string; participants: unknown[] }>>(
    'GET',
    '/api/v1/drills',
    undefined,
    leaderToken,
  );
  expect(listed).toEqual([
    expect.objectContaining({ title: '地铁票务系统勒索软件演练', planId: plan.id, participants: expect.any(Array) }),
  ]);
  expect(listed[0].participants).toHaveLength(2);
  await expect(page.getByTestId('drills-compliance')).toContainText(plan.title.zh);
  await expectNoSeriousA11yViolations(page, 'drills');
});
