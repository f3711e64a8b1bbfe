/**
 * `npm run requirements:coverage`: prints which catalogue requirement is cited by which workflow
 * state, playbook step or event, from the registered workflows themselves (workflows/citations.ts).
 *
 *   npm run requirements:coverage                      # the real workflow citations
 *   npm run requirements:coverage -- citations.json    # a JSON array of { requirementId, workflowId, kind, path }
 *   npm run requirements:coverage -- -                 # the same array on stdin
 *   npm run requirements:coverage -- --json            # the report as JSON instead of text
 *
 * Exit 1 when a citation names an id the catalogue does not have (a typo in a workflow), or when a
 * requirement of GB/T 39204 chapter 11 (incident handling) or tagged `sharing` is cited nowhere:
 * those are the obligations this product exists to carry out, so CI must not let one go unserved.
 * Other uncovered items are listed but allowed (the catalogue also holds context the workflows
 * need not act on). Exit 2 when the input or the catalogue cannot be read.
 */
import { readFileSync } from 'node:fs';
import { allCitations } from '../../workflows/citations';
import { Catalogue, loadCatalogue } from './catalogue';
import { computeCoverage, type Citation, type CoverageReport } from './coverage';
import { formatCoverage } from './coverage-format';

/** Requirements that must be cited somewhere: chapter 11 of GB/T 39204 and everything tagged `sharing`. */
export function mustBeCovered(catalogue: Pick<Catalogue, 'requirements'>): Set<string> {
  return new Set(
    catalogue.requirements
      .filter((r) => (r.document.startsWith('GBT39204') && r.clause.startsWith('11.')) || r.tags.includes('sharing'))
      .map((r) => r.id),
  );
}

/** The ids that fail the gate: mandatory requirements left uncovered. */
export function uncoveredMandatory(catalogue: Pick<Catalogue, 'requirements'>, report: CoverageReport): string[] {
  const mandatory = mustBeCovered(catalogue);
  return report.uncovered.filter((id) => mandatory.has(id));
}

/** `-` is stdin by file descriptor: `/dev/stdin` cannot be opened when stdin is a socket (CI runners, spawn). */
function readCitations(source: string): Citation[] {
  const parsed: unknown = JSON.parse(readFileSync(source === '-' ? 0 : source, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${source}: expected a JSON array of citations`);
  return parsed as Citation[];
}

export function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s)): number {
  const json = argv.includes('--json');
  const rest = argv.filter((a) => a !== '--json');
  const unknownFlag = rest.find((a) => a.startsWith('--'));
  if (unknownFlag)
    throw new Error(`unknown option ${unknownFlag} (usage: requirements:coverage [--json] [citations.json | -])`);
  const catalogue = loadCatalogue();
  const citations = rest[0] !== undefined ? readCitations(rest[0]) : allCitations();
  const report = computeCoverage(catalogue, citations);
  const failing = uncoveredMandatory(catalogue, report);
  if (json) {
    out(`${JSON.stringify({ ...report, uncoveredMandatory: failing }, null, 2)}\n`);
  } else {
    out(`${formatCoverage(report)}\n`);
    for (const id of failing) out(`! ${id} is in chapter 11 or tagged sharing and no workflow cites it\n`);
    out(
      failing.length === 0 && report.unknown.length === 0
        ? 'OK: chapter 11 and sharing requirements are all covered\n'
        : 'FAIL\n',
    );
  }
  return failing.length > 0 || report.unknown.length > 0 ? 1 : 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
