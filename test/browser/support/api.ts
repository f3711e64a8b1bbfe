import { randomBytes } from 'node:crypto';
import { appInfo } from './app';
import type { ContractRecorder } from './contract';

export type Role = 'admin' | 'leader' | 'commander' | 'responder' | 'liaison' | 'viewer' | 'department-officer';

/** A person made for a spec: signs in with `username` and `password` (the initial one until changed). */
export interface TestUser {
  id: string;
  orgId: string;
  name: string;
  role: Role;
  username: string;
  password: string;
  /** The TOTP secret once enrolled (the sign-in helpers fill it in). */
  totpSecret?: string;
}

export interface TestOrg {
  id: string;
  name: string;
}

const unique = () => randomBytes(4).toString('hex');

/**
 * The API as a spec's set-up uses it: the platform admin's bootstrap token, every answer checked against
 * openapi.json (the recorder fails the test on a violation).
 */
export class AdminApi {
  readonly baseURL: string;
  private readonly token: string;

  constructor(private readonly recorder: ContractRecorder) {
    const info = appInfo();
    this.baseURL = info.baseURL;
    this.token = info.adminToken;
  }

  async call<T>(method: string, path: string, body?: unknown, token = this.token): Promise<T> {
    const res = await this.recorder.checkedFetch(`${this.baseURL}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** An operator organisation of its own for one spec (CII, finance), so specs never see each other's data. */
  async createOperator(name = `测试证券公司-${unique()}`): Promise<TestOrg> {
    const org = await this.call<{ id: string; name: string }>('POST', '/api/v1/admin/organisations', {
      name,
      kind: 'operator',
      sector: 'finance',
      operatorKind: 'cii',
    });
    return { id: org.id, name: org.name };
  }

  async requireTwoFactor(orgId: string, requireTwoFactor: boolean): Promise<void> {
    await this.call('PUT', `/api/v1/admin/organisations/${orgId}/security`, { requireTwoFactor });
  }

  /** A person with a username and an initial password (changed at the first sign-in). */
  async createUser(orgId: string, role: Role, name: string): Promise<TestUser> {
    const username = `${role}.${unique()}`;
    const password = `Initial-${randomBytes(9).toString('base64url')}`;
    const user = await this.call<{ id: string }>('POST', `/api/v1/admin/organisations/${orgId}/users`, {
      name,
      role,
      username,
      initialPassword: password,
    });
    return { id: user.id, orgId, name, role, username, password };
  }

  /** A bearer token for `user` by enrolment (code issued by the admin, redeemed by the person). */
  async tokenFor(user: TestUser): Promise<string> {
    const { code } = await this.call<{ code: string }>('POST', `/api/v1/admin/users/${user.id}/enrolment`);
    const res = await this.recorder.checkedFetch(`${this.baseURL}/api/v1/enrolments/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, tokenName: 'browser test' }),
    });
    if (!res.ok) throw new Error(`redeem answered ${res.status}: ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  }

  /**
   * Issues a warning as a department officer and waits until every operator has it: the answer (202)
   * comes before the fan-out jobs have created the operators' workflows.
   */
  async issueWarning<T extends { id: string }>(body: Record<string, unknown>, token: string): Promise<T> {
    const warning = await this.call<T>('POST', '/api/v1/warnings', body, token);
    for (const until = Date.now() + 30_000; Date.now() < until;) {
      const seen = await this.call<{ fanout: { status: string } }>(
        'GET',
        `/api/v1/warnings/${warning.id}`,
        undefined,
        token,
      );
      if (seen.fanout.status === 'done') return warning;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the fan-out of warning ${warning.id} did not finish in 30 s`);
  }

  /** Declares an incident as `token`'s holder (admin, leader, commander or responder). */
  async declareIncident(
    token: string,
    body: { title: string; category: string; grade: string; detectedAt: string; drill?: boolean },
  ): Promise<{ id: string; reference: string }> {
    return this.call('POST', '/api/v1/incidents', body, token);
  }

  /**
   * Takes a new incident out of triage as its commander does: completes the open mandatory triage steps
   * and sends CONFIRM, which starts the reporting clocks (the initial report is due from discovery).
   */
  async confirmIncident(commanderToken: string, id: string, grade: string): Promise<void> {
    const incident = await this.call<{
      steps: Array<{ id: string; phase: string; mandatory: boolean; status: string }>;
    }>('GET', `/api/v1/incidents/${id}`, undefined, commanderToken);
    for (const step of incident.steps.filter((s) => s.phase === 'triage' && s.mandatory && s.status === 'open')) {
      await this.call('POST', `/api/v1/incidents/${id}/steps/${step.id}/complete`, { note: 'triage' }, commanderToken);
    }
    await this.call('POST', `/api/v1/incidents/${id}/events`, { type: 'CONFIRM', grade }, commanderToken);
  }

  /** The organisation's audit entries, newest first, as `token`'s holder (an admin or leader of it) sees them. */
  async auditEntries(
    token: string,
    limit = 100,
  ): Promise<Array<{ action: string; actorId: string; payload: unknown }>> {
    const page = await this.call<{ items: Array<{ action: string; actorId: string; payload: unknown }> }>(
      'GET',
      `/api/v1/audit/entries?limit=${limit}`,
      undefined,
      token,
    );
    return page.items;
  }
}
