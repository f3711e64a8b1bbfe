import { computeReportDeadline, loadCatalogue, type Catalogue, type Grade, type OperatorKind } from '../../../src/requirements';

const cst = (local: string): Date => new Date(`${local}+08:00`);
const HOUR = 3_600_000;

describe('report deadlines from the shipped reporting rules', () => {
  let cat: Catalogue;
  beforeAll(() => {
    cat = loadCatalogue();
  });

  const detected = cst('2026-11-25T10:00:00'); // a Wednesday
  const cases: Array<[OperatorKind, Grade, number]> = [];
  for (const [kind, hours] of [['cii', 1], ['organ', 2], ['other', 4]] as Array<[OperatorKind, number]>) {
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

  it('onward: protection department within 30 min (cii), own cyberspace body within 1 h (organ), grades I-II only', () => {
    const received = cst('2026-11-25T10:20:00');
    const cii = cat.ruleFor('cii', 'I')!;
    expect(cii.reports.onward).toMatchObject({ grades: ['I', 'II'], clockStartsAt: 'receivedAt', from: 'protection-department' });
    expect(computeReportDeadline(cii, 'onward', received)).toEqual(cst('2026-11-25T10:50:00'));
    expect(computeReportDeadline(cat.ruleFor('organ', 'II')!, 'onward', received)).toEqual(cst('2026-11-25T11:20:00'));
    expect(cii.reports.onward!.grades).not.toContain('III');
  });

  it('onward is not modelled for other operators and says so by throwing', () => {
    expect(() => computeReportDeadline(cat.ruleFor('other', 'I')!, 'onward', detected)).toThrow(
      'rule RR-other has no onward report',
    );
  });

  it('final summary: 5 working days after handling ends, skipping the weekend', () => {
    const rule = cat.ruleFor('other', 'III')!;
    expect(rule.reports.final).toMatchObject({ within: 'P5D', dayKind: 'working', clockStartsAt: 'handlingEndedAt' });
    // Thursday 16:00 -> Fri, Mon, Tue, Wed, Thu -> next Thursday 16:00
    expect(computeReportDeadline(rule, 'final', cst('2026-11-26T16:00:00'))).toEqual(cst('2026-12-03T16:00:00'));
    // Ending on a Saturday: Mon..Fri -> Friday
    expect(computeReportDeadline(rule, 'final', cst('2026-11-28T09:00:00'))).toEqual(cst('2026-12-04T09:00:00'));
  });
});
