import {
  type Comparison,
  type Condition,
  type Confidence,
  type Grade,
  type GradeRuleSet,
  type ImpactFacts,
  GRADES,
} from './types';

export interface FiredRule {
  ruleId: string;
  grade: Grade;
  rationale: { zh: string; en: string };
  /** Whether the rule's threshold was read in the final text; a commander weighs an unverified one. */
  confidence: Confidence;
  source: string;
  note?: string;
}

export interface GradeSuggestion {
  grade: Grade;
  fired: FiredRule[];
}

export class UnknownFactError extends Error {
  override name = 'UnknownFactError';
}

type FactValue = number | boolean | string;

/**
 * Suggests a grade: every rule whose conditions hold fires, and the most severe grade among them
 * wins; with none fired the rule set's default (IV). Facts that were not entered (undefined or null)
 * make their comparisons false, so a missing fact never raises the grade. A fact name the rule set
 * does not declare is an error: a typo must not silently lower a suggestion.
 */
export function suggestGrade(rules: GradeRuleSet, facts: ImpactFacts | Record<string, unknown>): GradeSuggestion {
  const declared = new Map(rules.facts.map((f) => [f.name, f]));
  for (const [name, value] of Object.entries(facts)) {
    const def = declared.get(name);
    if (!def) throw new UnknownFactError(`unknown fact "${name}" (known: ${[...declared.keys()].join(', ')})`);
    if (value === undefined || value === null) continue;
    const ok =
      def.type === 'number'
        ? typeof value === 'number' && Number.isFinite(value)
        : def.type === 'boolean'
          ? typeof value === 'boolean'
          : typeof value === 'string' && (def.values ?? []).includes(value);
    if (!ok)
      throw new UnknownFactError(`fact "${name}" has an invalid value ${JSON.stringify(value)} for type ${def.type}`);
  }
  const values = facts as Record<string, FactValue | undefined | null>;

  const fired: FiredRule[] = rules.rules
    .filter((r) => holds(r.conditions, values))
    .map((r) => ({
      ruleId: r.id,
      grade: r.grade,
      rationale: r.rationale,
      confidence: r.confidence,
      source: r.source,
      ...(r.note ? { note: r.note } : {}),
    }));
  const rank = (g: Grade): number => GRADES.indexOf(g);
  const grade = fired.reduce<Grade>((best, f) => (rank(f.grade) < rank(best) ? f.grade : best), rules.defaultGrade);
  return { grade: fired.length > 0 ? grade : rules.defaultGrade, fired };
}

function holds(c: Condition, facts: Record<string, FactValue | undefined | null>): boolean {
  if ('all' in c) return c.all.every((x) => holds(x, facts));
  if ('any' in c) return c.any.some((x) => holds(x, facts));
  return compare(c, facts[c.fact]);
}

function compare(c: Comparison, actual: FactValue | undefined | null): boolean {
  if (actual === undefined || actual === null) return false;
  const v = c.value;
  switch (c.op) {
    case 'eq':
      return actual === v;
    case 'ne':
      return actual !== v;
    case 'gt':
      return typeof actual === 'number' && typeof v === 'number' && actual > v;
    case 'gte':
      return typeof actual === 'number' && typeof v === 'number' && actual >= v;
    case 'lt':
      return typeof actual === 'number' && typeof v === 'number' && actual < v;
    case 'lte':
      return typeof actual === 'number' && typeof v === 'number' && actual <= v;
    case 'in':
      return Array.isArray(v) && typeof actual !== 'boolean' && v.includes(actual);
  }
}
