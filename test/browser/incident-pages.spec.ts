import type { Page } from '@playwright/test';
import { expect, expectNoSeriousA11yViolations, screenshot, signInThroughApi, test } from './support/fixtures';
import { completeStepByApi, createFinanceDepartment, createTeam, declareRansomware } from './support/incident';

/**
 * The incident, reports, warnings and indicators pages in both languages, with data in them: axe finds no
 * serious or critical violation on any, and a screenshot of each in each language is left in
 * test-output/console-screenshots/ for a reviewer.
 */
test('incident, reports, warnings and indicators pages: accessible and pictured in Chinese and English', async ({
  page,
  context,
  admin,
  contract,
}) => {
  // Twenty-two pages under axe, each pictured: about two minutes on a quiet machine, four under load.
  test.setTimeout(600_000);
  const team = await createTeam(admin);
  const dept = await createFinanceDepartment(admin, `金融行业保护工作部门-${Date.now() % 100000}`);
  const incident = await declareRansomware(admin, team.commanderToken, '核心交易系统遭勒索软件加密', 25);
  const commander = team.commanderToken;
  await completeStepByApi(admin, commander, incident.id, 'confirm-incident');
  await completeStepByApi(admin, commander, incident.id, 'assess-grade');
  await admin.call(
    'POST',
    `/api/v1/incidents/${incident.id}/events`,
    { type: 'CONFIRM', grade: 'II', crimeSuspected: false },
    commander,
  );
  await completeStepByApi(admin, commander, incident.id, 'isolate-infected-hosts');
  // An initial report, submitted: the finance department's inbox, public security by phone.
  const liaison = await admin.tokenFor(team.liaison);
  const report = await admin.call<{ id: string; missingFields: string[] }>(
    'POST',
    `/api/v1/incidents/${incident.id}/reports`,
    { kind: 'initial' },
    liaison,
  );
  const fields = Object.fromEntries(report.missingFields.map((c) => [c, `${c}：截图用的内容`]));
  await admin.call('PATCH', `/api/v1/reports/${report.id}`, { fields }, liaison);
  await admin.call('POST', `/api/v1/reports/${report.id}/approve`, undefined, commander);
  await admin.call(
    'POST',
    `/api/v1/reports/${report.id}/submit`,
    { outOfBand: [{ recipientKind: 'public-security', recipientName: '某市公安局网安支队', means: 'phone' }] },
    liaison,
  );
  await admin.call(
    'POST',
    `/api/v1/incidents/${incident.id}/indicators`,
    { type: 'ipv4-addr', value: '203.0.113.77', description: 'C2 服务器' },
    commander,
  );
  const warning = await admin.issueWarning<{ id: string }>(
    {
      title: '勒索软件团伙针对证券行业的攻击活动',
      level: 'orange',
      threatDescription: '某勒索软件团伙利用 VPN 设备漏洞入侵证券公司内网。',
      recommendedActions: ['立即升级 VPN 设备固件'],
      operatorIds: [team.org.id],
      feedbackWithin: 'PT4H',
    },
    dept.token,
  );

  await signInThroughApi(context, team.commander, contract);
  const pages: Array<{ name: string; path: string; ready: (p: Page) => Promise<void> }> = [
    {
      name: 'incident-steps',
      path: `/incidents/${incident.id}`,
      ready: (p) => expect(p.getByTestId('step').first()).toBeVisible(),
    },
    {
      name: 'incident-workflow',
      path: `/incidents/${incident.id}/workflow`,
      ready: (p) => expect(p.getByTestId('workflow-diagram')).toBeVisible(),
    },
    {
      name: 'incident-timeline',
      path: `/incidents/${incident.id}/timeline`,
      ready: (p) => expect(p.getByTestId('timeline-entry').first()).toBeVisible(),
    },
    {
      name: 'incident-compliance',
      path: `/incidents/${incident.id}/compliance`,
      ready: (p) => expect(p.getByTestId('compliance-evidenced')).toBeVisible(),
    },
    {
      name: 'incident-reports',
      path: `/incidents/${incident.id}/reports`,
      ready: (p) => expect(p.getByTestId('report-table').getByTestId('report-status')).toBeVisible(),
    },
    {
      name: 'incident-indicators',
      path: `/incidents/${incident.id}/indicators`,
      ready: (p) => expect(p.getByTestId('indicator-table')).toContainText('203.0.113.77'),
    },
    {
      name: 'reports',
      path: '/reports',
      ready: (p) => expect(p.getByTestId('report-list').getByTestId('report-status').first()).toBeVisible(),
    },
    {
      name: 'report',
      path: `/reports/${report.id}`,
      ready: (p) => expect(p.getByTestId('delivery-status').first()).toBeVisible(),
    },
    {
      name: 'warnings',
      path: '/warnings',
      ready: (p) => expect(p.getByTestId('warning-list').getByTestId('countdown')).toBeVisible(),
    },
    {
      name: 'warning',
      path: `/warnings/${warning.id}`,
      ready: (p) => expect(p.getByTestId('warning-state')).toBeVisible(),
    },
    {
      name: 'indicators',
      path: `/indicators/${incident.id}`,
      ready: (p) => expect(p.getByTestId('indicator-table')).toContainText('203.0.113.77'),
    },
  ];

  for (const lang of ['zh-CN', 'en-US'] as const) {
    if (lang === 'en-US') {
      await page.getByRole('button', { name: 'English', exact: true }).click();
      await expect(page.locator('html')).toHaveAttribute('lang', 'en-US');
    }
    for (const p of pages) {
      await page.goto(p.path);
      await p.ready(page);
      await expectNoSeriousA11yViolations(page, `${p.name} (${lang})`);
      await screenshot(page, p.name);
    }
  }
  // In English, the words are English: the incident header and its tabs.
  await page.goto(`/incidents/${incident.id}`);
  await expect(page.getByRole('tab', { name: 'Steps' })).toBeVisible();
  await expect(page.getByTestId('incident-grade')).toHaveText('Grade II (serious)');
  await page.getByRole('button', { name: '中文', exact: true }).click();
  await expect(page.getByRole('tab', { name: '处置步骤' })).toBeVisible();
});
