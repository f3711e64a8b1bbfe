import { loadCatalogue, suggestGrade, type GradeRuleSet } from '../../../src/requirements';

describe('suggestGrade with the shipped rules', () => {
  const rules = loadCatalogue().gradeRules;
  const ids = (facts: Record<string, unknown>): string[] => suggestGrade(rules, facts).fired.map((f) => f.ruleId).sort();

  it('suggests IV when nothing fires', () => {
    expect(suggestGrade(rules, {})).toEqual({ grade: 'IV', fired: [] });
    expect(suggestGrade(rules, { systemsAffected: 1, outageHours: 1, socialImpact: 'none' })).toEqual({ grade: 'IV', fired: [] });
  });

  it('CII down for 7 hours fires the grade II and III CII rules and suggests II', () => {
    const s = suggestGrade(rules, { ciiAffected: true, outageHours: 7, systemsAffected: 1 });
    expect(s.grade).toBe('II');
    expect(s.fired.map((f) => f.ruleId).sort()).toEqual(['GS-II-cii-outage', 'GS-III-cii', 'GS-III-outage']);
    expect(s.fired.find((f) => f.ruleId === 'GS-II-cii-outage')).toEqual({
      ruleId: 'GS-II-cii-outage',
      grade: 'II',
      rationale: { zh: '关键信息基础设施中断六小时以上。', en: 'CII down for six hours or more.' },
    });
  });

  it('the highest fired grade wins', () => {
    const s = suggestGrade(rules, { coreDataLeaked: true, importantDataLeaked: true, personalRecordsAffected: 2_000_000 });
    expect(s.grade).toBe('I');
    expect(s.fired.map((f) => f.ruleId).sort()).toEqual(['GS-I-core-data', 'GS-II-important-data', 'GS-III-records']);
  });

  it('applies thresholds inclusively (gte) and nested any/all', () => {
    expect(ids({ economicLossCny: 5_000_000 })).toEqual(['GS-III-loss']);
    expect(ids({ economicLossCny: 4_999_999 })).toEqual([]);
    expect(ids({ publicServiceDisrupted: true, populationAffected: 1_000_000 })).toEqual(['GS-II-public', 'GS-III-public']);
    expect(ids({ socialImpact: 'regional' })).toEqual(['GS-II-public']);
    expect(suggestGrade(rules, { socialImpact: 'national' }).grade).toBe('I');
  });

  it('treats missing facts as not met', () => {
    // outageHours alone cannot fire the CII outage rules.
    expect(ids({ outageHours: 48 })).toEqual([]);
    expect(ids({ ciiAffected: undefined, outageHours: 48 })).toEqual([]);
  });

  it('throws on an unknown fact, naming it', () => {
    expect(() => suggestGrade(rules, { outageHour: 7 })).toThrow('unknown fact "outageHour"');
  });

  it('throws on a value of the wrong type', () => {
    expect(() => suggestGrade(rules, { ciiAffected: 'yes' })).toThrow(/fact "ciiAffected" has an invalid value "yes"/);
    expect(() => suggestGrade(rules, { socialImpact: 'global' })).toThrow(/fact "socialImpact"/);
    expect(() => suggestGrade(rules, { outageHours: Number.NaN })).toThrow(/fact "outageHours"/);
  });
});

describe('suggestGrade semantics on a hand-made rule set', () => {
  const set: GradeRuleSet = {
    confidence: 'unverified',
    defaultGrade: 'IV',
    facts: [
      { name: 'n', type: 'number', label: { zh: 'n', en: 'n' } },
      { name: 'b', type: 'boolean', label: { zh: 'b', en: 'b' } },
      { name: 'e', type: 'enum', values: ['x', 'y', 'z'], label: { zh: 'e', en: 'e' } },
    ],
    rules: [
      { id: 'GS-in', grade: 'III', conditions: { all: [{ fact: 'e', op: 'in', value: ['y', 'z'] }] }, rationale: { zh: '-', en: '-' }, confidence: 'unverified' },
      { id: 'GS-ne', grade: 'II', conditions: { all: [{ fact: 'b', op: 'ne', value: true }, { fact: 'n', op: 'lt', value: 3 }] }, rationale: { zh: '-', en: '-' }, confidence: 'unverified' },
      { id: 'GS-gt', grade: 'I', conditions: { any: [{ fact: 'n', op: 'gt', value: 10 }, { all: [{ fact: 'n', op: 'lte', value: -1 }] }] }, rationale: { zh: '-', en: '-' }, confidence: 'unverified' },
    ],
  };

  it.each([
    [{ e: 'y' }, 'III', ['GS-in']],
    [{ e: 'x' }, 'IV', []],
    [{ b: false, n: 2 }, 'II', ['GS-ne']],
    [{ b: true, n: 2 }, 'IV', []],
    [{ n: 11 }, 'I', ['GS-gt']],
    [{ n: 10 }, 'IV', []],
    [{ n: -1, b: false, e: 'z' }, 'I', ['GS-in', 'GS-ne', 'GS-gt']],
  ])('%j -> %s', (facts, grade, fired) => {
    const s = suggestGrade(set, facts);
    expect(s.grade).toBe(grade);
    expect(s.fired.map((f) => f.ruleId)).toEqual(fired);
  });
});
