import { computeCoverage, formatCoverage, loadCatalogue, type Citation } from '../../../src/requirements';

describe('computeCoverage', () => {
  const cat = loadCatalogue();

  it('groups citations per requirement and lists the uncovered and the unknown', () => {
    const citations: Citation[] = [
      { requirementId: 'GBT39204-11.3-b', workflowId: 'incident', kind: 'state', path: 'reporting.initial' },
      { requirementId: 'NCIRM-2025-4-cii', workflowId: 'incident', kind: 'state', path: 'reporting.initial' },
      { requirementId: 'GBT39204-11.3-b', workflowId: 'incident', kind: 'event', path: 'REPORT_SENT' },
      { requirementId: 'GBT39204-99.9-z', workflowId: 'warning', kind: 'step', path: 'ack' },
    ];
    const cov = computeCoverage(cat, citations);
    expect(cov.rows).toHaveLength(cat.requirements.length);
    expect(cov.rows.map((r) => r.requirementId)).toEqual(cat.requirements.map((r) => r.id));
    const row = cov.rows.find((r) => r.requirementId === 'GBT39204-11.3-b')!;
    expect(row.title).toEqual(cat.requirement('GBT39204-11.3-b')!.title);
    expect(row.citedBy).toEqual([citations[0], citations[2]]);
    expect(cov.unknown).toEqual([citations[3]]);
    expect(cov.uncovered).toHaveLength(cat.requirements.length - 2);
    expect(cov.uncovered).not.toContain('GBT39204-11.3-b');
    expect(cov.uncovered).not.toContain('NCIRM-2025-4-cii');
    expect(cov.uncovered).toContain('GBT39204-9.1-a');
  });

  it('reports everything uncovered for no citations, and does not mutate its input', () => {
    const citations: Citation[] = [];
    const cov = computeCoverage(cat, citations);
    expect(cov.uncovered).toEqual(cat.requirements.map((r) => r.id));
    expect(cov.unknown).toEqual([]);
    expect(citations).toEqual([]);
  });
});

describe('formatCoverage', () => {
  it('prints a summary line, one line per requirement and the unknown citations', () => {
    const cat = loadCatalogue();
    const text = formatCoverage(
      computeCoverage(cat, [
        { requirementId: 'GBT39204-9.3-b', workflowId: 'warning', kind: 'step', path: 'feedback' },
        { requirementId: 'NOPE-1', workflowId: 'warning', kind: 'event', path: 'X' },
      ]),
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      `requirements: ${cat.requirements.length}, covered: 1, ` +
        `uncovered: ${cat.requirements.length - 1}, unknown ` +
        `citations: 1`,
    );
    expect(lines).toContain(
      '✓ GBT39204-9.3-b  Act on warnings and give feedback to the issuing department  <- warning:step:feedback',
    );
    expect(lines).toContain('✗ GBT39204-9.1-a  Monitoring and early-warning regime established');
    expect(lines[lines.length - 1]).toBe('! unknown requirement NOPE-1 cited by warning:event:X');
    expect(lines).toHaveLength(1 + cat.requirements.length + 1);
  });
});
