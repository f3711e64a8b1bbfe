import { expect, type Page } from '@playwright/test';
import type { AdminApi, TestOrg, TestUser } from './api';

/** What the incident, report, warning and indicator specs set up: an operator, its team, a department. */
export interface Team {
  org: TestOrg;
  commander: TestUser;
  responder: TestUser;
  liaison: TestUser;
  leader: TestUser;
  viewer: TestUser;
  /** The commander's bearer token, for set-up through the API. */
  commanderToken: string;
}

export async function createTeam(admin: AdminApi, names: Partial<Record<keyof Team, string>> = {}): Promise<Team> {
  const org = await admin.createOperator();
  const commander = await admin.createUser(org.id, 'commander', names.commander ?? '周婷');
  const responder = await admin.createUser(org.id, 'responder', names.responder ?? '王强');
  const liaison = await admin.createUser(org.id, 'liaison', names.liaison ?? '孙丽');
  const leader = await admin.createUser(org.id, 'leader', names.leader ?? '赵敏');
  const viewer = await admin.createUser(org.id, 'viewer', names.viewer ?? '钱进');
  return { org, commander, responder, liaison, leader, viewer, commanderToken: await admin.tokenFor(commander) };
}

/** A protection department of the operators' sector (finance), whose inbox receives their reports. */
export async function createFinanceDepartment(admin: AdminApi, name: string) {
  const org = await admin.call<{ id: string; name: string }>('POST', '/api/v1/admin/organisations', {
    name,
    kind: 'department',
    sector: 'finance',
  });
  const officer = await admin.createUser(org.id, 'department-officer', '郑华');
  return { org, officer, token: await admin.tokenFor(officer) };
}

export interface DeclaredIncident {
  id: string;
  reference: string;
  version: number;
}

/** A grade-II ransomware incident detected `minutesAgo` minutes ago, declared through the API. */
export async function declareRansomware(
  admin: AdminApi,
  token: string,
  title = '核心交易系统遭勒索软件加密',
  minutesAgo = 10,
  drill = false,
): Promise<DeclaredIncident> {
  return admin.call<DeclaredIncident>(
    'POST',
    '/api/v1/incidents',
    {
      title,
      description: '三台应用服务器文件被加密，勒索信要求支付比特币。',
      category: 'ransomware',
      grade: 'II',
      detectedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      affectedSystems: ['trade-app-01', 'trade-db-01'],
      affectedBusiness: ['网上交易'],
      drill,
    },
    token,
  );
}

/** Completes a step through the API as `token`'s holder. */
export async function completeStepByApi(admin: AdminApi, token: string, incidentId: string, stepId: string) {
  await admin.call('POST', `/api/v1/incidents/${incidentId}/steps/${stepId}/complete`, { note: '已完成' }, token);
}

/** The step's row on the incident page. */
export const stepRow = (page: Page, stepId: string) => page.locator(`[data-testid="step"][data-step-id="${stepId}"]`);

/** Waits until the page's live stream (web/src/live/stream.ts) is open, so the next change reaches it. */
export async function waitForLiveStream(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate(
        () => (globalThis as { __lianfangLive?: { connected: boolean } }).__lianfangLive?.connected ?? false,
      ),
    )
    .toBe(true);
}
