import type { Catalogue } from './catalogue';
import type { Bilingual } from './types';

export interface Citation {
  requirementId: string;
  workflowId: string;
  kind: 'state' | 'step' | 'event';
  path: string;
}

export interface CoverageRow {
  requirementId: string;
  title: Bilingual;
  citedBy: Citation[];
}

export interface CoverageReport {
  /** One row per catalogue requirement, in catalogue order. */
  rows: CoverageRow[];
  /** Requirement ids no citation points at. */
  uncovered: string[];
  /** Citations naming an id the catalogue does not have (typos, removed items). */
  unknown: Citation[];
}

/** Which requirement is served by which workflow state, step or event. Pure: no I/O. */
export function computeCoverage(
  catalogue: Pick<Catalogue, 'requirements'>,
  citations: readonly Citation[],
): CoverageReport {
  const byId = new Map<string, Citation[]>(catalogue.requirements.map((r) => [r.id, []]));
  const unknown: Citation[] = [];
  for (const c of citations) {
    const list = byId.get(c.requirementId);
    if (list) list.push(c);
    else unknown.push(c);
  }
  const rows = catalogue.requirements.map((r) => ({ requirementId: r.id, title: r.title, citedBy: byId.get(r.id)! }));
  return { rows, uncovered: rows.filter((r) => r.citedBy.length === 0).map((r) => r.requirementId), unknown };
}
