import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PLAYBOOKS, KNOWN_PARENTS } from '../../../workflows/playbooks';
import { exportCacao } from '../../../src/plans/cacao/cacao-export';
import { CacaoInputError, importCacao, CACAO_LIMITS } from '../../../src/plans/cacao/cacao-import';
import { cacaoValidator } from '../../../src/plans/cacao/cacao-validator';
import { CACAO_SCHEMA_FILES } from '../../../src/plans/cacao/schemas';
import { checkPlan } from '../../../src/plans/plan-check';
import { defaultDocument } from '../../../src/plans/plan-defaults';
import { validatePlanDocument, type PlanDocument } from '../../../src/plans/plan-document';
import { handWrittenPlaybook } from './cacao-fixtures';

const VENDORED = join(__dirname, '../../../src/plans/cacao/schemas');
const subject = {
  planKey: 'p-1',
  orgId: 'org-1',
  created: '2026-12-01T08:00:00Z',
  modified: '2026-12-02T09:30:00Z',
  version: 3,
};
const rules = {
  isCategory: (c: string) =>
    c in KNOWN_PARENTS || ['malware', 'network-attack', 'data-security', 'equipment-failure'].includes(c),
  isRequirement: () => true,
};
const ancestors = (code: string): string[] => {
  const out: string[] = [];
  for (let c = KNOWN_PARENTS[code]; c; c = KNOWN_PARENTS[c]) out.push(c);
  return out;
};

function jsonFiles(root: string): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) stack.push(full);
      else if (name.endsWith('.json')) out.push(relative(root, full));
    }
  }
  return out.sort();
}

describe('vendored OASIS CACAO schemas', () => {
  it('index.ts lists every schema file, each byte for byte as recorded, with the Apache-2.0 licence', () => {
    expect(CACAO_SCHEMA_FILES.map((f) => f.file).sort()).toEqual(jsonFiles(VENDORED));
    const sums = readFileSync(join(VENDORED, 'SHA256SUMS'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/));
    expect(sums.map(([, f]) => f).sort()).toEqual(jsonFiles(VENDORED));
    for (const [digest, file] of sums)
      expect(
        createHash('sha256')
          .update(readFileSync(join(VENDORED, file!)))
          .digest('hex'),
      ).toBe(digest);
    expect(readFileSync(join(VENDORED, 'LICENSE'), 'utf8')).toMatch(/Apache License/);
    expect(readFileSync(join(VENDORED, 'SOURCE.md'), 'utf8')).toMatch(/Apache-2.0/);
  });

  it('enforce unevaluatedProperties (a misspelt property is refused)', () => {
    const pb = handWrittenPlaybook();
    (pb as Record<string, unknown>).nmae = 'typo';
    expect(
      cacaoValidator()
        .check(pb)
        .map((p) => p.message)
        .join(),
    ).toMatch(/nmae/);
  });
});

describe('CACAO export', () => {
  it.each(PLAYBOOKS.map((p) => [p.id, p] as const))(
    'the shipped %s plan exports a valid cacao-2.0 playbook',
    (_id, p) => {
      const pb = exportCacao(defaultDocument(p), subject);
      expect(pb.spec_version).toBe('cacao-2.0');
      expect(cacaoValidator().check(pb)).toEqual([]);
    },
  );

  it('a round trip gives an equivalent plan (conditions included)', () => {
    const doc = defaultDocument(PLAYBOOKS.find((p) => p.id === 'ransomware')!);
    doc.steps.push({
      id: 'call-hotline',
      phase: 'containment',
      title: { zh: '电话通报', en: 'Call the hotline' },
      guidance: { zh: '先打电话。', en: 'Call first.' },
      roles: ['commander', 'liaison'],
      mandatory: true,
      evidence: [],
      requirements: ['GBT39204-11.3-b'],
      condition: { all: [{ gradeAtLeast: 'II' }, { not: { drill: true } }] },
    });
    const original = validatePlanDocument(doc, rules);
    const pb = exportCacao(original, subject);
    expect(cacaoValidator().check(pb)).toEqual([]);
    const back = importCacao(JSON.parse(JSON.stringify(pb)));
    expect(back.skipped).toEqual([]);
    expect(validatePlanDocument(back.document, rules)).toEqual(original);
  });
  it('a sub-plan step exports as a playbook-action and comes back as the same sub-plan step', () => {
    const doc = defaultDocument(PLAYBOOKS.find((p) => p.id === 'ddos')!);
    doc.steps.push({
      id: 'personal-information',
      phase: 'containment',
      title: { zh: '个人信息处置', en: 'Personal information' },
      guidance: { zh: '', en: '' },
      roles: ['commander'],
      mandatory: true,
      evidence: [],
      requirements: [],
      subPlan: { planId: '0b6f1c3e-8a8f-4c3b-9f57-1d2e3f4a5b6c', version: 2 },
    });
    const original = validatePlanDocument(doc, rules);
    const pb = exportCacao(original, subject);
    expect(cacaoValidator().check(pb)).toEqual([]);
    expect(Object.keys(pb.workflow as object).filter((k) => k.startsWith('playbook-action--'))).toHaveLength(1);
    expect(validatePlanDocument(importCacao(pb).document, rules)).toEqual(original);
  });
});

describe('CACAO import', () => {
  it('imports a hand-written playbook in the style of the specification, reporting what it skipped', () => {
    const pb = handWrittenPlaybook();
    expect(cacaoValidator().check(pb)).toEqual([]);
    const out = importCacao(pb);
    expect(out.document.categories).toBeNull();
    expect(out.document.steps.map((s) => [s.id, s.phase])).toEqual([
      ['collect-the-reported-emails', 'triage'],
      ['block-the-sender', 'containment'],
      ['purge-the-email-from-mailboxes', 'eradication'],
      ['run-the-credential-reset-playbook', 'containment'],
    ]);
    expect(out.document.steps[1]!.guidance.en).toMatch(/Block __sender__/);
    expect(out.skipped.map((s) => s.path).sort()).toEqual([
      '/playbook_variables',
      '/workflow/action--a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5e/commands/1',
      '/workflow/if-condition--c1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c60/condition',
    ]);
    const plan: PlanDocument = validatePlanDocument({ ...out.document, categories: ['phishing'] }, rules);
    expect(checkPlan(plan, ancestors)).toEqual([]);
  });

  const refusals: Array<[string, () => unknown, string]> = [
    ['not a playbook', () => ({ type: 'bundle' }), 'not-a-playbook'],
    [
      'another spec version',
      () => ({ ...handWrittenPlaybook(), spec_version: 'cacao-1.0' }),
      'unsupported-spec-version',
    ],
    [
      'too deep',
      () => {
        let deep: Record<string, unknown> = {};
        const root = deep;
        for (let i = 0; i < 40; i++) deep = (deep.x = {}) as Record<string, unknown>;
        return { ...handWrittenPlaybook(), labels: [root] };
      },
      'too-deep',
    ],
    [
      'a huge string',
      () => ({ ...handWrittenPlaybook(), description: 'x'.repeat(CACAO_LIMITS.maxStringLength + 1) }),
      'string-too-long',
    ],
    [
      'too many steps',
      () => {
        const pb = handWrittenPlaybook();
        const wf = pb.workflow as Record<string, unknown>;
        for (let i = 0; i < CACAO_LIMITS.maxSteps; i++)
          wf[`end--00000000-0000-4000-8000-${String(i).padStart(12, '0')}`] = { type: 'end' };
        return pb;
      },
      'too-many-steps',
    ],
    ['a schema violation', () => ({ ...handWrittenPlaybook(), created: 'yesterday' }), 'schema'],
    [
      'a dangling reference',
      () => {
        const pb = handWrittenPlaybook();
        const wf = pb.workflow as Record<string, Record<string, unknown>>;
        wf['action--88f4c4fc-eb4f-4a8c-8a5b-c1b5ab0a8a01']!.on_completion =
          'action--00000000-0000-4000-8000-000000000000';
        return pb;
      },
      'workflow',
    ],
    [
      'two starts',
      () => {
        const pb = handWrittenPlaybook();
        (pb.workflow as Record<string, unknown>)['start--00000000-0000-4000-8000-000000000001'] = {
          type: 'start',
          on_completion: 'end--f1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c62',
        };
        return pb;
      },
      'workflow',
    ],
    [
      'a path that never ends',
      () => {
        const pb = handWrittenPlaybook();
        const wf = pb.workflow as Record<string, Record<string, unknown>>;
        wf['playbook-action--e1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c61']!.on_completion =
          'playbook-action--e1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c61';
        return pb;
      },
      'workflow',
    ],
  ];
  it.each(refusals)('refuses %s with a 4xx code', (_what, make, code) => {
    let error: unknown;
    try {
      importCacao(make());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CacaoInputError);
    expect((error as CacaoInputError).code).toBe(code);
    expect((error as CacaoInputError).status).toBeGreaterThanOrEqual(400);
    expect((error as CacaoInputError).status).toBeLessThan(500);
  });
});
