import { Inject, Injectable, NotFoundException, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { allCitations, type Citation } from '../../workflows/citations';
import { badField } from '../common';
import { LOGGER } from '../logging';
import { Catalogue, type ReportKind } from './catalogue';
import { computeCoverage } from './coverage';
import { suggestGrade, type GradeSuggestion } from './grade-suggestion';
import type { ListRequirementsQuery, ReportingRulesQuery, SourceCode } from './requirements.dto';
import type { Bilingual, ImpactFacts, ReportingRule, RequirementItem, TimedReport } from './types';
import { uncoveredYears } from './working-calendar';

const CALENDAR_CHECK_MS = 24 * 3_600_000;

export interface RequirementView {
  id: string;
  source: SourceCode | string;
  document: { id: string; title: Bilingual; confidence: string };
  clause: string;
  clauseRef: { number: string; title: Bilingual } | null;
  chapter: { number: string; title: Bilingual } | null;
  title: Bilingual;
  summary: Bilingual;
  actor: string;
  tags: string[];
  confidence: string;
  provenance: string;
  note?: string;
}

export interface RequirementDetailView extends RequirementView {
  citedBy: Citation[];
}

interface ReportFieldView {
  code: string;
  label: Bilingual;
  requiredWhen?: { category: string[] };
}

/**
 * Read-only views over the requirement catalogue and the workflows' citations of it. Nothing here
 * writes state: the catalogue is loaded once at start-up and the citations come from the compiled
 * workflow definitions, so both are computed once and then served from memory.
 */
@Injectable()
export class RequirementsService implements OnApplicationBootstrap, OnModuleDestroy {
  private citationsCache?: readonly Citation[];
  private calendarTimer?: NodeJS.Timeout;
  private readonly calendarWarned = new Set<number>();

  constructor(
    private readonly catalogue: Catalogue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * A working-day deadline in a year without its holiday notice would count Monday to Friday only:
   * say so at start-up and, for a process that runs into a new year, once a day after (each missing
   * year once).
   */
  onApplicationBootstrap(): void {
    this.checkCalendar();
    this.calendarTimer = setInterval(() => this.checkCalendar(), CALENDAR_CHECK_MS);
    this.calendarTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.calendarTimer) clearInterval(this.calendarTimer);
  }

  /** Returns the years it warned about now (for tests). */
  checkCalendar(now: Date = new Date()): number[] {
    const missing = uncoveredYears(this.catalogue.workingCalendar, now).filter((y) => !this.calendarWarned.has(y));
    if (missing.length === 0) return [];
    missing.forEach((y) => this.calendarWarned.add(y));
    this.logger.warn(
      { years: missing, covered: this.catalogue.workingCalendar.coveredYears },
      `working calendar: no public-holiday notice for ` +
        `${missing.join(', ')}; working-day deadlines there count ` +
        `Monday to Friday only. Add the year to ` +
        `requirements/reporting-rules.yaml (calendar.years).`,
    );
    return missing;
  }

  /** Static for the life of the process (workflows are code), so collected on first use only. */
  private citations(): readonly Citation[] {
    this.citationsCache ??= Object.freeze(allCitations());
    return this.citationsCache;
  }

  list(q: ListRequirementsQuery): RequirementView[] {
    return this.catalogue.requirements
      .filter((r) => {
        if (q.source && sourceCode(r.document) !== q.source) return false;
        if (q.chapter && chapterOf(r) !== q.chapter) return false;
        if (q.tag && !r.tags.includes(q.tag)) return false;
        if (q.actor && r.actor !== q.actor) return false;
        if (q.confidence && r.confidence !== q.confidence) return false;
        return true;
      })
      .map((r) => this.view(r));
  }

  get(id: string): RequirementDetailView {
    const item = this.catalogue.requirement(id);
    if (!item) throw new NotFoundException(`No requirement ${id} in the catalogue`);
    return { ...this.view(item), citedBy: this.citations().filter((c) => c.requirementId === id) };
  }

  coverage() {
    const report = computeCoverage(this.catalogue, this.citations());
    return { total: report.rows.length, covered: report.rows.length - report.uncovered.length, ...report };
  }

  taxonomy() {
    const t = this.catalogue.taxonomy;
    return {
      categorySource: t.categorySource,
      // Flat with `parent` (easy to look up by code) plus `children` (easy to render as a tree).
      categories: t.categories.map((c) => ({
        ...c,
        children: t.categories.filter((x) => x.parent === c.code).map((x) => x.code),
      })),
      gradingSource: t.gradingSource,
      gradingDimensions: t.gradingDimensions,
      grades: [...t.grades].sort((a, b) => a.rank - b.rank),
      earlyWarningLevels: [...t.earlyWarningLevels].sort((a, b) => a.rank - b.rank),
    };
  }

  reportingRules(q: ReportingRulesQuery) {
    if (q.category && !this.catalogue.isCategory(q.category)) {
      throw badField('category', `category "${q.category}" is not in the taxonomy (see GET /api/v1/taxonomy)`);
    }
    const detectedAt = q.detectedAt ? new Date(q.detectedAt) : undefined;
    const rules = this.catalogue.reportingRules
      .filter((r) => (!q.operatorKind || r.operatorKind === q.operatorKind) && (!q.grade || r.grades.includes(q.grade)))
      .map((r) => this.ruleView(r, q.category, detectedAt));
    return {
      calendar: this.catalogue.calendar,
      // With a grade asked for, say plainly whether any report is owed: grade IV has no rule, and an
      // empty list alone reads like a missing filter match.
      ...(q.grade ? { reportMandatory: rules.length > 0 } : {}),
      rules,
    };
  }

  /**
   * Suggests a grade from impact facts. Nothing changes: the suggestion is not stored and no incident
   * is touched, so unlike every mutation it writes no audit entry; the grade that counts is the one
   * a commander sets on the incident, which is audited there.
   */
  suggestGrade(facts: ImpactFacts): GradeSuggestion & { confidence: string } {
    // The DTO instance carries every declared property (undefined when not sent); suggestGrade
    // treats undefined as "not entered", so passing it through keeps one definition of a missing fact.
    const entered = Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined));
    return { ...suggestGrade(this.catalogue.gradeRules, entered), confidence: this.catalogue.gradeRules.confidence };
  }

  private view(r: RequirementItem): RequirementView {
    const doc = this.catalogue.documents.find((d) => d.id === r.document);
    const chapterNo = chapterOf(r);
    const chapter = chapterNo ? this.catalogue.chapters.find((c) => c.number === chapterNo) : undefined;
    const clause = chapterNo ? this.catalogue.clauses.find((c) => c.number === r.clause) : undefined;
    return {
      id: r.id,
      source: sourceCode(r.document),
      document: {
        id: r.document,
        title: doc?.title ?? { zh: r.document, en: r.document },
        confidence: doc?.confidence ?? 'unverified',
      },
      clause: r.clause,
      clauseRef: clause ? { number: clause.number, title: clause.title } : null,
      chapter: chapter ? { number: chapter.number, title: chapter.title } : null,
      title: r.title,
      summary: r.summary,
      actor: r.actor,
      tags: [...r.tags],
      confidence: r.confidence,
      provenance: r.source,
      ...(r.note ? { note: r.note } : {}),
    };
  }

  private ruleView(rule: ReportingRule, category: string | undefined, detectedAt: Date | undefined) {
    const fields = (kind: ReportKind, codes: readonly string[]): ReportFieldView[] => {
      const wanted = category ? new Set(this.catalogue.requiredReportFields(rule, kind, category)) : undefined;
      return codes
        .filter((code) => !wanted || wanted.has(code))
        .map((code) => {
          const f = this.catalogue.reportFields.find((x) => x.code === code);
          return {
            code,
            label: f?.label ?? { zh: code, en: code },
            ...(f?.requiredWhen && !category ? { requiredWhen: f.requiredWhen } : {}),
          };
        });
    };
    const timed = (kind: 'initial' | 'final' | 'onward', report: TimedReport) => ({
      within: report.within,
      dayKind: report.dayKind ?? 'calendar',
      clockStartsAt: report.clockStartsAt,
      // Only the discovery time is known before an incident exists; other clocks (handling ended,
      // department received) start later, so their due times are left to the incident itself.
      ...(detectedAt && report.clockStartsAt === 'detectedAt'
        ? { dueAt: this.catalogue.reportDeadline(rule, kind, detectedAt).toISOString() }
        : {}),
      requiredFields: fields(kind, report.requiredFields),
      requirementIds: report.requirementIds,
      confidence: report.confidence,
      ...(report.source ? { source: report.source } : {}),
      ...(report.note ? { note: report.note } : {}),
    });
    const { initial, followUp, final, onward } = rule.reports;
    return {
      id: rule.id,
      operatorKind: rule.operatorKind,
      grades: rule.grades,
      recipients: rule.recipients,
      requirementIds: rule.requirementIds,
      reports: {
        initial: { ...timed('initial', initial), minimumFields: fields('initial', initial.minimumFields) },
        followUp: {
          trigger: followUp.trigger,
          ...(followUp.within ? { within: followUp.within, withinBasis: followUp.withinBasis } : {}),
          requiredFields: fields('followUp', followUp.requiredFields),
          requirementIds: followUp.requirementIds,
          confidence: followUp.confidence,
          ...(followUp.note ? { note: followUp.note } : {}),
        },
        final: timed('final', final),
        ...(onward
          ? { onward: { ...timed('onward', onward), grades: onward.grades, from: onward.from, to: onward.to } }
          : {}),
      },
    };
  }
}

/** GB/T 39204 chapter of an item ("11" for clause "11.3"); regulation articles have none. */
function chapterOf(r: RequirementItem): string | undefined {
  return r.document.startsWith('GBT39204') ? r.clause.split('.')[0] : undefined;
}

/** Document id without its edition year for the standard (GBT39204-2022 → GBT39204); regulations keep theirs. */
function sourceCode(documentId: string): string {
  return documentId.startsWith('GBT39204') ? 'GBT39204' : documentId;
}
