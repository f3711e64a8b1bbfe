import { PLAYBOOKS, KNOWN_PARENTS } from '../../../workflows/playbooks';
import { checkPlan } from '../../../src/plans/plan-check';
import { defaultDocument } from '../../../src/plans/plan-defaults';
import { stepsFor, validatePlanDocument, PlanDocumentError, type PlanDocument } from '../../../src/plans/plan-document';

const ancestors = (code: string): string[] => {
  const out: string[] = [];
  for (let c = KNOWN_PARENTS[code]; c; c = KNOWN_PARENTS[c]) out.push(c);
  return out;
};
const rules = {
  isCategory: (c: string) => c === 'ransomware' || c === 'malware' || c in KNOWN_PARENTS,
  isRequirement: (r: string) => r.startsWith('GBT39204-') || r.startsWith('NCIRM-'),
};

function ransomwarePlan(): PlanDocument {
  return defaultDocument(PLAYBOOKS.find((p) => p.id === 'ransomware')!);
}

describe('plan model check (@xstate/graph over the incident workflow)', () => {
  it.each(PLAYBOOKS.filter((p) => p.categories.length > 0).map((p) => [p.id, p] as const))(
    'the shipped %s playbook passes',
    (_id, p) => {
      expect(checkPlan(defaultDocument(p), ancestors)).toEqual([]);
    },
  );

  it('refuses a mandatory step only a viewer may complete, with the path where the incident gets stuck', () => {
    const doc = ransomwarePlan();
    const step = doc.steps.find((s) => s.id === 'identify-strain')!;
    step.roles = ['viewer'];
    const failures = checkPlan(doc, ancestors);
    expect(failures.map((f) => f.rule).sort()).toEqual(['cannot-close', 'step-unreachable']);
    const stuck = failures.find((f) => f.rule === 'cannot-close')!;
    expect(stuck.steps).toEqual(['identify-strain']);
    expect(stuck.path[0]).toMatch(/^COMPLETE_STEP confirm-incident/);
    expect(stuck.path).toContain('ADVANCE');
    expect(stuck.message).toMatch(/eradication/);
  });

  it('checks a plan of 200 steps (one completable step per phase stands for the rest), finds the one at fault', () => {
    const doc = ransomwarePlan();
    const base = doc.steps.find((s) => s.id === 'identify-strain')!;
    for (let i = doc.steps.length; i < 200; i++) doc.steps.push({ ...base, id: `extra-${i}` });
    expect(checkPlan(doc, ancestors)).toEqual([]);
    doc.steps[150]!.roles = ['viewer'];
    const failures = checkPlan(doc, ancestors);
    expect(failures.map((f) => [f.rule, f.steps])).toEqual([
      ['step-unreachable', [doc.steps[150]!.id]],
      ['cannot-close', [doc.steps[150]!.id]],
    ]);
  }, 30_000);

  it('checks a conditional step in each case its condition distinguishes', () => {
    const doc = ransomwarePlan();
    doc.steps.push({
      id: 'notify-regulator-hotline',
      phase: 'containment',
      title: { zh: '电话通报', en: 'Call the regulator hotline' },
      guidance: { zh: '', en: '' },
      roles: ['viewer'],
      mandatory: true,
      evidence: [],
      requirements: [],
      condition: { gradeAtLeast: 'II' },
    });
    const failures = checkPlan(doc, ancestors);
    expect(failures.find((f) => f.rule === 'cannot-close')!.case!.grade).toMatch(/^(I|II)$/);
  });
});

describe('plan documents and conditions', () => {
  it('a conditional ransomware step holds for grade II and not for grade IV', () => {
    const doc = validatePlanDocument(
      {
        title: { zh: '勒索', en: 'Ransomware' },
        categories: ['ransomware'],
        steps: [
          { id: 'a', phase: 'triage', title: { zh: '甲', en: 'A' }, roles: ['commander'], mandatory: true },
          {
            id: 'b',
            phase: 'containment',
            title: { zh: '乙', en: 'B' },
            roles: ['commander'],
            mandatory: false,
            condition: { all: [{ gradeAtLeast: 'II' }, { category: ['ransomware'] }] },
          },
        ],
      },
      rules,
    );
    const facts = { categories: ['ransomware', 'malware'], drill: false, personalInformation: false };
    expect(stepsFor(doc, { ...facts, grade: 'II' }).map((s) => s.id)).toEqual(['a', 'b']);
    expect(stepsFor(doc, { ...facts, grade: 'IV' }).map((s) => s.id)).toEqual(['a']);
  });

  it('names every offending field', () => {
    let error: PlanDocumentError | undefined;
    try {
      validatePlanDocument(
        {
          title: { zh: '', en: 'x' },
          categories: ['nope'],
          steps: [
            {
              id: 'Bad Id',
              phase: 'cleanup',
              title: { zh: 'x', en: 'x' },
              roles: ['system'],
              mandatory: 'yes',
              requirements: ['GBT-0'],
              condition: { all: [{ gradeAtLeast: 'V' }, { colour: 'red' }] },
            },
          ],
        },
        rules,
      );
    } catch (e) {
      if (!(e instanceof PlanDocumentError)) throw e;
      error = e;
    }
    expect(error?.problems.map((p) => p.field)).toEqual([
      'document.title.zh',
      'document.categories[0]',
      'document.steps[0].id',
      'document.steps[0].phase',
      'document.steps[0].roles[0]',
      'document.steps[0].mandatory',
      'document.steps[0].requirements[0]',
      'document.steps[0].condition.all[0].gradeAtLeast',
      'document.steps[0].condition.all[1].colour',
    ]);
  });
});
