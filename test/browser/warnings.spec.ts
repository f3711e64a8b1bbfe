import { expect, signInThroughApi, test } from './support/fixtures';
import { createFinanceDepartment, createTeam } from './support/incident';

/**
 * An early warning received and handled in the console: the finance protection department warns this
 * operator; the commander starts the assessment, records that it applies and what was done; the liaison sends
 * the feedback, and the feedback deadline, counting down until then, is met. Each person is offered only the
 * events the workflow accepts from their role; the department's feedback view has the answer.
 */
test('a warning received: assessed, acted on and answered before the feedback deadline', async ({
  page,
  context,
  admin,
  contract,
  newContext,
}) => {
  test.setTimeout(180_000);
  const team = await createTeam(admin);
  const dept = await createFinanceDepartment(admin, `金融行业保护工作部门-${Date.now() % 100000}`);
  const warning = await admin.issueWarning<{ id: string; reference: string }>(
    {
      title: '勒索软件团伙针对证券行业的攻击活动',
      level: 'orange',
      threatDescription: '某勒索软件团伙利用 VPN 设备漏洞入侵证券公司内网，加密交易系统服务器。',
      recommendedActions: ['立即升级 VPN 设备固件', '排查异常的远程登录'],
      indicators: [{ type: 'ipv4-addr', value: '203.0.113.45', description: 'C2 服务器' }],
      operatorIds: [team.org.id],
      feedbackWithin: 'PT4H',
    },
    dept.token,
  );

  // The commander: the list shows it with the feedback deadline counting down.
  await signInThroughApi(context, team.commander, contract);
  await page.goto('/');
  await page.getByRole('menuitem', { name: '收到的预警' }).click();
  const row = page.getByTestId('warning-list').locator('tr', { hasText: warning.reference });
  await expect(row).toContainText('勒索软件团伙针对证券行业的攻击活动');
  await expect(row).toContainText('橙色');
  await expect(row.getByTestId('countdown')).toContainText('剩余');
  await row.getByRole('link', { name: warning.reference }).click();

  await expect(page.getByTestId('warning-state')).toHaveText('已收到');
  await expect(page.getByTestId('warning-deadline').getByTestId('countdown')).toContainText('剩余');
  await expect(page.getByText('203.0.113.45')).toBeVisible();
  const events = page.getByTestId('warning-events');
  // Feedback is the liaison's: the commander is offered only what the workflow takes from a commander now.
  await expect(events.getByRole('button')).toHaveText(['开始研判']);
  await events.getByRole('button', { name: '开始研判' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '开始研判' }).click();
  await expect(page.getByTestId('warning-state')).toHaveText('研判中');

  await events.getByRole('button', { name: '记录研判结论' }).click();
  let dialog = page.getByRole('dialog');
  await dialog.getByRole('radio', { name: '适用于本单位', exact: true }).check();
  await dialog.getByLabel('研判说明').fill('本单位使用受影响型号的 VPN 设备。');
  await dialog.getByRole('button', { name: '记录研判结论' }).click();
  await expect(page.getByTestId('warning-state')).toHaveText('处置中');
  await expect(page.getByTestId('warning-assessment')).toContainText('适用于本单位');

  await events.getByRole('button', { name: '记录已采取的措施' }).click();
  dialog = page.getByRole('dialog');
  await dialog.getByLabel('已采取的措施').fill('已升级全部 VPN 设备固件，并封禁 C2 地址。');
  await dialog.getByRole('button', { name: '记录已采取的措施' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('warning-page')).toContainText('已升级全部 VPN 设备固件');
  await expect(events.getByRole('button', { name: '发送反馈' })).toHaveCount(0);

  // The liaison sends the feedback.
  const liaisonContext = await newContext();
  await signInThroughApi(liaisonContext, team.liaison, contract);
  const liaisonPage = await liaisonContext.newPage();
  await liaisonPage.goto(`/warnings/${warning.id}`);
  await liaisonPage.getByTestId('warning-events').getByRole('button', { name: '发送反馈' }).click();
  dialog = liaisonPage.getByRole('dialog');
  await dialog.getByLabel('反馈内容').fill('预警适用于本单位，已完成处置，未发现入侵迹象。');
  await dialog.getByLabel('采取的措施（逐条）').fill('升级 VPN 固件');
  await dialog.getByLabel('采取的措施（逐条）').press('Enter');
  await dialog.getByLabel('采取的措施（逐条）').fill('封禁 203.0.113.45');
  await dialog.getByLabel('采取的措施（逐条）').press('Enter');
  await dialog.getByRole('button', { name: '发送反馈' }).click();
  await expect(dialog).toBeHidden();
  await expect(liaisonPage.getByTestId('warning-state')).toHaveText('已反馈');
  await expect(liaisonPage.getByTestId('warning-deadline')).toHaveAttribute('data-status', 'met');
  await expect(liaisonPage.getByTestId('warning-feedback')).toContainText('封禁 203.0.113.45');

  // The department sees the answer.
  const seen = await admin.call<{ items: Array<{ operatorOrgId: string; answered: boolean }> }>(
    'GET',
    `/api/v1/warnings/${warning.id}/targets?answer=answered`,
    undefined,
    dept.token,
  );
  expect(seen.items.find((t) => t.operatorOrgId === team.org.id)?.answered).toBe(true);

  // A viewer reads it all and is offered nothing.
  const viewerContext = await newContext();
  await signInThroughApi(viewerContext, team.viewer, contract);
  const viewerPage = await viewerContext.newPage();
  await viewerPage.goto(`/warnings/${warning.id}`);
  await expect(viewerPage.getByTestId('warning-state')).toHaveText('已反馈');
  await expect(viewerPage.getByTestId('warning-events')).toHaveCount(0);
});
