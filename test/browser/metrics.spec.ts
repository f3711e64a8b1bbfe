import type { Locator, Page } from '@playwright/test';
import {
  expect,
  expectNoSeriousA11yViolations,
  screenshot,
  signInThroughApi,
  test,
  type AdminApi,
  type TestUser,
} from './support/fixtures';

/**
 * The figures (/metrics) and the sector overview (/sector) after a scripted set of incidents with known
 * outcomes, made through the API in a sector no other spec uses (healthcare; every spec runs against one
 * service, and the others' organisations are in energy, finance, telecom and water): one initial report
 * on time, one late (its deadline missed by the due job first, which takes the first escalation step), a
 * drill, and a warning one operator answers and another does not. The metrics API gives exactly the
 * expected figures, and the charts' tables show exactly the API's numbers; the department's pages pass
 * axe; a department of another sector sees none of it.
 */

interface Operator {
  id: string;
  name: string;
  commander: TestUser;
  liaison: TestUser;
  leader: TestUser;
  tokens: Record<'commander' | 'liaison' | 'leader' | 'responder', string>;
}

async function healthOperator(admin: AdminApi, name: string): Promise<Operator> {
  const org = await admin.call<{ id: string }>('POST', '/api/v1/admin/organisations', {
    name,
    kind: 'operator',
    sector: 'healthcare',
    operatorKind: 'cii',
  });
  const commander = await admin.createUser(org.id, 'commander', '周婷');
  const liaison = await admin.createUser(org.id, 'liaison', '孙丽');
  const leader = await admin.createUser(org.id, 'leader', '赵敏');
  const responder = await admin.createUser(org.id, 'responder', '王强');
  return {
    id: org.id,
    name,
    commander,
    liaison,
    leader,
    tokens: {
      commander: await admin.tokenFor(commander),
      liaison: await admin.tokenFor(liaison),
      leader: await admin.tokenFor(leader),
      responder: await admin.tokenFor(responder),
    },
  };
}

async function department(admin: AdminApi, name: string, sector: string) {
  const org = await admin.call<{ id: string }>('POST', '/api/v1/admin/organisations', {
    name,
    kind: 'department',
    sector,
  });
  const officer = await admin.createUser(org.id, 'department-officer', '郑华');
  return { id: org.id, officer, token: await admin.tokenFor(officer) };
}

type Incident = { id: string; reference: string };

async function declareAndConfirm(
  admin: AdminApi,
  op: Operator,
  minutesAgo: number,
  extra: Record<string, unknown> = {},
) {
  const incident = await admin.call<Incident>(
    'POST',
    '/api/v1/incidents',
    {
      title: '调度系统遭勒索软件加密',
      category: 'ransomware',
      grade: 'II',
      detectedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      ...extra,
    },
    op.tokens.commander,
  );
  await admin.confirmIncident(op.tokens.commander, incident.id, String(extra.grade ?? 'II'));
  return incident;
}

async function submitInitialReport(admin: AdminApi, op: Operator, incidentId: string): Promise<string> {
  const draft = await admin.call<{ id: string; missingFields: string[] }>(
    'POST',
    `/api/v1/incidents/${incidentId}/reports`,
    { kind: 'initial' },
    op.tokens.liaison,
  );
  const fields = Object.fromEntries(draft.missingFields.map((code) => [code, `${code} 的内容`]));
  await admin.call('PATCH', `/api/v1/reports/${draft.id}`, { fields }, op.tokens.liaison);
  await admin.call('POST', `/api/v1/reports/${draft.id}/approve`, undefined, op.tokens.commander);
  await admin.call(
    'POST',
    `/api/v1/reports/${draft.id}/submit`,
    { outOfBand: [{ recipientKind: 'public-security', recipientName: '市公安局网安支队', means: 'phone' }] },
    op.tokens.liaison,
  );
  return draft.id;
}

/** The table of a chart card, one click away: the texts of its body rows, cell by cell. */
async function tableOf(card: Locator): Promise<string[][]> {
  await card.getByText('表格', { exact: true }).click();
  const rows = card.locator('tbody tr.ant-table-row');
  await expect(rows.first()).toBeVisible();
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++)
    out.push((await rows.nth(i).locator('td').allInnerTexts()).map((text) => text.trim()));
  return out;
}

async function statistic(page: Page, testId: string, title: string): Promise<string> {
  const stat = page.getByTestId(testId).locator('.ant-statistic', { hasText: title });
  return ((await stat.locator('.ant-statistic-content').textContent()) ?? '').trim();
}

test('figures and the sector overview show exactly what the workflow recorded', async ({
  page,
  context,
  admin,
  contract,
  newContext,
}) => {
  test.setTimeout(240_000);
  const stamp = Date.now() % 100000;
  const dept = await department(admin, `卫生健康行业保护工作部门-${stamp}`, 'healthcare');
  const other = await department(admin, `公共服务行业保护工作部门-${stamp}`, 'public-services');
  const op = await healthOperator(admin, `甲医院-${stamp}`);
  const quiet = await healthOperator(admin, `乙疾控中心-${stamp}`);

  // On time; late (discovered 61 minutes ago: the due job records the miss, then the report goes in); a drill.
  const onTime = await declareAndConfirm(admin, op, 10);
  const onTimeReport = await submitInitialReport(admin, op, onTime.id);
  await admin.call(
    'POST',
    `/api/v1/inbox/reports/${onTimeReport}/forward`,
    { reference: '国家网信办-2026-17' },
    dept.token,
  );
  const late = await declareAndConfirm(admin, op, 61, { category: 'ddos' });
  await expect
    .poll(
      async () =>
        (
          await admin.call<{ deadlines: Array<{ timer: string; status: string }> }>(
            'GET',
            `/api/v1/incidents/${late.id}`,
            undefined,
            op.tokens.commander,
          )
        ).deadlines.find((d) => d.timer === 'initial-report')?.status,
      { timeout: 30_000 },
    )
    .toBe('missed');
  await submitInitialReport(admin, op, late.id);
  await declareAndConfirm(admin, op, 5, { grade: 'III', drill: true });
  const warning = await admin.issueWarning<{ id: string; reference: string }>(
    {
      title: '针对电力调度系统的勒索软件攻击活动',
      level: 'orange',
      threatDescription: '某勒索软件团伙利用 VPN 设备漏洞入侵电力企业内网。',
      recommendedActions: ['立即升级 VPN 设备固件'],
      indicators: [{ type: 'ipv4-addr', value: '203.0.113.46' }],
      operatorIds: [op.id, quiet.id],
      feedbackWithin: 'P1D',
    },
    dept.token,
  );
  const send = (token: string, body: Record<string, unknown>) =>
    admin.call('POST', `/api/v1/warnings/${warning.id}/events`, body, token);
  await send(op.tokens.responder, { type: 'START_ASSESSMENT' });
  await send(op.tokens.commander, { type: 'ASSESSED', applicable: true, note: '本单位使用该型号设备' });
  await send(op.tokens.responder, { type: 'ACTIONS_TAKEN', summary: '已升级固件' });
  await send(op.tokens.liaison, { type: 'FEEDBACK_SENT', feedback: '已处置，未发现入侵迹象' });

  // The operator's figures, from the API: exactly what was scripted.
  type Timeline = Array<{ action: string; at: string }>;
  const timeline = (id: string) =>
    admin.call<Timeline>('GET', `/api/v1/incidents/${id}/timeline`, undefined, op.tokens.commander);
  const escalations = (await timeline(late.id)).filter((e) => e.action === 'deadline.escalated').length;
  expect(escalations).toBeGreaterThanOrEqual(1);
  const seconds = async (id: string) => {
    const t = await timeline(id);
    const at = (action: string) => Date.parse(t.find((e) => e.action === action)!.at);
    return Math.round((at('incident.event.CONFIRM') - at('incident.declared')) / 1000);
  };
  const confirms = [await seconds(onTime.id), await seconds(late.id)].sort((a, b) => a - b);
  type Figures = {
    totals: {
      incidents: number;
      timeToConfirm: { count: number; medianSeconds: number | null };
      initialReports: { met: number; missed: number; rate: number | null };
      finalReports: { rate: number | null };
      deadlineMisses: number;
      escalations: number;
    };
    byWeek: Array<{ week: string; incidents: number; initialReports: { met: number; missed: number } }>;
    byCategory: Array<{ category: string; incidents: number }>;
  };
  const figures = await admin.call<Figures>('GET', '/api/v1/metrics/operator', undefined, op.tokens.leader);
  expect(figures.totals).toMatchObject({
    incidents: 2,
    timeToConfirm: { count: 2, medianSeconds: confirms[0] },
    initialReports: { met: 1, missed: 1, rate: 0.5 },
    deadlineMisses: 1,
    escalations,
  });
  expect(figures.byCategory.map((c) => [c.category, c.incidents])).toEqual([
    ['ddos', 1],
    ['ransomware', 1],
  ]);

  // The operator's page: the totals and the tables behind the charts say the same.
  await signInThroughApi(context, op.leader, contract);
  await page.goto('/');
  await page.getByRole('menuitem', { name: '统计指标' }).click();
  await expect(page).toHaveURL(/\/metrics$/);
  await expect(page.getByTestId('operator-totals')).toContainText('事件数');
  expect(await statistic(page, 'operator-totals', '事件数')).toBe('2');
  expect(await statistic(page, 'operator-totals', '初报及时率')).toBe('50.0%');
  expect(await statistic(page, 'operator-totals', '超期次数')).toBe('1');
  expect(await statistic(page, 'operator-totals', '升级次数')).toBe(String(escalations));
  expect(await statistic(page, 'operator-totals', '确认用时中位数')).toBe(`${(confirms[0] / 60).toFixed(1)} 分钟`);
  await expect(page.getByTestId('chart-weekly').getByTestId('echart').locator('svg')).toBeVisible();
  const weekly = await tableOf(page.getByTestId('chart-weekly'));
  const thisWeek = figures.byWeek[figures.byWeek.length - 1];
  expect(weekly).toHaveLength(figures.byWeek.length);
  // week, incidents, initial on time, initial late, rate, misses, escalations
  expect(weekly[weekly.length - 1]).toEqual([thisWeek.week, '2', '1', '1', '50.0%', '1', String(escalations)]);
  expect(weekly.slice(0, -1).every((row) => row[1] === '0')).toBe(true);
  const byCategory = await tableOf(page.getByTestId('chart-category'));
  expect(byCategory.map((row) => row.slice(1))).toEqual([
    ['1', '0', '1', '0.0%'],
    ['1', '1', '0', '100.0%'],
  ]);
  // Drills only when asked for.
  await page.getByRole('switch', { name: '包含演练' }).click();
  await expect.poll(() => statistic(page, 'operator-totals', '事件数')).toBe('3');
  await screenshot(page, 'metrics-operator-zh');

  // The department: the punctuality ranking and the sector overview, from the reports it received.
  const deptContext = await newContext();
  await signInThroughApi(deptContext, dept.officer, contract);
  const deptPage = await deptContext.newPage();
  await deptPage.goto('/');
  await deptPage.getByRole('menuitem', { name: '统计指标' }).click();
  await expect(deptPage.getByTestId('department-totals')).toContainText('收到报告');
  type DepartmentFigures = {
    totals: { reportsReceived: number; reports: { rate: number | null }; onward: { rate: number | null } };
    operators: Array<{ operatorOrgId: string; rank: number; name: string; reportsReceived: number }>;
  };
  const deptFigures = await admin.call<DepartmentFigures>('GET', '/api/v1/metrics/department', undefined, dept.token);
  expect(deptFigures.totals).toMatchObject({ reportsReceived: 2, reports: { rate: 0.5 }, onward: { rate: 1 } });
  expect(deptFigures.operators.map((o) => [o.rank, o.name, o.reportsReceived])).toEqual([
    [1, op.name, 2],
    [2, quiet.name, 0],
  ]);
  expect(await statistic(deptPage, 'department-totals', '收到报告')).toBe('2');
  expect(await statistic(deptPage, 'department-totals', '报告及时率')).toBe('50.0%');
  expect(await statistic(deptPage, 'department-totals', '上报及时率')).toBe('100.0%');
  expect(await statistic(deptPage, 'department-totals', '预警反馈及时率')).toBe('100.0%');
  await expect(deptPage.getByTestId('chart-ranking').getByTestId('echart').locator('svg')).toBeVisible();
  await expectNoSeriousA11yViolations(deptPage, 'the department figures page (chart)');
  const ranking = await tableOf(deptPage.getByTestId('chart-ranking'));
  // rank, name, received, on time, late, rate, onward due, onward rate, warnings, answered, pending, rate
  expect(ranking).toEqual([
    ['1', op.name, '2', '1', '1', '50.0%', '2', '100.0%', '1', '1', '0', '100.0%'],
    ['2', quiet.name, '0', '0', '0', '—', '0', '—', '1', '0', '1', '—'],
  ]);
  await expectNoSeriousA11yViolations(deptPage, 'the department figures page (table)');
  await screenshot(deptPage, 'metrics-department-zh');

  await deptPage.getByRole('menuitem', { name: '行业概况' }).click();
  await expect(deptPage).toHaveURL(/\/sector$/);
  const row = deptPage.getByTestId('sector-operators').locator('tr.ant-table-row', { hasText: op.name });
  await expect(row).toContainText('50.0%');
  expect((await row.locator('td').allInnerTexts()).slice(1).map((text) => text.trim())).toEqual([
    op.name,
    '2',
    '2',
    '1',
    '1',
    '50.0%',
    expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/),
    '0',
  ]);
  const pending = deptPage.getByTestId('sector-pending-warnings').locator('tr.ant-table-row');
  await expect(pending).toHaveCount(1);
  await expect(pending.first()).toContainText(warning.reference);
  await expect(pending.first()).toContainText(quiet.name);
  await row.getByRole('button', { name: /展开|Expand/ }).click();
  const incidents = deptPage.getByTestId(`sector-incidents-${op.id}`).locator('tr.ant-table-row');
  await expect(incidents).toHaveCount(2);
  await expect(incidents.filter({ hasText: onTime.reference })).toContainText('是');
  await expect(incidents.filter({ hasText: late.reference })).toContainText('否');
  // Only what reports contain: never the incident's title, steps or notes.
  await expect(deptPage.getByTestId('sector-operators')).not.toContainText('调度系统遭勒索软件加密');
  await expectNoSeriousA11yViolations(deptPage, 'the sector overview');
  await screenshot(deptPage, 'sector-overview-zh');

  // A department of another sector sees none of it.
  const otherContext = await newContext();
  await signInThroughApi(otherContext, other.officer, contract);
  const otherPage = await otherContext.newPage();
  await otherPage.goto('/sector');
  await expect(otherPage.getByTestId('sector-operators')).toContainText('暂无数据');
  await expect(otherPage.getByTestId('sector-operators')).not.toContainText(op.name);
  await expect(otherPage.getByTestId('sector-pending-warnings')).not.toContainText(warning.reference);
  await otherPage.goto('/metrics');
  await expect(otherPage.getByTestId('department-totals')).toContainText('收到报告');
  expect(await statistic(otherPage, 'department-totals', '收到报告')).toBe('0');
  const refused = await otherContext.request.get(`/api/v1/metrics/sector/operators/${op.id}/incidents`);
  expect(refused.status()).toBe(404);
  // An operator never reaches the sector overview.
  await page.goto('/sector');
  await expect(page.getByRole('heading', { level: 1 })).toContainText(/未找到|不存在|Not found/);
});
