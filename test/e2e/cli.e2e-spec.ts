import { runCli } from '../../src/cli/cli';
import { createOrg, startTestService, TestService } from '../support/harness';

/** The CLI against a real listening server over loopback HTTP. */
describe('cli', () => {
  let svc: TestService;
  let env: Record<string, string>;
  let tokens: Awaited<ReturnType<typeof createOrg>>['tokens'];

  beforeAll(async () => {
    svc = await startTestService({ listen: true });
    tokens = (await createOrg(svc, { name: 'Water utility', kind: 'operator', sector: 'water', operatorKind: 'other' }, ['commander', 'viewer'])).tokens;
    env = { LIANFANG_URL: svc.handle.url!, LIANFANG_TOKEN: tokens.commander.token };
  });
  afterAll(async () => svc?.close());

  async function cli(args: string[], e: Record<string, string> = env) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { env: e, out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('declares, lists, shows, completes a step, sends an event and prints the timeline', async () => {
    const declared = await cli(['declare', '--title', '水厂SCADA异常', '--category', 'intrusion', '--grade', 'III', '--system', 'scada-01', '--drill', '--detected-at', new Date(Date.now() - 60_000).toISOString()]);
    expect(declared.code).toBe(0);
    const ref = /INC-\d{4}-\d{6}/.exec(declared.out)![0];
    expect(declared.out).toContain('[DRILL 演练]');
    expect(declared.out).toMatch(/state "?triage/);

    const list = await cli(['list', '--drill', 'true']);
    expect(list.code).toBe(0);
    expect(list.out).toContain(ref);

    const shown = await cli(['show', ref, '--json']);
    const incident = JSON.parse(shown.out);
    expect(incident.reference).toBe(ref);
    const step = incident.steps.find((s: { phase: string; roles: string[] }) => s.phase === 'triage' && s.roles.includes('commander'));

    const done = await cli(['complete', ref, step.id, '--note', 'checked', '--evidence', 'sha256:abc']);
    expect(done.code).toBe(0);
    expect(done.out).toContain(`[x] triage`);

    const refused = await cli(['event', ref, 'ADVANCE']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/error 409/);
    expect(refused.err).toMatch(/allowed now: .*DISMISS/);

    const dismissed = await cli(['event', ref, 'DISMISS', 'reason=drill over', '--expected-version', String(incident.version + 1)]);
    expect(dismissed.code).toBe(0);
    expect(dismissed.out).toContain('state dismissed');

    const timeline = await cli(['timeline', ref]);
    expect(timeline.out.split('\n').map((l) => l.split('  ')[2])).toEqual(['incident.declared', 'incident.event.COMPLETE_STEP', 'incident.event.DISMISS']);
  });

  it('reports field errors, usage errors and a missing token', async () => {
    const bad = await cli(['declare', '--title', 'x', '--category', 'malware', '--grade', 'V']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/error 400/);
    expect(bad.err).toMatch(/grade:/);
    expect((await cli(['declare', '--title', 'x'])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['list'], { LIANFANG_URL: env.LIANFANG_URL })).code).toBe(2);
    const viewer = await cli(['declare', '--title', 'x', '--category', 'malware', '--grade', 'IV'], { ...env, LIANFANG_TOKEN: tokens.viewer.token });
    expect(viewer.code).toBe(1);
    expect(viewer.err).toMatch(/error 403/);
    expect((await cli(['show', 'INC-1999-000001'])).err).toMatch(/404/);
  });
});
