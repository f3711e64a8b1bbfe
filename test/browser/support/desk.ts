import type { AdminApi, TestOrg, TestUser } from './api';

/**
 * The department desk's specs use a sector of their own (energy; telecom for "another sector"), so their
 * departments never receive the finance operators' reports of the other specs, nor they these.
 */
export async function createOrg(
  admin: AdminApi,
  body: { name: string; kind: 'operator' | 'department'; sector: string; operatorKind?: string },
): Promise<TestOrg> {
  const org = await admin.call<{ id: string; name: string }>('POST', '/api/v1/admin/organisations', body);
  return { id: org.id, name: org.name };
}

export interface Desk {
  dept: TestOrg;
  officer: TestUser;
  officerToken: string;
}

export async function createDepartment(admin: AdminApi, sector: string, name: string): Promise<Desk> {
  const dept = await createOrg(admin, { name, kind: 'department', sector });
  const officer = await admin.createUser(dept.id, 'department-officer', '郑华');
  return { dept, officer, officerToken: await admin.tokenFor(officer) };
}

export interface Operator {
  org: TestOrg;
  commander: TestUser;
  liaison: TestUser;
  commanderToken: string;
  liaisonToken: string;
}

export async function createEnergyOperator(admin: AdminApi, name: string): Promise<Operator> {
  const org = await createOrg(admin, { name, kind: 'operator', sector: 'energy', operatorKind: 'cii' });
  const commander = await admin.createUser(org.id, 'commander', '周婷');
  const liaison = await admin.createUser(org.id, 'liaison', '孙丽');
  return {
    org,
    commander,
    liaison,
    commanderToken: await admin.tokenFor(commander),
    liaisonToken: await admin.tokenFor(liaison),
  };
}

/**
 * A confirmed grade-II ransomware incident with its initial report drafted, filled in and approved through
 * the API: what is left is the liaison's 提交报告.
 */
export async function approvedInitialReport(
  admin: AdminApi,
  op: Operator,
  title: string,
): Promise<{ incidentId: string; reportId: string; reference: string }> {
  const incident = await admin.call<{ id: string }>(
    'POST',
    '/api/v1/incidents',
    {
      title,
      description: '调度系统三台服务器文件被加密。',
      category: 'ransomware',
      grade: 'II',
      detectedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
      affectedSystems: ['dispatch-01'],
      affectedBusiness: ['电力调度'],
    },
    op.commanderToken,
  );
  for (const step of ['confirm-incident', 'assess-grade'])
    await admin.call(
      'POST',
      `/api/v1/incidents/${incident.id}/steps/${step}/complete`,
      { note: '已完成' },
      op.commanderToken,
    );
  await admin.call(
    'POST',
    `/api/v1/incidents/${incident.id}/events`,
    { type: 'CONFIRM', grade: 'II', crimeSuspected: false },
    op.commanderToken,
  );
  const draft = await admin.call<{ id: string; reference: string; missingFields: string[] }>(
    'POST',
    `/api/v1/incidents/${incident.id}/reports`,
    { kind: 'initial' },
    op.liaisonToken,
  );
  const fields = Object.fromEntries(draft.missingFields.map((code) => [code, `${code}：已核实`]));
  await admin.call('PATCH', `/api/v1/reports/${draft.id}`, { fields }, op.liaisonToken);
  await admin.call('POST', `/api/v1/reports/${draft.id}/approve`, undefined, op.commanderToken);
  return { incidentId: incident.id, reportId: draft.id, reference: draft.reference };
}
