import { loadCatalogue, suggestGrade, type Confidence, type Grade, type GradeRuleSet } from '../../../src/requirements';

type Facts = Record<string, unknown>;

/**
 * One row per item of the grading guide (《网络安全事件分级指南》) and grade: facts exactly at the
 * threshold fire the rule ("以上" includes the number), facts just below it do not. Grade I's numbers
 * are the final text's (reprint at wlzx.gzy.edu.cn); the personal-information numbers of II/III are
 * the final text's as quoted from the CAC page; the other II/III numbers are summaries' or the 2023
 * draft's, which is why those rules are unverified.
 */
interface Row {
  rule: string;
  grade: Grade;
  confidence: Confidence;
  at: Facts[];
  below: Facts[];
}

const GOV_AND_NEWS = [
  'provincial-government-portal',
  'prefectural-government-portal',
  'central-news-site',
  'provincial-news-site',
];

const TABLE: Row[] = [
  // ---- grade I, items 1-7 of the final guide ----
  {
    rule: 'GS-I-site-unreachable',
    grade: 'I',
    confidence: 'confirmed',
    at: [
      { siteKind: 'provincial-government-portal', siteUnreachableHours: 24 },
      { siteKind: 'central-news-site', siteUnreachableHours: 24 },
    ],
    below: [
      { siteKind: 'provincial-government-portal', siteUnreachableHours: 23.99 },
      // Item 1 names only provincial-or-higher portals and central key news sites.
      { siteKind: 'prefectural-government-portal', siteUnreachableHours: 24 },
      { siteKind: 'provincial-news-site', siteUnreachableHours: 48 },
      { siteUnreachableHours: 48 },
    ],
  },
  {
    rule: 'GS-I-cii-outage',
    grade: 'I',
    confidence: 'confirmed',
    at: [{ ciiWholeOutageMinutes: 360 }, { ciiMainFunctionOutageMinutes: 1440 }],
    below: [{ ciiWholeOutageMinutes: 359 }, { ciiMainFunctionOutageMinutes: 1439 }],
  },
  {
    rule: 'GS-I-population',
    grade: 'I',
    confidence: 'confirmed',
    at: [{ provincePopulationSharePercent: 50 }, { peopleServicesAffected: 10_000_000 }],
    below: [
      { provincePopulationSharePercent: 49.9 },
      { peopleServicesAffected: 9_999_999 },
      { prefecturePopulationSharePercent: 100 },
    ],
  },
  {
    rule: 'GS-I-data-threat',
    grade: 'I',
    confidence: 'confirmed',
    at: [{ dataThreat: 'especially-serious' }],
    below: [{ dataThreat: 'serious' }],
  },
  {
    rule: 'GS-I-personal-info',
    grade: 'I',
    confidence: 'confirmed',
    at: [{ personalInfoPersons: 100_000_000 }],
    below: [{ personalInfoPersons: 99_999_999 }],
  },
  {
    rule: 'GS-I-defacement',
    grade: 'I',
    confidence: 'confirmed',
    at: [
      { defacementHomePageHours: 6 },
      { defacementOtherPageHours: 24 },
      { defacementReposts: 100_000 },
      { defacementViews: 1_000_000 },
      { defacementSpreadDetermined: 'especially-wide' },
    ],
    below: [
      { defacementHomePageHours: 5.99 },
      { defacementOtherPageHours: 23.99 },
      { defacementReposts: 99_999 },
      { defacementViews: 999_999 },
      { defacementSpreadDetermined: 'wide' },
    ],
  },
  {
    rule: 'GS-I-economic-loss',
    grade: 'I',
    confidence: 'confirmed',
    at: [{ economicLossCny: 100_000_000 }],
    below: [{ economicLossCny: 99_999_999 }],
  },

  // ---- grade II ----
  {
    rule: 'GS-II-site-unreachable',
    grade: 'II',
    confidence: 'unverified',
    at: GOV_AND_NEWS.map((siteKind) => ({ siteKind, siteUnreachableHours: 6 })),
    below: [
      { siteKind: 'provincial-government-portal', siteUnreachableHours: 5.99 },
      { siteKind: 'other', siteUnreachableHours: 48 },
    ],
  },
  {
    rule: 'GS-II-cii-outage',
    grade: 'II',
    confidence: 'unverified',
    at: [{ ciiWholeOutageMinutes: 120 }, { ciiMainFunctionOutageMinutes: 360 }],
    below: [{ ciiWholeOutageMinutes: 119 }, { ciiMainFunctionOutageMinutes: 359 }],
  },
  {
    rule: 'GS-II-population',
    grade: 'II',
    confidence: 'unverified',
    at: [{ prefecturePopulationSharePercent: 50 }, { peopleServicesAffected: 1_000_000 }],
    below: [{ prefecturePopulationSharePercent: 49.9 }, { peopleServicesAffected: 999_999 }],
  },
  {
    rule: 'GS-II-data-threat',
    grade: 'II',
    confidence: 'unverified',
    at: [{ dataThreat: 'serious' }, { dataThreat: 'especially-serious' }],
    below: [{ dataThreat: 'relatively-serious' }],
  },
  {
    rule: 'GS-II-personal-info',
    grade: 'II',
    confidence: 'confirmed',
    at: [{ personalInfoPersons: 10_000_000 }],
    below: [{ personalInfoPersons: 9_999_999 }],
  },
  {
    rule: 'GS-II-defacement',
    grade: 'II',
    confidence: 'unverified',
    at: [
      { defacementHomePageHours: 2 },
      { defacementOtherPageHours: 12 },
      { defacementReposts: 10_000 },
      { defacementViews: 100_000 },
      { defacementSpreadDetermined: 'wide' },
      { defacementSpreadDetermined: 'especially-wide' },
    ],
    below: [
      { defacementHomePageHours: 1.99 },
      { defacementOtherPageHours: 11.99 },
      { defacementReposts: 9_999 },
      { defacementViews: 99_999 },
      { defacementSpreadDetermined: 'relatively-wide' },
    ],
  },
  {
    rule: 'GS-II-economic-loss',
    grade: 'II',
    confidence: 'unverified',
    at: [{ economicLossCny: 20_000_000 }],
    below: [{ economicLossCny: 19_999_999 }],
  },

  // ---- grade III ----
  {
    rule: 'GS-III-site-unreachable',
    grade: 'III',
    confidence: 'unverified',
    at: GOV_AND_NEWS.map((siteKind) => ({ siteKind, siteUnreachableHours: 2 })),
    below: [
      { siteKind: 'provincial-government-portal', siteUnreachableHours: 1.99 },
      { siteKind: 'other', siteUnreachableHours: 48 },
    ],
  },
  {
    rule: 'GS-III-cii-outage',
    grade: 'III',
    confidence: 'unverified',
    at: [{ ciiWholeOutageMinutes: 10 }, { ciiMainFunctionOutageMinutes: 30 }],
    below: [{ ciiWholeOutageMinutes: 9.99 }, { ciiMainFunctionOutageMinutes: 29.99 }],
  },
  {
    rule: 'GS-III-population',
    grade: 'III',
    confidence: 'unverified',
    at: [{ prefecturePopulationSharePercent: 30 }, { peopleServicesAffected: 100_000 }],
    below: [{ prefecturePopulationSharePercent: 29.9 }, { peopleServicesAffected: 99_999 }],
  },
  {
    rule: 'GS-III-data-threat',
    grade: 'III',
    confidence: 'confirmed',
    at: [{ dataThreat: 'relatively-serious' }, { dataThreat: 'serious' }, { dataThreat: 'especially-serious' }],
    below: [{ dataThreat: 'some' }],
  },
  {
    rule: 'GS-III-personal-info',
    grade: 'III',
    confidence: 'confirmed',
    at: [{ personalInfoPersons: 1_000_000 }],
    below: [{ personalInfoPersons: 999_999 }],
  },
  {
    rule: 'GS-III-defacement',
    grade: 'III',
    confidence: 'unverified',
    at: [
      { defacementHomePageHours: 0.5 },
      { defacementOtherPageHours: 2 },
      { defacementReposts: 1_000 },
      { defacementViews: 10_000 },
      { defacementSpreadDetermined: 'relatively-wide' },
    ],
    below: [
      { defacementHomePageHours: 0.49 },
      { defacementOtherPageHours: 1.99 },
      { defacementReposts: 999 },
      { defacementViews: 9_999 },
    ],
  },
  {
    rule: 'GS-III-economic-loss',
    grade: 'III',
    confidence: 'unverified',
    at: [{ economicLossCny: 5_000_000 }],
    below: [{ economicLossCny: 4_999_999 }],
  },
];

/** Unverified rules whose number is only the 2023 draft's: the note must say so. */
const DRAFT_VALUE_RULES = [
  'GS-II-cii-outage',
  'GS-II-population',
  'GS-II-data-threat',
  'GS-II-defacement',
  'GS-II-economic-loss',
  'GS-III-population',
  'GS-III-defacement',
  'GS-III-economic-loss',
];

describe('suggestGrade with the shipped rules: one row per guide item', () => {
  const rules = loadCatalogue().gradeRules;
  const fired = (facts: Facts): string[] => suggestGrade(rules, facts).fired.map((f) => f.ruleId);

  it('the table has a row for every rule and no row for a rule that does not exist', () => {
    expect(TABLE.map((r) => r.rule).sort()).toEqual(rules.rules.map((r) => r.id).sort());
  });

  describe.each(TABLE.map((r) => [r.rule, r] as const))('%s', (id, row) => {
    const rule = rules.rules.find((r) => r.id === id)!;

    it(`is grade ${row.grade}, ${row.confidence}, citing its source`, () => {
      expect({ grade: rule.grade, confidence: rule.confidence }).toEqual({
        grade: row.grade,
        confidence: row.confidence,
      });
      expect(rule.source).toMatch(/https?:\/\/|GitHub/);
      if (rule.confidence === 'unverified') expect(rule.note).toMatch(/2023 draft|summar/);
      if (DRAFT_VALUE_RULES.includes(id)) expect(rule.note).toContain('2023 draft value');
    });

    it.each(row.at.map((f) => [f]))('fires at the threshold: %j', (facts) => {
      expect(fired(facts)).toContain(id);
      // The highest fired grade wins, so the suggestion is at least this rule's grade.
      expect(['I', 'II', 'III', 'IV'].indexOf(suggestGrade(rules, facts).grade)).toBeLessThanOrEqual(
        ['I', 'II', 'III', 'IV'].indexOf(row.grade),
      );
    });

    it.each(row.below.map((f) => [f]))('does not fire just below: %j', (facts) => {
      expect(fired(facts)).not.toContain(id);
    });
  });
});

describe('suggestGrade with the shipped rules: corrected facts', () => {
  const rules = loadCatalogue().gradeRules;
  const ids = (facts: Facts): string[] => suggestGrade(rules, facts).fired.map((f) => f.ruleId);

  it('suggests IV when nothing fires', () => {
    expect(suggestGrade(rules, {})).toEqual({ grade: 'IV', fired: [] });
    expect(
      suggestGrade(rules, {
        ciiWholeOutageMinutes: 9,
        personalInfoPersons: 999_999,
        dataThreat: 'some',
        siteKind: 'other',
        siteUnreachableHours: 100,
      }),
    ).toEqual({ grade: 'IV', fired: [] });
  });

  it('a whole-CII outage of 6 hours is grade I, not II (guide 一, item 2)', () => {
    const s = suggestGrade(rules, { ciiWholeOutageMinutes: 6 * 60 });
    expect(s.grade).toBe('I');
    expect(s.fired.map((f) => f.ruleId)).toEqual(['GS-I-cii-outage', 'GS-II-cii-outage', 'GS-III-cii-outage']);
    expect(s.fired[0]).toEqual({
      ruleId: 'GS-I-cii-outage',
      grade: 'I',
      rationale: {
        zh: '关键信息基础设施整体停运满6小时，或主要功能停运满24小时。',
        en: 'The CII down as a whole for six hours or more, or its main functions for a day or more.',
      },
      confidence: 'confirmed',
      source: expect.stringContaining('https://wlzx.gzy.edu.cn/info/1098/1576.htm'),
    });
    expect(s.fired[1]).toMatchObject({ confidence: 'unverified', note: expect.stringContaining('2023 draft value') });
  });

  it('grade III starts at a 10-minute whole outage or 30 minutes of main functions down', () => {
    expect(suggestGrade(rules, { ciiWholeOutageMinutes: 10 }).grade).toBe('III');
    expect(suggestGrade(rules, { ciiMainFunctionOutageMinutes: 30 }).grade).toBe('III');
    expect(suggestGrade(rules, { ciiWholeOutageMinutes: 9, ciiMainFunctionOutageMinutes: 29 }).grade).toBe('IV');
    // Main functions down for 23 hours is below item 2 of grade I (24 hours).
    expect(suggestGrade(rules, { ciiMainFunctionOutageMinutes: 23 * 60 }).grade).toBe('II');
  });

  it('counts persons, not records: 100万 persons is III, 1000万 II, 1亿 I', () => {
    expect(suggestGrade(rules, { personalInfoPersons: 1_000_000 }).grade).toBe('III');
    expect(suggestGrade(rules, { personalInfoPersons: 10_000_000 }).grade).toBe('II');
    expect(suggestGrade(rules, { personalInfoPersons: 100_000_000 }).grade).toBe('I');
  });

  it('grades a data incident by its threat, not by the class of data', () => {
    expect(suggestGrade(rules, { dataThreat: 'especially-serious' }).grade).toBe('I');
    expect(suggestGrade(rules, { dataThreat: 'relatively-serious' }).grade).toBe('III');
    expect(suggestGrade(rules, { dataThreat: 'some' }).grade).toBe('IV');
  });

  it('has no rule raising every CII incident to III, and none on a count of systems', () => {
    expect(rules.rules.map((r) => r.id)).not.toEqual(expect.arrayContaining(['GS-III-cii']));
    expect(rules.rules.map((r) => r.id)).not.toContain('GS-III-many-systems');
    expect(rules.facts.map((f) => f.name)).not.toEqual(expect.arrayContaining(['ciiAffected']));
  });

  it('rejects the fact names it no longer has (old incidents keep them only as stored text)', () => {
    for (const old of [
      'systemsAffected',
      'ciiAffected',
      'outageHours',
      'personalRecordsAffected',
      'importantDataLeaked',
      'coreDataLeaked',
      'populationAffected',
      'publicServiceDisrupted',
      'socialImpact',
    ]) {
      expect(() => suggestGrade(rules, { [old]: 1 })).toThrow(`unknown fact "${old}"`);
    }
  });

  it('the highest fired grade wins, and every fired rule is listed in rule-set order', () => {
    const s = suggestGrade(rules, {
      dataThreat: 'especially-serious',
      personalInfoPersons: 2_000_000,
      economicLossCny: 5_000_000,
    });
    expect(s.grade).toBe('I');
    expect(s.fired.map((f) => f.ruleId)).toEqual([
      'GS-I-data-threat',
      'GS-II-data-threat',
      'GS-III-data-threat',
      'GS-III-personal-info',
      'GS-III-economic-loss',
    ]);
  });

  it('treats missing facts as not met', () => {
    // Hours without the kind of site cannot fire a site rule; undefined is "not entered".
    expect(ids({ siteUnreachableHours: 48 })).toEqual([]);
    expect(ids({ siteKind: undefined, siteUnreachableHours: 48 })).toEqual([]);
    expect(ids({ ciiWholeOutageMinutes: null })).toEqual([]);
  });

  it('throws on an unknown fact, naming it', () => {
    expect(() => suggestGrade(rules, { ciiWholeOutageMinute: 7 })).toThrow('unknown fact "ciiWholeOutageMinute"');
  });

  it('throws on a value of the wrong type', () => {
    expect(() => suggestGrade(rules, { personalInfoPersons: 'many' })).toThrow(
      /fact "personalInfoPersons" has an invalid value "many"/,
    );
    expect(() => suggestGrade(rules, { dataThreat: 'catastrophic' })).toThrow(/fact "dataThreat"/);
    expect(() => suggestGrade(rules, { ciiWholeOutageMinutes: Number.NaN })).toThrow(/fact "ciiWholeOutageMinutes"/);
  });
});

describe('suggestGrade semantics on a hand-made rule set', () => {
  const set: GradeRuleSet = {
    confidence: 'unverified',
    source: 'test',
    defaultGrade: 'IV',
    facts: [
      { name: 'n', type: 'number', label: { zh: 'n', en: 'n' } },
      { name: 'b', type: 'boolean', label: { zh: 'b', en: 'b' } },
      { name: 'e', type: 'enum', values: ['x', 'y', 'z'], label: { zh: 'e', en: 'e' } },
    ],
    rules: [
      {
        id: 'GS-in',
        grade: 'III',
        conditions: { all: [{ fact: 'e', op: 'in', value: ['y', 'z'] }] },
        rationale: { zh: '-', en: '-' },
        confidence: 'unverified',
        source: 's',
      },
      {
        id: 'GS-ne',
        grade: 'II',
        conditions: {
          all: [
            { fact: 'b', op: 'ne', value: true },
            { fact: 'n', op: 'lt', value: 3 },
          ],
        },
        rationale: { zh: '-', en: '-' },
        confidence: 'unverified',
        source: 's',
      },
      {
        id: 'GS-gt',
        grade: 'I',
        conditions: { any: [{ fact: 'n', op: 'gt', value: 10 }, { all: [{ fact: 'n', op: 'lte', value: -1 }] }] },
        rationale: { zh: '-', en: '-' },
        confidence: 'unverified',
        source: 's',
      },
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

  it('passes each fired rule its confidence, source and note', () => {
    const withNote: GradeRuleSet = {
      ...set,
      rules: [{ ...set.rules[0]!, confidence: 'confirmed', source: 'item 1', note: 'why' }],
    };
    expect(suggestGrade(withNote, { e: 'z' }).fired).toEqual([
      {
        ruleId: 'GS-in',
        grade: 'III',
        rationale: { zh: '-', en: '-' },
        confidence: 'confirmed',
        source: 'item 1',
        note: 'why',
      },
    ]);
  });
});
