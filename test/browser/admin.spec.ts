import type { Page } from '@playwright/test';
import { expect, expectNoSeriousA11yViolations, screenshot, signInThroughApi, test } from './support/fixtures';
import { createOrg } from './support/desk';

/** An option of the open antd Select (the role=option elements are its hidden accessibility list). */
const option = (page: Page, label: string) =>
  page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${label}"]`);

/**
 * The admin screens (issue 17): an operator's admin changes a role and disables a colleague, issues a token
 * for themself (shown once) and revokes it, adds a webhook subscription and sends it a test (the answer is
 * shown: here the deployment's egress policy refusing the loopback address the name resolves to), and
 * reads the audit trail with its verification. Each tab is checked by axe and pictured; non-admins are
 * not offered the screens.
 */
test('an organisation admin manages users, tokens, subscriptions and reads the verified audit trail', async ({
  page,
  context,
  admin,
  contract,
}) => {
  test.setTimeout(240_000);
  const org = await createOrg(admin, {
    name: `华北燃气-${Date.now() % 1_000_000}`,
    kind: 'operator',
    sector: 'energy',
    operatorKind: 'cii',
  });
  const orgAdmin = await admin.createUser(org.id, 'admin', '李管理');
  const colleague = await admin.createUser(org.id, 'viewer', '王五');

  await signInThroughApi(context, orgAdmin, contract);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/users$/);
  const users = page.getByTestId('users-table');
  const row = users.locator(`tr[data-user="${colleague.username}"]`);
  await expect(row).toContainText('王五');
  // Their own row offers neither a role change nor disabling.
  const own = users.locator(`tr[data-user="${orgAdmin.username}"]`);
  await expect(own.getByRole('combobox')).toHaveCount(0);
  await expect(own.getByRole('button', { name: '停用' })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page, 'admin users');
  await screenshot(page, 'admin-users');

  await row.getByRole('combobox').click();
  await option(page, '处置人员').click();
  await expect(page.getByText('已保存').first()).toBeVisible();
  await row.getByRole('button', { name: '停用' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
  await expect(row.getByTestId('user-disabled')).toBeVisible();
  const listed = await admin.call<Array<{ id: string; role: string; disabledAt: string | null }>>(
    'GET',
    `/api/v1/admin/organisations/${org.id}/users`,
  );
  expect(listed.find((u) => u.id === colleague.id)).toMatchObject({
    role: 'responder',
    disabledAt: expect.any(String),
  });
  const signIn = await context.request.post('/api/v1/session', {
    data: { username: colleague.username, password: colleague.password },
    failOnStatusCode: false,
  });
  expect(signIn.status()).toBe(401);

  // Tokens: one for the admin, shown once, then revoked.
  await page.getByRole('tab', { name: 'API 令牌' }).click();
  await page.getByRole('button', { name: '为自己签发令牌' }).click();
  await page.getByRole('dialog').getByLabel('名称').fill('值班笔记本');
  await page.getByRole('dialog').getByRole('button', { name: '签发令牌' }).click();
  await expect(page.getByTestId('shown-once')).toContainText('lf_');
  await page.getByRole('button', { name: '我已记下' }).click();
  const tokenRow = page.getByTestId('tokens-table').locator('tr', { hasText: '值班笔记本' });
  await expect(tokenRow).toContainText('有效');
  await expectNoSeriousA11yViolations(page, 'admin tokens');
  await screenshot(page, 'admin-tokens');
  await tokenRow.getByRole('button', { name: '吊销' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
  await expect(tokenRow).toContainText('已吊销');

  // A webhook subscription; its secret is never shown again; a test send shows the answer.
  await page.getByRole('tab', { name: '通知订阅' }).click();
  await page.getByRole('button', { name: '添加订阅' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('名称').fill('值班 Webhook');
  await dialog.getByLabel('渠道配置（JSON）').fill('{ "url": "https://localhost:9/hook" }');
  await dialog.getByLabel('密钥').fill('a-signing-secret-of-32-characters!!');
  await dialog.getByRole('button', { name: '保存' }).click();
  await expect(dialog).toBeHidden();
  const subRow = page.getByTestId('subscriptions-table').locator('tr', { hasText: '值班 Webhook' });
  await expect(subRow).toContainText('有密钥');
  await expect(page.getByText('a-signing-secret-of-32-characters!!')).toHaveCount(0);
  await subRow.getByRole('button', { name: '发送测试' }).click();
  await expect(page.getByTestId('test-result')).toHaveAttribute('data-ok', 'false');
  await expect(page.getByTestId('test-result')).toContainText('egress');
  await expectNoSeriousA11yViolations(page, 'admin subscription test');
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /OK|确定/ })
    .click();
  await screenshot(page, 'admin-subscriptions');

  await page.getByRole('tab', { name: '报告接收方' }).click();
  await expect(page.getByTestId('recipients-table')).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'admin recipients');
  await screenshot(page, 'admin-recipients');

  // The audit trail: every admin action above, each entry checked in the chain.
  await page.getByRole('tab', { name: '审计日志' }).click();
  await expect(page.getByTestId('audit-status')).toHaveAttribute('data-ok', 'true');
  const audit = page.getByTestId('audit-table');
  for (const action of [
    'user.updated',
    'token.issued',
    'token.revoked',
    'notification-subscription.created',
    'notification-subscription.tested',
  ])
    await expect(audit.getByText(action, { exact: true }).first(), action).toBeVisible();
  await expectNoSeriousA11yViolations(page, 'admin audit');
  await screenshot(page, 'admin-audit');
  // The organisations tab is for platform admins only.
  await expect(page.getByRole('tab', { name: '组织' })).toHaveCount(0);

  // English.
  await page.getByRole('button', { name: 'English', exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en-US');
  await expect(page.getByRole('tab', { name: 'Audit trail' })).toBeVisible();
  await screenshot(page, 'admin-audit');
});

test('a platform admin manages organisations; a non-admin is not offered administration', async ({
  page,
  context,
  admin,
  contract,
  newContext,
}) => {
  test.setTimeout(180_000);
  const orgs = await admin.call<Array<{ id: string; isPlatform: boolean }>>('GET', '/api/v1/admin/organisations');
  const platform = orgs.find((o) => o.isPlatform)!;
  const platformAdmin = await admin.createUser(platform.id, 'admin', '平台管理员');
  await signInThroughApi(context, platformAdmin, contract);
  await page.goto('/admin/organisations');
  const name = `西南水务-${Date.now() % 1_000_000}`;
  await page.getByRole('button', { name: '创建组织' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('名称').fill(name);
  await dialog.getByLabel('行业').click();
  await option(page, '水利').click();
  await dialog.getByRole('button', { name: '保存' }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByTestId('organisations-table').locator('tr', { hasText: name });
  await expect(row).toContainText('水利');
  await expect(row).toContainText('关键信息基础设施运营者');
  await row.getByRole('button', { name: '编辑' }).click();
  await page.getByRole('dialog').getByLabel('运营者类别').click();
  await option(page, '其他网络运营者').click();
  await page.getByRole('dialog').getByRole('button', { name: '保存' }).click();
  await expect(row).toContainText('其他网络运营者');
  await expectNoSeriousA11yViolations(page, 'admin organisations');
  await screenshot(page, 'admin-organisations');
  // Its users, one click away.
  await row.getByRole('button', { name: '用户' }).click();
  await expect(page).toHaveURL(/\/admin\/users\?org=/);
  await expect(page.getByTestId('org-picker')).toContainText(name);

  // A commander is offered no administration, and its address says not found.
  const opOrg = await createOrg(admin, {
    name: `运营者-${Date.now() % 1_000_000}`,
    kind: 'operator',
    sector: 'energy',
    operatorKind: 'cii',
  });
  const commander = await admin.createUser(opOrg.id, 'commander', '周婷');
  const ctx = await newContext();
  await signInThroughApi(ctx, commander, contract);
  const other = await ctx.newPage();
  await other.goto('/admin/users');
  await expect(other.getByRole('heading', { name: '未找到' })).toBeVisible();
  await expect(other.getByRole('menuitem', { name: '管理' })).toHaveCount(0);
});
