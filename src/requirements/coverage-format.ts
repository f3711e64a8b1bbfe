import type { CoverageReport } from './coverage';

/** Plain-text rendering of a coverage report for the terminal (the CLI) and CI logs. */
export function formatCoverage(report: CoverageReport): string {
  const lines: string[] = [];
  const covered = report.rows.length - report.uncovered.length;
  lines.push(
    `requirements: ${report.rows.length}, covered: ${covered}, ` +
      `uncovered: ${report.uncovered.length}, unknown citations: ` +
      `${report.unknown.length}`,
  );
  for (const row of report.rows) {
    const by = row.citedBy.map((c) => `${c.workflowId}:${c.kind}:${c.path}`).join(', ');
    lines.push(`${row.citedBy.length > 0 ? '✓' : '✗'} ${row.requirementId}  ${row.title.en}${by ? `  <- ${by}` : ''}`);
  }
  for (const c of report.unknown) {
    lines.push(`! unknown requirement ${c.requirementId} cited by ${c.workflowId}:${c.kind}:${c.path}`);
  }
  return lines.join('\n');
}
