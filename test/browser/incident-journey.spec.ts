import { expect, signInThroughApi, test } from './support/fixtures';
import {
  completeStepByApi,
  createFinanceDepartment,
  createTeam,
  declareRansomware,
  stepRow,
  waitForLiveStream,
} from './support/incident';

/**
 * The incident journey in the real console against the real service: a grade-II ransomware incident of a CII
 * operator is handled by its team, each person in a browser of their own — the commander completes triage
 * while a responder watches the step turn done live, confirms the incident, the liaison drafts the initial
 * report, the commander approves it, the liaison submits it (public security by phone, recorded), and the
 * delivery to the finance department shows, then its acknowledgement. A viewer sees no action; another
 * organisation's people see "not found".
 */
test.describe('handling an incident in the console', () => {
  test('declare, triage with a colleague watching live, confirm, report: draft, approve, submit, delivery', async ({
    page,
    context,
    admin,
    contract,
    newContext,
  }) => {
    test.setTimeout(300_000);
    const team = await createTeam(admin);
    const dept = await createFinanceDepartment(admin, `金融行业保护工作部门-${Date.now() % 100000}`);
    const incident = await declareRansomware(admin, team.commanderToken);

    // The commander's browser.
    await signInThroughApi(context, team.commander, contract);
    await page.goto(`/incidents/${incident.id}`);
    await expect(page.getByTestId('incident-reference')).toHaveText(incident.reference);
    await expect(page.getByTestId('incident-state')).toContainText('研判');
    await expect(page.getByTestId('incident-grade')).toHaveText('II 级（重大）');
    // Triage's steps, mandatory ones marked, each with the clauses it cites.
    const confirmStep = stepRow(page, 'confirm-incident');
    await expect(confirmStep.getByTestId('step-mandatory')).toHaveText('必做');
    await expect(confirmStep.getByTestId('requirement').first()).toBeVisible();
    // Confirming needs the mandatory triage steps done: not offered yet.
    await expect(page.getByTestId('incident-events').getByRole('button', { name: '确认事件' })).toHaveCount(0);

    // A responder's browser, on the same incident.
    const responderContext = await newContext();
    await signInThroughApi(responderContext, team.responder, contract);
    const responderPage = await responderContext.newPage();
    await responderPage.goto(`/incidents/${incident.id}`);
    await expect(stepRow(responderPage, 'confirm-incident')).toHaveAttribute('data-status', 'open');
    // The grading step is the commander's alone: the responder is not offered it.
    await expect(stepRow(responderPage, 'assess-grade').getByRole('button', { name: '完成' })).toHaveCount(0);
    await waitForLiveStream(responderPage);

    // The commander completes "confirm the incident" with a note and evidence…
    await confirmStep.getByRole('button', { name: '完成' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('备注').fill('告警与主机日志一致，确认为勒索软件攻击。');
    await dialog.getByLabel('证据引用').fill('sha256:9f86d081884c7d659a2feaa0c55ad015');
    await dialog.getByLabel('证据引用').press('Enter');
    await dialog.getByRole('button', { name: '完成' }).click();
    await expect(dialog).toBeHidden();
    await expect(confirmStep).toHaveAttribute('data-status', 'done');
    await expect(confirmStep.getByTestId('step-completion')).toContainText('sha256:9f86d081884c7d659a2feaa0c55ad015');

    // …and the responder's page shows it done, without reloading.
    await expect(stepRow(responderPage, 'confirm-incident')).toHaveAttribute('data-status', 'done');
    await expect(stepRow(responderPage, 'confirm-incident').getByTestId('step-completion')).toContainText(
      '告警与主机日志一致',
    );

    // Hovering a clause shows its text.
    await confirmStep.getByTestId('requirement').first().hover();
    await expect(page.getByTestId('requirement-text')).toBeVisible();

    // Grading, then confirming: grade II, no crime suspected.
    await stepRow(page, 'assess-grade').getByRole('button', { name: '完成' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '完成' }).click();
    await expect(stepRow(page, 'assess-grade')).toHaveAttribute('data-status', 'done');
    await page.getByTestId('incident-events').getByRole('button', { name: '确认事件' }).click();
    const confirm = page.getByRole('dialog');
    await expect(confirm.getByRole('radio', { name: 'II 级（重大）' })).toBeChecked();
    await confirm.getByRole('radio', { name: '不涉嫌' }).check();
    await confirm.getByRole('button', { name: '确认事件' }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByTestId('incident-state')).toContainText('处置');
    await expect(page.getByTestId('phase-containment').getByText('当前阶段')).toBeVisible();
    // Confirmed at grade II, the initial report is due an hour after discovery: its countdown runs in the header.
    const initialDeadline = page.locator('[data-testid="incident-deadline"][data-timer="initial-report"]');
    await expect(initialDeadline.getByTestId('countdown')).toContainText('剩余');
    await expect(responderPage.getByTestId('incident-state')).toContainText('处置');

    // The workflow tab draws the machine with the current states highlighted.
    await page.getByRole('tab', { name: '流程图' }).click();
    await expect(page).toHaveURL(new RegExp(`/incidents/${incident.id}/workflow$`));
    await expect(page.getByTestId('workflow-diagram')).toBeVisible();
    await expect(page.locator('[data-state-id="incident.response.handling.containment"]')).toHaveAttribute(
      'data-active',
      'true',
    );
    await expect(page.locator('[data-state-id="incident.triage"]')).toHaveAttribute('data-active', 'false');
    await expect(page.getByTestId('workflow-current')).toContainText('待报初次报告');

    // The liaison drafts the initial report from the incident's reports tab.
    const liaisonContext = await newContext();
    await signInThroughApi(liaisonContext, team.liaison, contract);
    const liaisonPage = await liaisonContext.newPage();
    await liaisonPage.goto(`/incidents/${incident.id}/reports`);
    await expect(liaisonPage.getByTestId('coverage-missing')).toContainText('公安机关');
    await liaisonPage.getByRole('button', { name: '起草初次报告' }).click();
    await expect(liaisonPage).toHaveURL(/\/reports\/[0-9a-f-]{36}$/);
    const reportId = liaisonPage.url().split('/').pop()!;
    await expect(liaisonPage.getByTestId('report-status')).toHaveAttribute('data-status', 'draft');
    // Required fields still empty are marked; the liaison fills each and saves.
    await expect(liaisonPage.getByTestId('field-missing').first()).toBeVisible();
    const missing = liaisonPage.locator('.ant-form-item').filter({ has: liaisonPage.getByTestId('field-missing') });
    const count = await missing.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++)
      await missing
        .nth(i)
        .locator('textarea')
        .fill(`演练填写的内容 ${i + 1}`);
    await liaisonPage.getByRole('button', { name: '保存' }).click();
    await expect(liaisonPage.getByTestId('field-missing')).toHaveCount(0);
    await expect(liaisonPage.getByTestId('missing-count')).toHaveCount(0);
    // Only the commander or leader approves: the liaison is told so, and offered no submit yet.
    await expect(liaisonPage.getByTestId('report-note')).toContainText('批准后才能提交');
    await expect(liaisonPage.getByRole('button', { name: '提交报告' })).toHaveCount(0);

    // The commander approves.
    await page.goto(`/reports/${reportId}`);
    await expect(page.getByRole('button', { name: '保存' })).toHaveCount(0);
    await page.getByTestId('report-actions').getByRole('button', { name: '批准' }).click();
    await expect(page.getByTestId('report-status')).toHaveAttribute('data-status', 'approved');

    // The liaison's page learns of it live and offers 提交报告; public security is reported by phone first.
    await liaisonPage.getByTestId('report-actions').getByRole('button', { name: '提交报告' }).click();
    const submit = liaisonPage.getByRole('dialog');
    const police = submit.locator('[data-testid="out-of-band"][data-kind="public-security"]');
    await police.getByLabel('接收单位').fill('某市公安局网络安全保卫支队');
    await police.getByLabel('对方回执').fill('110 受理号 20261202-0031');
    await submit.getByRole('button', { name: '提交报告' }).click();
    await expect(submit).toBeHidden();
    await expect(liaisonPage.getByTestId('report-status')).toHaveAttribute('data-status', 'submitted');

    // Each delivery with its status: the department's inbox (delivered, awaiting acknowledgement) and the
    // phone report to public security.
    const deliveries = liaisonPage.getByTestId('deliveries');
    const deptRow = deliveries.locator('tr', { hasText: dept.org.name });
    await expect(deptRow.getByTestId('delivery-status')).toHaveAttribute('data-status', 'delivered');
    await expect(deptRow.getByTestId('delivery-ack')).toHaveAttribute('data-acknowledged', 'false');
    await expect(deptRow.getByTestId('countdown')).toBeVisible();
    const policeRow = deliveries.locator('tr', { hasText: '某市公安局网络安全保卫支队' });
    await expect(policeRow).toContainText('系统外报送');

    // The department acknowledges in its inbox: the liaison's page shows it without reloading.
    await waitForLiveStream(liaisonPage);
    await admin.call('POST', `/api/v1/inbox/reports/${reportId}/acknowledge`, { note: '已收到，正在研判' }, dept.token);
    await expect(deptRow.getByTestId('delivery-ack')).toHaveAttribute('data-acknowledged', 'true');
    await expect(deptRow).toContainText('已收到，正在研判');
    // …and asks for more information: it shows on the report, live too.
    await admin.call(
      'POST',
      `/api/v1/inbox/reports/${reportId}/request-info`,
      { message: '请补充受影响业务的恢复时间。' },
      dept.token,
    );
    await expect(liaisonPage.getByTestId('info-requests')).toContainText('请补充受影响业务的恢复时间。');
    await expect(liaisonPage.getByTestId('info-requests')).toContainText(dept.org.name);

    // The printable version opens in a tab of its own (the service's own HTML, under its CSP).
    const [printable] = await Promise.all([
      liaisonPage.waitForEvent('popup'),
      liaisonPage.getByRole('link', { name: '打印版' }).click(),
    ]);
    await expect(printable.locator('body')).toContainText(incident.reference);
    await printable.close();

    // Back on the incident: the initial report met its deadline.
    await page.goto(`/incidents/${incident.id}`);
    await expect(initialDeadline).toContainText('已按时完成');
    await page.getByRole('tab', { name: '时间线' }).click();
    await expect(page.locator('[data-testid="timeline-entry"][data-action="report.submitted"]')).toBeVisible();
    await page.getByRole('tab', { name: '合规情况' }).click();
    await expect(page.getByTestId('compliance-evidenced')).toContainText('GBT39204');

    // The organisation's report list has it, submitted, delivered and acknowledged.
    await page.getByRole('menuitem', { name: '报告' }).click();
    const listed = page.getByTestId('report-list').locator('tr', { hasText: incident.reference });
    await expect(listed.getByTestId('report-status')).toHaveAttribute('data-status', 'submitted');
    await expect(listed).toContainText(/已送达 \d+\/\d+，已确认 [1-9]/);
  });

  test('a refused event is explained: a colleague reopened a mandatory step while the dialog was open', async ({
    page,
    context,
    admin,
    contract,
  }) => {
    const team = await createTeam(admin);
    // A drill: the same workflow, stamped 演练.
    const incident = await declareRansomware(admin, team.commanderToken, '门户网站被篡改（演练）', 10, true);
    const responderToken = await admin.tokenFor(team.responder);
    await completeStepByApi(admin, responderToken, incident.id, 'confirm-incident');
    await completeStepByApi(admin, team.commanderToken, incident.id, 'assess-grade');

    await signInThroughApi(context, team.commander, contract);
    await page.goto(`/incidents/${incident.id}`);
    await expect(page.getByTestId('drill-stamp')).toHaveText('演练');
    await waitForLiveStream(page);
    await page.getByTestId('incident-events').getByRole('button', { name: '确认事件' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();

    // Meanwhile the responder reopens "confirm the incident": confirming is no longer accepted.
    await admin.call(
      'POST',
      `/api/v1/incidents/${incident.id}/steps/confirm-incident/reopen`,
      { reason: '日志来源有误，需重新核实' },
      responderToken,
    );
    await expect(stepRow(page, 'confirm-incident')).toHaveAttribute('data-status', 'open');
    await dialog.getByRole('button', { name: '确认事件' }).click();
    await expect(dialog.getByTestId('event-refusal')).toHaveText('还有必做步骤未完成：核实事件。请先完成这些步骤。');
    await dialog.getByRole('button', { name: '取消' }).click();
    // The button is gone with the event the API no longer allows.
    await expect(page.getByTestId('incident-events').getByRole('button', { name: '确认事件' })).toHaveCount(0);
    await expect(page.getByTestId('incident-state')).toContainText('研判');
  });

  test('a viewer sees the incident and its reports but no action', async ({ page, context, admin, contract }) => {
    const team = await createTeam(admin);
    const incident = await declareRansomware(admin, team.commanderToken, '数据库服务器异常');
    await completeStepByApi(admin, team.commanderToken, incident.id, 'confirm-incident');
    await completeStepByApi(admin, team.commanderToken, incident.id, 'assess-grade');
    await admin.call(
      'POST',
      `/api/v1/incidents/${incident.id}/events`,
      { type: 'CONFIRM', grade: 'II', crimeSuspected: false },
      team.commanderToken,
    );
    const liaisonToken = await admin.tokenFor(team.liaison);
    const report = await admin.call<{ id: string }>(
      'POST',
      `/api/v1/incidents/${incident.id}/reports`,
      { kind: 'initial' },
      liaisonToken,
    );

    await signInThroughApi(context, team.viewer, contract);
    await page.goto(`/incidents/${incident.id}`);
    await expect(page.getByTestId('incident-reference')).toHaveText(incident.reference);
    await expect(page.getByTestId('step')).not.toHaveCount(0);
    await expect(page.getByTestId('incident-events')).toHaveCount(0);
    await expect(page.getByRole('button', { name: '完成' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: '重新打开' })).toHaveCount(0);

    await page.getByRole('tab', { name: '报告' }).click();
    await expect(page.getByTestId('report-table')).toContainText('初次报告');
    await expect(page.getByTestId('draft-actions')).toHaveCount(0);

    await page.goto(`/reports/${report.id}`);
    await expect(page.getByTestId('report-status')).toHaveAttribute('data-status', 'draft');
    // Only the printable version (a link) is offered.
    await expect(page.getByTestId('report-actions').getByRole('link', { name: '打印版' })).toBeVisible();
    await expect(page.getByTestId('report-actions').getByRole('button')).toHaveCount(0);
    await expect(page.getByRole('button', { name: '保存' })).toHaveCount(0);
    await expect(page.locator('textarea')).toHaveCount(0);

    await page.goto(`/incidents/${incident.id}/indicators`);
    await expect(page.getByTestId('indicator-table')).toBeVisible();
    await expect(page.getByRole('button', { name: '添加' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: '导出 STIX' })).toHaveCount(0);
  });

  test("another organisation's incident and report URLs show not found", async ({ page, context, admin, contract }) => {
    const ours = await createTeam(admin);
    const incident = await declareRansomware(admin, ours.commanderToken, '他人的事件');
    await completeStepByApi(admin, ours.commanderToken, incident.id, 'confirm-incident');
    await completeStepByApi(admin, ours.commanderToken, incident.id, 'assess-grade');
    await admin.call(
      'POST',
      `/api/v1/incidents/${incident.id}/events`,
      { type: 'CONFIRM', grade: 'II', crimeSuspected: false },
      ours.commanderToken,
    );
    const report = await admin.call<{ id: string }>(
      'POST',
      `/api/v1/incidents/${incident.id}/reports`,
      { kind: 'initial' },
      await admin.tokenFor(ours.liaison),
    );
    const otherOrg = await admin.createOperator();
    const stranger = await admin.createUser(otherOrg.id, 'commander', '吴刚');
    await signInThroughApi(context, stranger, contract);

    await page.goto(`/incidents/${incident.id}`);
    await expect(page.getByTestId('incident-not-found')).toBeVisible();
    await expect(page.getByRole('heading', { name: '未找到' })).toBeVisible();
    await expect(page.getByText('他人的事件')).toHaveCount(0);
    await page.goto(`/incidents/${incident.id}/timeline`);
    await expect(page.getByTestId('incident-not-found')).toBeVisible();
    await page.goto(`/reports/${report.id}`);
    await expect(page.getByRole('heading', { name: '未找到' })).toBeVisible();
    await expect(page.getByText('报告不存在，或不属于您的组织。')).toBeVisible();
  });
});
