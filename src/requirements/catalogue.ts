/**
 * Loads the requirement catalogue (requirements/*.yaml), validates every file against its JSON Schema
 * (requirements/schema/<name>.schema.json), then cross-checks what a schema cannot see: ids unique
 * across files, references that resolve, durations that parse, grade codes the taxonomy defines.
 *
 * Pure TypeScript on purpose (no Nest decorators): the workflows, the CLI and the tests load it the
 * same way the HTTP module does. Any problem throws a CatalogueError whose message is one line:
 * `<file> <path inside it>: <what is wrong>`, so a bad edit is found without reading a stack trace.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { LineCounter, parseDocument } from 'yaml';
import { computeReportDeadline, type DeadlineKind } from './deadlines';
import { addDuration, parseDuration } from '../common';
import { calendarProblems, WorkingCalendar } from './working-calendar';
import {
  GRADES,
  type Category,
  type Chapter,
  type Clause,
  type Comparison,
  type Condition,
  type EarlyWarningDefaults,
  type EscalationDefaults,
  type FactDefinition,
  type Grade,
  type GradeRuleSet,
  type NationalChannels,
  type OperatorKind,
  type PoliceReportRule,
  type Principle,
  type ReportField,
  type ReportingCalendar,
  type ReportingRule,
  type RequirementItem,
  type SectorRule,
  type SourceDocument,
  type Taxonomy,
} from './types';

export const CATALOGUE_FILES = ['gbt39204', 'regulations', 'reporting-rules', 'taxonomy', 'grade-suggestion'] as const;
type FileName = (typeof CATALOGUE_FILES)[number];

export class CatalogueError extends Error {
  override name = 'CatalogueError';
  constructor(
    readonly file: string,
    readonly path: string,
    readonly problem: string,
  ) {
    // One line, whatever the underlying library put in its own message.
    super(`${file} ${path || '/'}: ${problem}`.replace(/\s*\n\s*/g, ' '));
  }
}

/** Finds <repo>/requirements by walking up from this file, so it works from src/ and from dist/src/. */
export function defaultCatalogueDir(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, 'requirements');
    if (existsSync(join(candidate, 'schema')) && existsSync(join(candidate, 'gbt39204.yaml'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new CatalogueError('requirements/', '/', `no requirements directory above ${__dirname}`);
    dir = parent;
  }
}

// ---- raw file shapes (after schema validation) -------------------------------------------------

interface GbtFile {
  document: SourceDocument;
  layout: { confidence: 'confirmed' | 'unverified'; source: string };
  principles: Principle[];
  chapters: Array<Omit<Chapter, 'clauses'> & { clauses: Array<Omit<Clause, 'document' | 'chapter'>> }>;
  activities: Array<{ chapter: string; title: { zh: string; en: string } }>;
  items: Array<Omit<RequirementItem, 'document'> & { document?: string }>;
}
interface RegulationsFile {
  documents: SourceDocument[];
  items: RequirementItem[];
}
interface ReportingFile {
  calendar: ReportingCalendar;
  reportFields: ReportField[];
  rules: ReportingRule[];
  earlyWarning: EarlyWarningDefaults;
  reminders: number[];
  escalation: EscalationDefaults;
  policeReport: PoliceReportRule;
  sectorRules: SectorRule[];
  nationalChannels: NationalChannels;
}
interface Files {
  gbt39204: GbtFile;
  regulations: RegulationsFile;
  'reporting-rules': ReportingFile;
  taxonomy: Taxonomy;
  'grade-suggestion': GradeRuleSet;
}

export type ReportKind = 'initial' | 'followUp' | 'final' | 'onward';

export class Catalogue {
  readonly requirements: readonly RequirementItem[];
  readonly documents: readonly SourceDocument[];
  readonly chapters: readonly Chapter[];
  readonly clauses: readonly Clause[];
  readonly principles: readonly Principle[];
  readonly layout: GbtFile['layout'];
  readonly taxonomy: Taxonomy;
  readonly categories: readonly Category[];
  readonly reportingRules: readonly ReportingRule[];
  readonly reportFields: readonly ReportField[];
  readonly calendar: ReportingCalendar;
  /** Working days for working-day deadlines: weekdays, minus public holidays, plus make-up days. */
  readonly workingCalendar: WorkingCalendar;
  readonly earlyWarning: EarlyWarningDefaults;
  /** Reminder points as fractions of a deadline window (product default). */
  readonly reminders: readonly number[];
  readonly escalation: EscalationDefaults;
  readonly gradeRules: GradeRuleSet;
  /** The report to public security when a crime is suspected (every operator kind and grade). */
  readonly policeReport: PoliceReportRule;
  readonly sectorRules: readonly SectorRule[];
  readonly nationalChannels: NationalChannels;

  private readonly byId: Map<string, RequirementItem>;
  private readonly byCategory: Map<string, Category>;

  /** Use loadCatalogue(); the constructor trusts data that has already been validated. */
  constructor(files: Files) {
    const gbt = files.gbt39204;
    const gbtItems: RequirementItem[] = gbt.items.map((i) => ({ ...i, document: i.document ?? gbt.document.id }));
    this.requirements = [...gbtItems, ...files.regulations.items];
    this.documents = [gbt.document, ...files.regulations.documents];
    this.chapters = gbt.chapters.map((c) => ({
      ...c,
      clauses: c.clauses.map((cl) => ({ ...cl, document: gbt.document.id, chapter: c.number })),
    }));
    this.clauses = this.chapters.flatMap((c) => c.clauses);
    this.principles = gbt.principles;
    this.layout = gbt.layout;
    this.taxonomy = files.taxonomy;
    this.categories = files.taxonomy.categories;
    const rr = files['reporting-rules'];
    this.reportingRules = rr.rules;
    this.reportFields = rr.reportFields;
    this.calendar = rr.calendar;
    this.workingCalendar = new WorkingCalendar(rr.calendar.years);
    this.earlyWarning = rr.earlyWarning;
    this.reminders = rr.reminders;
    this.escalation = rr.escalation;
    this.policeReport = rr.policeReport;
    this.sectorRules = rr.sectorRules;
    this.nationalChannels = rr.nationalChannels;
    this.gradeRules = files['grade-suggestion'];
    this.byId = new Map(this.requirements.map((r) => [r.id, r]));
    this.byCategory = new Map(this.categories.map((c) => [c.code, c]));
  }

  requirement(id: string): RequirementItem | undefined {
    return this.byId.get(id);
  }

  category(code: string): Category | undefined {
    return this.byCategory.get(code);
  }

  isCategory(code: string): boolean {
    return this.byCategory.has(code);
  }

  /** The category and its ancestors, nearest first. */
  categoryLineage(code: string): string[] {
    const out: string[] = [];
    let c = this.byCategory.get(code);
    while (c) {
      out.push(c.code);
      c = c.parent ? this.byCategory.get(c.parent) : undefined;
    }
    return out;
  }

  /** When a report of `kind` under `rule` is due from `clockStart`, counting this catalogue's working days. */
  reportDeadline(rule: ReportingRule, kind: DeadlineKind, clockStart: Date): Date {
    return computeReportDeadline(rule, kind, clockStart, this.workingCalendar);
  }

  /** When the police report is due, counted from the moment a crime was first suspected. */
  policeReportDeadline(clockStart: Date): Date {
    const r = this.policeReport;
    return addDuration(clockStart, r.within, r.dayKind ?? 'calendar', (t) => this.workingCalendar.isWorkingDay(t));
  }

  /** The sector regulators' rules that bind an operator of this sector and kind for an incident of this grade. */
  sectorRulesFor(sector: string | null | undefined, operatorKind: OperatorKind, grade: Grade): SectorRule[] {
    if (!sector) return [];
    return this.sectorRules.filter(
      (s) =>
        s.sector === sector &&
        (!s.operatorKinds || s.operatorKinds.includes(operatorKind)) &&
        (s.grades ?? this.ruleFor(operatorKind, grade)?.grades ?? []).includes(grade),
    );
  }

  /**
   * The initial report's due time for an operator: the national rule's, brought forward by any sector
   * rule whose own `initialWithin` ends earlier (both counted from the same clock start).
   */
  initialDeadline(rule: ReportingRule, sectorRules: readonly SectorRule[], clockStart: Date): Date {
    let due = this.reportDeadline(rule, 'initial', clockStart);
    for (const s of sectorRules) {
      if (!s.initialWithin) continue;
      const own = addDuration(clockStart, s.initialWithin, 'calendar', () => true);
      if (own.getTime() < due.getTime()) due = own;
    }
    return due;
  }

  /** The rule that obliges a report, or undefined when none is mandatory (grade IV). */
  ruleFor(operatorKind: OperatorKind, grade: Grade): ReportingRule | undefined {
    return this.reportingRules.find((r) => r.operatorKind === operatorKind && r.grades.includes(grade));
  }

  /**
   * Field codes a report of this kind must carry for an incident of `category`: fields with a
   * `requiredWhen.category` condition (ransomDetails) count only when the category or one of its
   * ancestors is listed.
   */
  requiredReportFields(rule: ReportingRule, kind: ReportKind, category?: string): string[] {
    const report = rule.reports[kind];
    if (!report) return [];
    const lineage = category ? this.categoryLineage(category) : [];
    return report.requiredFields.filter((code) => {
      const cond = this.reportFields.find((f) => f.code === code)?.requiredWhen;
      return !cond || cond.category.some((c) => lineage.includes(c));
    });
  }
}

// ---- loading ------------------------------------------------------------------------------------

export function loadCatalogue(dir: string = defaultCatalogueDir()): Catalogue {
  const files = readAndValidate(dir);
  crossCheck(files);
  // Frozen because one catalogue is shared process-wide and YAML aliases make rules share objects:
  // a caller editing one rule's follow-up would silently edit the others.
  return deepFreeze(new Catalogue(files));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function readAndValidate(dir: string): Files {
  const schemaDir = join(dir, 'schema');
  if (!existsSync(schemaDir)) throw new CatalogueError('schema/', '/', `schema directory missing in ${resolve(dir)}`);
  // strictRequired is off because `if/then: { required: [...] }` names properties declared one level up.
  const ajv = new Ajv2020({ allErrors: false, strict: true, strictRequired: false });
  const schemaFiles = readdirSync(schemaDir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort();
  for (const f of schemaFiles) {
    let schema: unknown;
    try {
      schema = JSON.parse(readFileSync(join(schemaDir, f), 'utf8'));
    } catch (e) {
      throw new CatalogueError(`schema/${f}`, '/', `malformed JSON: ${(e as Error).message}`);
    }
    try {
      ajv.addSchema(schema as object, f);
    } catch (e) {
      throw new CatalogueError(`schema/${f}`, '/', `invalid schema: ${(e as Error).message}`);
    }
  }

  const yamlFiles = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  for (const f of yamlFiles) {
    const base = f.replace(/\.ya?ml$/, '');
    if (!(CATALOGUE_FILES as readonly string[]).includes(base)) {
      throw new CatalogueError(f, '/', `unexpected file: the catalogue has no schema for "${base}"`);
    }
  }

  const out: Partial<Record<FileName, unknown>> = {};
  for (const name of CATALOGUE_FILES) {
    const file = `${name}.yaml`;
    const full = join(dir, file);
    if (!existsSync(full)) throw new CatalogueError(file, '/', `file missing in ${resolve(dir)}`);
    const data = parseYaml(file, readFileSync(full, 'utf8'));
    let validate: ValidateFunction | undefined;
    try {
      validate = ajv.getSchema(`${name}.schema.json`);
    } catch (e) {
      throw new CatalogueError(`schema/${name}.schema.json`, '/', `cannot compile: ${(e as Error).message}`);
    }
    if (!validate) throw new CatalogueError(`schema/${name}.schema.json`, '/', 'schema file missing');
    if (!validate(data)) throw schemaError(file, validate.errors ?? []);
    out[name] = data;
  }
  return out as Files;
}

function parseYaml(file: string, text: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  const err = doc.errors[0];
  if (err) {
    const pos = lineCounter.linePos(err.pos[0]);
    throw new CatalogueError(
      file,
      `line ${pos.line}, column ${pos.col}`,
      `malformed YAML: ${err.message.split('\n')[0]}`,
    );
  }
  return doc.toJS({ maxAliasCount: 1000 });
}

function schemaError(file: string, errors: ErrorObject[]): CatalogueError {
  if (errors.length === 0) return new CatalogueError(file, '/', 'does not match its schema');
  // With allErrors off, the list holds the failing branch(es); the deepest error says most, and on a
  // tie the later one is the combinator's own summary rather than one arbitrary branch.
  let best = errors[0]!;
  for (const e of errors) if (e.instancePath.length >= best.instancePath.length) best = e;
  let path = best.instancePath || '/';
  let detail = best.message ?? 'is invalid';
  const params = best.params as Record<string, unknown>;
  if (best.keyword === 'additionalProperties') {
    path = `${best.instancePath}/${String(params.additionalProperty)}`;
    detail = 'property is not allowed here';
  } else if (best.keyword === 'enum') {
    detail = `must be one of ${JSON.stringify(params.allowedValues)}`;
  } else if (best.keyword === 'const') {
    detail = `must be ${JSON.stringify(params.allowedValue)}`;
  }
  return new CatalogueError(file, path, `schema violation: ${detail}`);
}

// ---- cross-checks -------------------------------------------------------------------------------

type Visit = (key: string, value: unknown, path: string) => void;

/** Visits every object property below `value` with its JSON Pointer. */
function walk(value: unknown, path: string, visit: Visit): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path}/${i}`, visit));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      visit(k, v, p);
      walk(v, p, visit);
    }
  }
}

function crossCheck(files: Files): void {
  const gbt = files.gbt39204;
  const regs = files.regulations;
  const rr = files['reporting-rules'];
  const tax = files.taxonomy;
  const gs = files['grade-suggestion'];

  // Ids are unique across every file: a citation must never be ambiguous.
  const ids = new Map<string, string>();
  const claim = (file: string, path: string, id: string): void => {
    const first = ids.get(id);
    if (first) throw new CatalogueError(file, path, `duplicate id "${id}" (already defined at ${first})`);
    ids.set(id, `${file} ${path}`);
  };
  gbt.principles.forEach((p, i) => claim('gbt39204.yaml', `/principles/${i}/id`, p.id));
  gbt.items.forEach((it, i) => claim('gbt39204.yaml', `/items/${i}/id`, it.id));
  regs.items.forEach((it, i) => claim('regulations.yaml', `/items/${i}/id`, it.id));
  rr.rules.forEach((r, i) => claim('reporting-rules.yaml', `/rules/${i}/id`, r.id));
  claim('reporting-rules.yaml', '/policeReport/id', rr.policeReport.id);
  rr.sectorRules.forEach((r, i) => claim('reporting-rules.yaml', `/sectorRules/${i}/id`, r.id));
  gs.rules.forEach((r, i) => claim('grade-suggestion.yaml', `/rules/${i}/id`, r.id));

  const calendarProblem = calendarProblems(rr.calendar.years)[0];
  if (calendarProblem) throw new CatalogueError('reporting-rules.yaml', calendarProblem.path, calendarProblem.problem);

  checkGbtLayout(gbt);
  const docIds = new Set(regs.documents.map((d) => d.id));
  regs.items.forEach((it, i) => {
    if (!docIds.has(it.document)) {
      throw new CatalogueError('regulations.yaml', `/items/${i}/document`, `unknown document "${it.document}"`);
    }
  });

  const requirementIds = new Set([...gbt.items, ...regs.items].map((i) => i.id));
  const gradeCodes = new Set<string>(tax.grades.map((g) => g.code));
  const fileNames: Record<FileName, string> = {
    gbt39204: 'gbt39204.yaml',
    regulations: 'regulations.yaml',
    'reporting-rules': 'reporting-rules.yaml',
    taxonomy: 'taxonomy.yaml',
    'grade-suggestion': 'grade-suggestion.yaml',
  };
  for (const name of CATALOGUE_FILES) {
    const file = fileNames[name];
    walk(files[name], '', (key, value, path) => {
      if (key === 'requirementIds' && Array.isArray(value)) {
        value.forEach((ref, i) => {
          if (!requirementIds.has(String(ref))) {
            throw new CatalogueError(file, `${path}/${i}`, `unknown requirement id "${String(ref)}"`);
          }
        });
      }
      if ((key === 'within' || key === 'stepDelay' || key === 'initialWithin') && typeof value === 'string')
        checkDuration(file, path, value);
      if ((key === 'grade' || key === 'defaultGrade') && typeof value === 'string' && !gradeCodes.has(value)) {
        throw new CatalogueError(
          file,
          path,
          `unknown grade "${value}" (taxonomy defines ${[...gradeCodes].join(', ')})`,
        );
      }
      if (key === 'grades' && Array.isArray(value)) {
        value.forEach((g, i) => {
          if (typeof g === 'string' && !gradeCodes.has(g)) {
            throw new CatalogueError(file, `${path}/${i}`, `unknown grade "${g}"`);
          }
        });
      }
    });
  }

  checkTaxonomy(tax);
  checkReporting(rr, tax);
  checkGradeRules(gs);
}

function checkDuration(file: string, path: string, value: string): void {
  try {
    parseDuration(value);
  } catch (e) {
    throw new CatalogueError(file, path, `bad duration: ${(e as Error).message}`);
  }
}

function checkGbtLayout(gbt: GbtFile): void {
  const file = 'gbt39204.yaml';
  const chapters = new Set<string>();
  const clauses = new Set<string>();
  gbt.chapters.forEach((c, ci) => {
    if (chapters.has(c.number))
      throw new CatalogueError(file, `/chapters/${ci}/number`, `duplicate chapter "${c.number}"`);
    chapters.add(c.number);
    c.clauses.forEach((cl, i) => {
      const path = `/chapters/${ci}/clauses/${i}/number`;
      if (!cl.number.startsWith(`${c.number}.`)) {
        throw new CatalogueError(file, path, `clause "${cl.number}" does not belong to chapter ${c.number}`);
      }
      if (clauses.has(cl.number)) throw new CatalogueError(file, path, `duplicate clause "${cl.number}"`);
      clauses.add(cl.number);
    });
  });
  gbt.activities.forEach((a, i) => {
    if (!chapters.has(a.chapter)) {
      throw new CatalogueError(file, `/activities/${i}/chapter`, `unknown chapter "${a.chapter}"`);
    }
  });
  gbt.items.forEach((it, i) => {
    if (!clauses.has(it.clause)) {
      throw new CatalogueError(file, `/items/${i}/clause`, `unknown clause "${it.clause}"`);
    }
    if (!it.id.startsWith(`GBT39204-${it.clause}-`)) {
      throw new CatalogueError(file, `/items/${i}/id`, `id "${it.id}" does not match its clause "${it.clause}"`);
    }
  });
}

function checkTaxonomy(tax: Taxonomy): void {
  const file = 'taxonomy.yaml';
  const codes = new Map<string, number>();
  tax.categories.forEach((c, i) => {
    if (codes.has(c.code)) throw new CatalogueError(file, `/categories/${i}/code`, `duplicate category "${c.code}"`);
    codes.set(c.code, i);
  });
  tax.categories.forEach((c, i) => {
    if (c.parent !== null && !codes.has(c.parent)) {
      throw new CatalogueError(file, `/categories/${i}/parent`, `unknown parent category "${c.parent}"`);
    }
    // A parent chain longer than the number of categories must loop.
    let p = c.parent;
    for (let steps = 0; p !== null; steps++) {
      if (steps > tax.categories.length || p === c.code) {
        throw new CatalogueError(file, `/categories/${i}/parent`, `category "${c.code}" is its own ancestor`);
      }
      p = tax.categories[codes.get(p)!]!.parent;
    }
  });
  const seenGrades = new Set<string>();
  const dims = new Set(tax.gradingDimensions.map((d) => d.code));
  tax.grades.forEach((g, i) => {
    if (seenGrades.has(g.code)) throw new CatalogueError(file, `/grades/${i}/code`, `duplicate grade "${g.code}"`);
    seenGrades.add(g.code);
    g.criteria.forEach((c, j) => {
      if (!dims.has(c.dimension)) {
        throw new CatalogueError(
          file,
          `/grades/${i}/criteria/${j}/dimension`,
          `unknown grading dimension "${c.dimension}"`,
        );
      }
    });
  });
  for (const g of GRADES) {
    if (!seenGrades.has(g)) throw new CatalogueError(file, '/grades', `grade "${g}" is not defined`);
  }
  const levels = new Set<string>();
  tax.earlyWarningLevels.forEach((l, i) => {
    if (levels.has(l.code))
      throw new CatalogueError(file, `/earlyWarningLevels/${i}/code`, `duplicate level "${l.code}"`);
    levels.add(l.code);
  });
}

function checkReporting(rr: ReportingFile, tax: Taxonomy): void {
  const file = 'reporting-rules.yaml';
  const fieldCodes = new Set<string>();
  const categories = new Set(tax.categories.map((c) => c.code));
  rr.reportFields.forEach((f, i) => {
    if (fieldCodes.has(f.code))
      throw new CatalogueError(file, `/reportFields/${i}/code`, `duplicate field "${f.code}"`);
    fieldCodes.add(f.code);
    f.requiredWhen?.category.forEach((c, j) => {
      if (!categories.has(c)) {
        throw new CatalogueError(file, `/reportFields/${i}/requiredWhen/category/${j}`, `unknown category "${c}"`);
      }
    });
  });

  const kinds = new Map<string, number>();
  rr.rules.forEach((rule, i) => {
    const base = `/rules/${i}`;
    if (kinds.has(rule.operatorKind)) {
      throw new CatalogueError(file, `${base}/operatorKind`, `second rule for operator kind "${rule.operatorKind}"`);
    }
    kinds.set(rule.operatorKind, i);
    for (const [kind, report] of Object.entries(rule.reports) as Array<
      [string, { requiredFields: string[]; minimumFields?: string[] } | undefined]
    >) {
      if (!report) continue;
      const checkList = (list: string[], key: string): void =>
        list.forEach((code, j) => {
          if (!fieldCodes.has(code)) {
            throw new CatalogueError(file, `${base}/reports/${kind}/${key}/${j}`, `unknown report field "${code}"`);
          }
        });
      checkList(report.requiredFields, 'requiredFields');
      if (report.minimumFields) {
        checkList(report.minimumFields, 'minimumFields');
        report.minimumFields.forEach((code, j) => {
          if (!report.requiredFields.includes(code)) {
            throw new CatalogueError(
              file,
              `${base}/reports/${kind}/minimumFields/${j}`,
              `"${code}" is not among requiredFields`,
            );
          }
        });
      }
    }
    rule.reports.onward?.grades.forEach((g, j) => {
      if (!rule.grades.includes(g)) {
        throw new CatalogueError(
          file,
          `${base}/reports/onward/grades/${j}`,
          `grade "${g}" is not among the rule's grades`,
        );
      }
    });
  });

  const levels = tax.earlyWarningLevels.map((l) => l.code as string);
  for (const [level, iso] of Object.entries(rr.earlyWarning.feedbackDefaultWithin)) {
    const path = `/earlyWarning/feedbackDefaultWithin/${level}`;
    if (!levels.includes(level)) throw new CatalogueError(file, path, `unknown early-warning level "${level}"`);
    checkDuration(file, path, iso);
  }
  for (const level of levels) {
    if (!(level in rr.earlyWarning.feedbackDefaultWithin)) {
      throw new CatalogueError(file, '/earlyWarning/feedbackDefaultWithin', `no default for level "${level}"`);
    }
  }
}

function checkGradeRules(gs: GradeRuleSet): void {
  const file = 'grade-suggestion.yaml';
  const facts = new Map<string, FactDefinition>();
  gs.facts.forEach((f, i) => {
    if (facts.has(f.name)) throw new CatalogueError(file, `/facts/${i}/name`, `duplicate fact "${f.name}"`);
    facts.set(f.name, f);
    // A value without a label would show as its code, a label without a value is a typo.
    if (f.valueLabels) {
      for (const key of Object.keys(f.valueLabels)) {
        if (!(f.values ?? []).includes(key))
          throw new CatalogueError(
            file,
            `/facts/${i}/valueLabels/${key}`,
            `"${key}" is not a value of fact "${f.name}"`,
          );
      }
      for (const v of f.values ?? []) {
        if (!(v in f.valueLabels))
          throw new CatalogueError(file, `/facts/${i}/valueLabels`, `no label for value "${v}"`);
      }
    }
  });
  const checkCondition = (c: Condition, path: string): void => {
    if ('all' in c) return c.all.forEach((x, i) => checkCondition(x, `${path}/all/${i}`));
    if ('any' in c) return c.any.forEach((x, i) => checkCondition(x, `${path}/any/${i}`));
    const problem = comparisonProblem(c, facts.get(c.fact));
    if (problem) throw new CatalogueError(file, path, problem);
  };
  gs.rules.forEach((r, i) => checkCondition(r.conditions, `/rules/${i}/conditions`));
}

function comparisonProblem(c: Comparison, fact: FactDefinition | undefined): string | undefined {
  if (!fact) return `unknown fact "${c.fact}"`;
  const v = c.value;
  switch (fact.type) {
    case 'number':
      if (c.op === 'in')
        return Array.isArray(v) && v.every((x) => typeof x === 'number')
          ? undefined
          : `"in" on number fact "${c.fact}" needs a list of numbers`;
      return typeof v === 'number' ? undefined : `fact "${c.fact}" is a number; value ${JSON.stringify(v)} is not`;
    case 'boolean':
      if (c.op !== 'eq' && c.op !== 'ne') return `fact "${c.fact}" is boolean; only eq/ne apply`;
      return typeof v === 'boolean' ? undefined : `fact "${c.fact}" is boolean; value ${JSON.stringify(v)} is not`;
    case 'enum': {
      const allowed = fact.values ?? [];
      if (c.op === 'in') {
        return Array.isArray(v) && v.every((x) => typeof x === 'string' && allowed.includes(x))
          ? undefined
          : `"in" on fact "${c.fact}" needs values among ${allowed.join(', ')}`;
      }
      if (c.op !== 'eq' && c.op !== 'ne') return `fact "${c.fact}" is an enum; only eq/ne/in apply`;
      return typeof v === 'string' && allowed.includes(v)
        ? undefined
        : `value ${JSON.stringify(v)} is not one of ${allowed.join(', ')}`;
    }
  }
}
