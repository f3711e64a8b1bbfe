import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from '../../web/src/api/schema';
import { startTestService, type TestService } from '../support/harness';

type Schemas = components['schemas'];

/**
 * A client generated from openapi.json (openapi-typescript, web/src/api/schema.d.ts: the console's
 * own client types) used the ordinary way with openapi-fetch against the service listening on
 * loopback. `npm run typecheck` compiles this file under `strict`, so a document that makes ordinary
 * use fail to compile fails there; running it shows the types describe what the service answers (and
 * the contract check sees every answer, as for any e2e suite).
 */
describe('a client generated from the OpenAPI document', () => {
  jest.setTimeout(60_000);
  let svc: TestService;
  let admin: Client<paths>;

  const client = (token: string) =>
    createClient<paths>({ baseUrl: svc.handle.url, headers: { Authorization: `Bearer ${token}` } });

  /** The data of a successful answer; a failed one fails the test with its error body. */
  function ok<T>(answer: { data?: T; error?: Schemas['ErrorBody'] | unknown; response: Response }): T {
    if (answer.data === undefined) {
      throw new Error(`${answer.response.status}: ${JSON.stringify(answer.error)}`);
    }
    return answer.data;
  }

  async function person(orgId: string, role: Schemas['CreateUserDto']['role']): Promise<Client<paths>> {
    const user = ok(
      await admin.POST('/api/v1/admin/organisations/{orgId}/users', {
        params: { path: { orgId } },
        body: { name: `${role} 一号`, role },
      }),
    );
    const enrolment = ok(
      await admin.POST('/api/v1/admin/users/{userId}/enrolment', { params: { path: { userId: user.id } } }),
    );
    const anonymous = createClient<paths>({ baseUrl: svc.handle.url });
    const issued = ok(
      await anonymous.POST('/api/v1/enrolments/redeem', { body: { code: enrolment.code, tokenName: 'laptop' } }),
    );
    return client(issued.token);
  }

  beforeAll(async () => {
    svc = await startTestService({ listen: true });
    admin = client(svc.adminToken);
  });
  afterAll(() => svc?.close());

  it('declares an incident, completes and reopens steps, applies events, lists incidents, reads a report', async () => {
    const org: Schemas['OrganisationView'] = ok(
      await admin.POST('/api/v1/admin/organisations', {
        body: { name: '某证券公司', kind: 'operator', sector: 'finance', operatorKind: 'cii' },
      }),
    );
    const commander = await person(org.id, 'commander');
    const liaison = await person(org.id, 'liaison');

    const declared = ok(
      await commander.POST('/api/v1/incidents', {
        body: {
          title: '核心交易系统遭勒索软件加密',
          category: 'ransomware',
          grade: 'II',
          detectedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
        },
      }),
    );
    expect(declared.state).toBe('triage');
    const openTriage = declared.steps.filter((s) => s.phase === 'triage' && s.mandatory && s.status === 'open');
    for (const step of openTriage) {
      ok(
        await commander.POST('/api/v1/incidents/{id}/steps/{stepId}/complete', {
          params: { path: { id: declared.id, stepId: step.id } },
          body: { note: 'done', evidence: [`sha256:${step.id}`] },
        }),
      );
    }

    // A step found wanting is reopened and done again.
    const redo = openTriage[0];
    const reopened = ok(
      await commander.POST('/api/v1/incidents/{id}/steps/{stepId}/reopen', {
        params: { path: { id: declared.id, stepId: redo.id } },
        body: { reason: '证据需要补充' },
      }),
    );
    expect('steps' in reopened && reopened.steps.find((s) => s.id === redo.id)?.status).toBe('open');
    ok(
      await commander.POST('/api/v1/incidents/{id}/steps/{stepId}/complete', {
        params: { path: { id: declared.id, stepId: redo.id } },
        body: { note: 'done again', evidence: [`sha256:${redo.id}-2`] },
      }),
    );
    const playbooks = ok(await commander.GET('/api/v1/playbooks'));
    expect(playbooks.find((b) => b.categories.includes('ransomware'))?.steps.map((t) => t.id)).toContain(redo.id);

    // The answer to an event is the whole incident, or with Prefer: return=minimal only the outcome.
    const confirmed = ok(
      await commander.POST('/api/v1/incidents/{id}/events', {
        params: { path: { id: declared.id } },
        body: { type: 'CONFIRM', grade: 'II' },
      }),
    );
    const full: Schemas['IncidentView'] | undefined = 'steps' in confirmed ? confirmed : undefined;
    expect(full?.allowedEvents).toEqual(expect.arrayContaining(['REGRADE']));
    const minimal = ok(
      await commander.POST('/api/v1/incidents/{id}/events', {
        params: { path: { id: declared.id }, header: { Prefer: 'return=minimal' } },
        body: { type: 'REGRADE', grade: 'I', reason: '影响扩大到全部交易渠道', expectedVersion: confirmed.version },
      }),
    );
    expect('steps' in minimal).toBe(false);
    expect(minimal.grade).toBe('I');

    const page = ok(await commander.GET('/api/v1/incidents', { params: { query: { page: 1, pageSize: 10 } } }));
    expect(page.items.map((i) => i.reference)).toContain(declared.reference);

    const drafted = ok(
      await liaison.POST('/api/v1/incidents/{id}/reports', {
        params: { path: { id: declared.id } },
        body: { kind: 'initial', partial: true },
      }),
    );
    const report = ok(await liaison.GET('/api/v1/reports/{id}', { params: { path: { id: drafted.id } } }));
    const owed: string[] = report.missingFields;
    const submittedAt: string | null = report.submittedAt;
    expect({ status: report.status, submittedAt, owed: owed.length > 0 }).toEqual({
      status: 'draft',
      submittedAt: null,
      owed: true,
    });
    const reports = ok(await liaison.GET('/api/v1/incidents/{id}/reports', { params: { path: { id: declared.id } } }));
    expect(reports.items.map((r) => r.id)).toEqual([drafted.id]);

    // An error answer is typed too: the one ErrorBody shape.
    const missing = await commander.GET('/api/v1/incidents/{id}', {
      params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
    });
    const error: Schemas['ErrorBody'] | undefined = missing.error;
    expect({ status: missing.response.status, statusCode: error?.statusCode }).toEqual({
      status: 404,
      statusCode: 404,
    });
  });
});
