import { PLAYBOOKS, KNOWN_PARENTS } from '../../../workflows/playbooks';
import { exportCacao } from '../../../src/plans/cacao/cacao-export';
import { importCacao } from '../../../src/plans/cacao/cacao-import';
import { cacaoValidator } from '../../../src/plans/cacao/cacao-validator';
import { APPROVAL_TIMEOUT } from '../../../src/clocks/clock-kinds';
import { CHANNEL_KINDS } from '../../../src/notifications/channels/types';
import { subscriptionWants } from '../../../src/notifications/routing';
import { checkPlan } from '../../../src/plans/plan-check';
import { defaultDocument } from '../../../src/plans/plan-defaults';
import { diffPlans } from '../../../src/plans/plan-diff';
import {
  NOTIFY_CHANNELS,
  planActionsFor,
  PlanDocumentError,
  stepsFor,
  validatePlanDocument,
  type PlanDocument,
  type PlanStep,
} from '../../../src/plans/plan-document';

const rules = {
  isCategory: (c: string) => c in KNOWN_PARENTS || ['malware'].includes(c),
  isRequirement: () => true,
};
const ancestors = (code: string): string[] => {
  const out: string[] = [];
  for (let c = KNOWN_PARENTS[code]; c; c = KNOWN_PARENTS[c]) out.push(c);
  return out;
};
const PROVIDER = '0b6f1c3e-8a8f-4c3b-9f57-1d2e3f4a5b6c';
const subject = {
  planKey: 'p-1',
  orgId: 'org-1',
  created: '2026-12-01T08:00:00Z',
  modified: '2026-12-02T09:30:00Z',
  version: 2,
};

const approval: PlanStep = {
  id: 'approve-isolation',
  phase: 'containment',
  title: { zh: '批准隔离核心系统', en: 'Approve isolating the core systems' },
  guidance: { zh: '', en: '' },
  roles: ['leader'],
  mandatory: true,
  evidence: [],
  requirements: [],
  approval: { role: 'leader', timeout: 'PT4H' },
};
const notification: PlanStep = {
  id: 'tell-leader',
  phase: 'containment',
  title: { zh: '通知分管领导', en: 'Tell the leader' },
  guidance: { zh: '', en: '' },
  roles: ['commander'],
  mandatory: false,
  evidence: [],
  requirements: [],
  notify: { role: 'leader', channel: 'webhook' },
};
const provider: PlanStep = {
  id: 'provider-report',
  phase: 'eradication',
  title: { zh: '运维服务商报告', en: "The operations provider's report" },
  guidance: { zh: '', en: '' },
  roles: ['commander', 'responder'],
  mandatory: true,
  evidence: [],
  requirements: [],
  provider: { providerId: PROVIDER },
};

function withKinds(): PlanDocument {
  const doc = defaultDocument(PLAYBOOKS.find((p) => p.id === 'ransomware')!);
  doc.steps.push(approval, notification, provider);
  return validatePlanDocument(doc, rules);
}

const ROLES_LEADER = 'an approval step is decided by its approval.role alone: roles must be ["leader"]';

function problems(doc: unknown): string[] {
  try {
    validatePlanDocument(doc, rules);
    return [];
  } catch (e) {
    return (e as PlanDocumentError).problems.map((p) => `${p.field}: ${p.messages.join('; ')}`);
  }
}

describe('plan step kinds: approval, notification, service provider', () => {
  it('are valid plan document steps, and pass the model check', () => {
    const doc = withKinds();
    expect(doc.steps.find((s) => s.id === 'approve-isolation')!.approval).toEqual({ role: 'leader', timeout: 'PT4H' });
    expect(checkPlan(doc, ancestors)).toEqual([]);
  });

  it('refuses malformed kinds naming each field', () => {
    const doc = defaultDocument(PLAYBOOKS.find((p) => p.id === 'ransomware')!);
    doc.steps.push(
      { ...approval, approval: { role: 'chief' as never, timeout: 'four hours' } },
      { ...approval, id: 'a2', roles: ['commander'], mandatory: false },
      { ...notification, id: 'n1', mandatory: true, notify: { role: 'viewer' as never, channel: 'fax' as never } },
      { ...notification, id: 'n2', notify: {} },
      { ...provider, id: 'p1', provider: { providerId: 'acme' } },
      { ...provider, id: 'p2', approval: approval.approval },
    );
    const n = doc.steps.length;
    expect(problems(doc)).toEqual([
      `document.steps[${n - 6}].approval.role: must be one of admin, leader, commander, responder, liaison, viewer`,
      `document.steps[${n - 6}].approval.timeout: must be an ISO 8601 duration from PT1M to P30D (e.g. PT4H)`,
      `document.steps[${n - 5}].roles: ${ROLES_LEADER}`,
      `document.steps[${n - 5}].mandatory: an approval step blocks its phase: must be true`,
      `document.steps[${n - 4}].notify.role: must be one of commander, leader, admin`,
      `document.steps[${n - 4}].notify.channel: must be one of webhook, email, wecom, dingtalk, feishu`,
      `document.steps[${n - 4}].mandatory: a notification step is sent, not completed by anyone: must be false`,
      `document.steps[${n - 3}].notify: must be an object with role, channel or both`,
      `document.steps[${n - 2}].provider.providerId: must be the id of a service provider of your organisation`,
      `document.steps[${n - 1}].provider: a step is of one kind: it has approval and provider`,
      `document.steps[${n - 1}].roles: ${ROLES_LEADER}`,
    ]);
  });

  it('an approval no role that completes steps can decide fails the model check', () => {
    const doc = defaultDocument(PLAYBOOKS.find((p) => p.id === 'ransomware')!);
    doc.steps.push({ ...approval, roles: ['viewer'], approval: { role: 'viewer', timeout: 'PT1H' } });
    const failures = checkPlan(validatePlanDocument(doc, rules), ancestors);
    expect(failures.map((f) => f.rule)).toContain('step-unreachable');
    expect(failures.flatMap((f) => f.steps)).toContain('approve-isolation');
  });

  it('a notification step is no checklist item; every kind is a plan action of the incident', () => {
    const doc = withKinds();
    const facts = { grade: 'II' as const, categories: ['ransomware'], drill: false, personalInformation: false };
    expect(stepsFor(doc, facts).map((s) => s.id)).not.toContain('tell-leader');
    expect(stepsFor(doc, facts).find((s) => s.id === 'approve-isolation')!.roles).toEqual(['leader']);
    expect(planActionsFor(doc, facts).map((a) => [a.stepId, a.kind])).toEqual([
      ['approve-isolation', 'approval'],
      ['tell-leader', 'notification'],
      ['provider-report', 'service-provider'],
    ]);
  });

  it('diffs the kinds between versions', () => {
    const a = withKinds();
    const b = structuredClone(a);
    b.steps.find((s) => s.id === 'approve-isolation')!.approval = { role: 'leader', timeout: 'PT2H' };
    b.steps.find((s) => s.id === 'tell-leader')!.notify = { role: 'admin' };
    expect(diffPlans(a, b).stepsChanged).toEqual([
      {
        id: 'approve-isolation',
        fields: [
          { field: 'approval', from: { role: 'leader', timeout: 'PT4H' }, to: { role: 'leader', timeout: 'PT2H' } },
        ],
      },
      {
        id: 'tell-leader',
        fields: [{ field: 'notify', from: { role: 'leader', channel: 'webhook' }, to: { role: 'admin' } }],
      },
    ]);
  });

  it('exports to valid CACAO 2.0 (an approval: an action, manual command, the deciding role) and imports back', () => {
    const original = withKinds();
    const pb = exportCacao(original, subject);
    expect(cacaoValidator().check(pb)).toEqual([]);
    const workflow = pb.workflow as Record<
      string,
      { type: string; agent?: string; commands?: Array<{ type: string; command: string }> }
    >;
    const agents = pb.agent_definitions as Record<string, { name: string }>;
    const approvalStep = Object.values(workflow).find((s) => s.commands?.[0]?.command.startsWith('[approval]'))!;
    expect(approvalStep.type).toBe('action');
    expect(approvalStep.commands![0]!.type).toBe('manual');
    expect(agents[approvalStep.agent!]!.name).toBe('leader');
    const back = importCacao(JSON.parse(JSON.stringify(pb)));
    expect(back.skipped).toEqual([]);
    expect(validatePlanDocument(back.document, rules)).toEqual(original);
  });

  it('every shipped default plan still exports valid', () => {
    for (const p of PLAYBOOKS) expect(cacaoValidator().check(exportCacao(defaultDocument(p), subject))).toEqual([]);
  });

  it('the notification channels are the notifications module’s', () => {
    expect([...NOTIFY_CHANNELS].sort()).toEqual([...CHANNEL_KINDS].sort());
  });

  it('routes a notification step to the chosen channel and role only, whatever events a subscription lists', () => {
    const sub = (channel: string, roles: string[]) => ({
      channel,
      roles,
      events: ['incident.declared'],
      grades: [],
      drill: 'include' as const,
    });
    const p = {
      orgId: 'o',
      event: 'plan.notification',
      data: {},
      drill: false,
      notify: { role: 'leader', channel: 'webhook' },
    };
    expect(subscriptionWants(sub('webhook', ['leader']), p)).toBe(true);
    expect(subscriptionWants(sub('email', ['leader']), p)).toBe(false);
    expect(subscriptionWants(sub('webhook', ['admin']), p)).toBe(false);
    expect(subscriptionWants(sub('webhook', []), p)).toBe(false);
    expect(subscriptionWants(sub('email', []), { ...p, notify: { channel: 'email' } })).toBe(true);
  });

  it('the approval clock spells its jobs apart from every other clock', () => {
    const ref = { incidentId: 'i-1', stepId: 'approve-isolation' };
    expect(APPROVAL_TIMEOUT.jobId(ref, 'due')).toBe('apv.i-1.approve-isolation.due');
    expect(APPROVAL_TIMEOUT.jobId(ref, { escalate: 2 })).toBe('apv.i-1.approve-isolation.esc.2');
    expect(APPROVAL_TIMEOUT.refOf(APPROVAL_TIMEOUT.payload(ref))).toEqual(ref);
  });
});
