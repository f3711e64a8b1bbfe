import { readFileSync } from 'node:fs';
import { expect, signInThroughApi, test } from './support/fixtures';
import { createTeam, declareRansomware } from './support/incident';

/** TLP 2.0's marking definition for TLP:GREEN (the official STIX id). */
const TLP_GREEN = 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb';

/**
 * Indicators and sharing: the commander picks the incident, records an indicator of compromise (a second
 * time is refused and the page says why), and exports the incident as STIX 2.1 with TLP:GREEN — the
 * downloaded bundle carries the indicator and marks every object green.
 */
test('an indicator added and the incident exported as STIX with the TLP chosen', async ({
  page,
  context,
  admin,
  contract,
}) => {
  const team = await createTeam(admin);
  const incident = await declareRansomware(admin, team.commanderToken, '勒索软件 C2 通信');
  await signInThroughApi(context, team.commander, contract);

  await page.goto('/');
  await page.getByRole('menuitem', { name: '威胁指标与共享' }).click();
  await expect(page.getByRole('heading', { name: '威胁指标与共享' })).toBeVisible();
  await page.getByLabel('事件').click();
  await page.getByLabel('事件').fill(incident.reference);
  await page.locator('.ant-select-item-option', { hasText: incident.reference }).click();
  await expect(page).toHaveURL(new RegExp(`/indicators/${incident.id}$`));

  const panel = page.getByTestId('indicators-panel');
  await panel.getByLabel('类型').click();
  await page.locator('.ant-select-item-option', { hasText: '域名' }).click();
  await panel.getByLabel('值').fill('c2.ransom-gang.example');
  await panel.getByLabel('说明').fill('勒索软件回连域名');
  await panel.getByRole('button', { name: '添加' }).click();
  const table = page.getByTestId('indicator-table');
  await expect(table).toContainText('c2.ransom-gang.example');
  await expect(table).toContainText('域名');

  // The same again: refused, and said so.
  await panel.getByLabel('值').fill('c2.ransom-gang.example');
  await panel.getByRole('button', { name: '添加' }).click();
  await expect(panel.getByRole('alert')).toHaveText('此威胁指标已经记录过了。');

  // Export with TLP:GREEN, desensitised (the default).
  await panel.getByLabel('TLP 等级').click();
  await page.locator('.ant-select-item-option', { hasText: 'TLP:GREEN' }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    panel.getByRole('button', { name: '导出 STIX' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${incident.reference}.tlp-green.stix.json`);
  const bundle = JSON.parse(readFileSync((await download.path())!, 'utf8')) as {
    type: string;
    objects: Array<{
      type: string;
      id: string;
      pattern?: string;
      created_by_ref?: string;
      object_marking_refs?: string[];
    }>;
  };
  expect(bundle.type).toBe('bundle');
  const indicator = bundle.objects.find((o) => o.type === 'indicator');
  expect(indicator?.pattern).toContain('c2.ransom-gang.example');
  // Everything about the incident is marked; the extension's definition and its author are public definitions.
  const extension = bundle.objects.find((o) => o.type === 'extension-definition');
  expect(extension?.created_by_ref).toMatch(/^identity--/);
  const definitions = [extension!.id, extension!.created_by_ref];
  for (const o of bundle.objects.filter((x) => x.type !== 'marking-definition' && !definitions.includes(x.id))) {
    expect(o.object_marking_refs).toEqual([TLP_GREEN]);
  }
  expect(bundle.objects.some((o) => o.id === TLP_GREEN)).toBe(true);

  // The same panel is the incident page's indicators tab.
  await page.goto(`/incidents/${incident.id}`);
  await page.getByRole('tab', { name: '威胁指标' }).click();
  await expect(page.getByTestId('indicator-table')).toContainText('c2.ransom-gang.example');
});
