import {
  computeReportDeadline,
  loadCatalogue,
  type Catalogue,
  type Grade,
  type OperatorKind,
} from '../../../src/requirements';
import { brokenCopy, removeCopies, replaceOnce } from './helpers';

const cst = (local: string): Date => new Date(`${local}+08:00`);
const HOUR = 3_600_000;

describe('report deadlines from the shipped reporting rules', () => {
  let cat: Catalogue;
  beforeAll(() => {
    cat = loadCatalogue();
  });

  const detected = cst('2026-11-25T10:00:00'); // a Wednesday
  const cases: Array<[OperatorKind, Grade, number]> = [];
  for (const [kind, hours] of [
    ['cii', 1],
    ['organ', 2],
    ['other', 4],
  ] as Array<[OperatorKind, number]>) {
    for (const grade of ['I', 'II', 'III'] as Grade[]) cases.push([kind, grade, hours]);
  }

  it.each(cases)('%s operator, grade %s: initial report due %d h after discovery', (kind, grade, hours) => {
    const rule = cat.ruleFor(kind, grade)!;
    expect(rule).toBeDefined();
    expect(rule.reports.initial.clockStartsAt).toBe('detectedAt');
    expect(computeReportDeadline(rule, 'initial', detected).getTime() - detected.getTime()).toBe(hours * HOUR);
  });

  it('cii + grade II detected at 10:00 is due at 11:00', () => {
    expect(computeReportDeadline(cat.ruleFor('cii', 'II')!, 'initial', detected)).toEqual(cst('2026-11-25T11:00:00'));
  });

  it.each(['cii', 'organ', 'other'] as OperatorKind[])('grade IV has no mandatory report for %s', (kind) => {
    expect(cat.ruleFor(kind, 'IV')).toBeUndefined();
  });

  it(
    'onward: protection department within 30 min (cii), own cyberspace ' + 'body within 1 h (organ), grades I-II only',
    () => {
      const received = cst('2026-11-25T10:20:00');
      const cii = cat.ruleFor('cii', 'I')!;
      expect(cii.reports.onward).toMatchObject({
        grades: ['I', 'II'],
        clockStartsAt: 'receivedAt',
        from: 'protection-department',
      });
      expect(computeReportDeadline(cii, 'onward', received)).toEqual(cst('2026-11-25T10:50:00'));
      expect(computeReportDeadline(cat.ruleFor('organ', 'II')!, 'onward', received)).toEqual(
        cst('2026-11-25T11:20:00'),
      );
      expect(cii.reports.onward!.grades).not.toContain('III');
    },
  );

  it('onward for other operators: the provincial cyberspace department within 1 h of receipt, grades I-II', () => {
    const received = cst('2026-11-25T10:20:00');
    expect(computeReportDeadline(cat.ruleFor('other', 'I')!, 'onward', received)).toEqual(cst('2026-11-25T11:20:00'));
    expect(cat.ruleFor('other', 'III')!.reports.onward!.grades).not.toContain('III');
  });

  it.each(['cii', 'organ', 'other'] as OperatorKind[])(
    '%s: the summary report is due 30 calendar days after handling ends (Art. 8)',
    (kind) => {
      for (const grade of ['I', 'II', 'III'] as Grade[]) {
        const rule = cat.ruleFor(kind, grade)!;
        expect(rule.reports.final).toMatchObject({
          within: 'P30D',
          dayKind: 'calendar',
          clockStartsAt: 'handlingEndedAt',
        });
      }
      // Grade II closed on Friday 2026-04-03, the eve of the Qingming holiday (04-04..06): exactly 30 days on,
      // Sunday 2026-05-03 — inside the Labour Day holiday, which calendar days do not skip. The 2023 draft's
      // 5 working days would have said Monday 2026-04-13.
      const rule = cat.ruleFor(kind, 'II')!;
      expect(cat.reportDeadline(rule, 'final', cst('2026-04-03T17:30:00'))).toEqual(cst('2026-05-03T17:30:00'));
      // A month boundary and a leap-free February: 2026-01-30 + 30 days = 2026-03-01.
      expect(cat.reportDeadline(rule, 'final', cst('2026-01-30T09:00:00'))).toEqual(cst('2026-03-01T09:00:00'));
    },
  );
});

describe('sector regulators (sectorRules)', () => {
  // None ships (no sector's own text has been checked); the mechanism is held by a copy that adds one.
  const dir = brokenCopy('reporting-rules.yaml', (t) =>
    replaceOnce(
      t,
      'sectorRules: []',
      [
        'sectorRules:',
        '  - id: SR-finance-test',
        '    sector: finance',
        '    regulator: { zh: 测试监管机构, en: Test regulator }',
        '    operatorKinds: [cii]',
        '    initialWithin: PT30M',
        '    requirementIds: [NCIRM-2025-sector]',
        '    confidence: unverified',
        '    source: a test fixture, https://example.invalid/rule',
      ].join('\n'),
    ),
  );
  const cat = loadCatalogue(dir);
  afterAll(() => removeCopies());

  it('binds only the sector and operator kinds it names, for the grades of the national rule', () => {
    expect(cat.sectorRulesFor('finance', 'cii', 'II').map((r) => r.id)).toEqual(['SR-finance-test']);
    expect(cat.sectorRulesFor('energy', 'cii', 'II')).toEqual([]);
    expect(cat.sectorRulesFor('finance', 'other', 'II')).toEqual([]);
    expect(cat.sectorRulesFor('finance', 'cii', 'IV')).toEqual([]);
    expect(cat.sectorRulesFor(null, 'cii', 'II')).toEqual([]);
  });

  it('brings the initial deadline forward when its own is earlier, never later', () => {
    const detected = cst('2026-11-25T10:00:00');
    const rule = cat.ruleFor('cii', 'II')!;
    expect(cat.initialDeadline(rule, cat.sectorRulesFor('finance', 'cii', 'II'), detected)).toEqual(
      cst('2026-11-25T10:30:00'),
    );
    expect(cat.initialDeadline(rule, [], detected)).toEqual(cst('2026-11-25T11:00:00'));
    const later = { ...cat.sectorRules[0]!, initialWithin: 'PT3H' };
    expect(cat.initialDeadline(rule, [later], detected)).toEqual(cst('2026-11-25T11:00:00'));
  });

  it('rejects a sector rule with a bad duration or an unknown requirement, naming the path', () => {
    const bad = brokenCopy('reporting-rules.yaml', (t) =>
      replaceOnce(
        t,
        'sectorRules: []',
        'sectorRules:\n  - { id: SR-x, sector: finance, regulator: { zh: 甲, ' +
          'en: A }, initialWithin: 30 minutes, requirementIds: ' +
          '[NCIRM-2025-sector], confidence: unverified, source: x }',
      ),
    );
    expect(() => loadCatalogue(bad)).toThrow(/^reporting-rules\.yaml \/sectorRules\/0\/initialWithin: bad duration/);
  });
});
