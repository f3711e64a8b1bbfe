/**
 * `npm run requirements:coverage -- <citations.json>`: prints which catalogue requirement is cited
 * by which workflow state, step or event. Input is a JSON array of citations
 * ({ requirementId, workflowId, kind, path }); with no argument it reads stdin. Exits 1 when a
 * citation names an id the catalogue does not have, so CI catches typos in workflows.
 * Collecting citations from workflows/ is the caller's job; this file only does I/O around
 * computeCoverage/formatCoverage.
 */
import { readFileSync } from 'node:fs';
import { loadCatalogue } from './catalogue';
import { computeCoverage, type Citation } from './coverage';
import { formatCoverage } from './coverage-format';

function main(argv: string[]): number {
  const source = argv[0] ?? '/dev/stdin';
  const parsed: unknown = JSON.parse(readFileSync(source, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${source}: expected a JSON array of citations`);
  const citations = parsed as Citation[];
  const report = computeCoverage(loadCatalogue(), citations);
  process.stdout.write(`${formatCoverage(report)}\n`);
  return report.unknown.length > 0 ? 1 : 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
