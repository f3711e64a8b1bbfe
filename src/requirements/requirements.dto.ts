import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsZonedTimestamp } from '../http';
import { GRADES, OPERATOR_KINDS, type Grade, type OperatorKind, BilingualText } from '../common';

/**
 * Short source codes accepted by the `source` filter. The catalogue's document ids carry an edition
 * (GBT39204-2022); callers filter by the family, so a later edition does not change the API value.
 */
export const SOURCE_CODES = ['GBT39204', 'NCIRM-2025', 'CIIPR-2021'] as const;
export type SourceCode = (typeof SOURCE_CODES)[number];

export const ACTORS = [
  'operator',
  'security-management-organisation',
  'protection-department',
  'public-security',
] as const;
export const CONFIDENCES = ['confirmed', 'unverified'] as const;

/**
 * Filters for the requirement list. Values that are well-formed but match nothing (chapter=99,
 * tag=nothing) give an empty list; only malformed values are a 400, so a client built against a
 * larger catalogue keeps working against a smaller one.
 */
export class ListRequirementsQuery {
  @ApiPropertyOptional({ example: '11', description: "GB/T 39204 chapter number; selects that chapter's items only" })
  @IsOptional()
  @Matches(/^[1-9][0-9]?$/, { message: 'chapter must be a chapter number such as 11' })
  chapter?: string;

  @ApiPropertyOptional({ example: 'reporting', description: 'Items carrying this tag' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{0,39}$/, { message: 'tag must be a lower-case tag such as reporting' })
  tag?: string;

  @ApiPropertyOptional({ enum: ACTORS, description: 'Who the requirement obliges' })
  @IsOptional()
  @IsIn(ACTORS)
  actor?: (typeof ACTORS)[number];

  @ApiPropertyOptional({ enum: SOURCE_CODES, description: 'Source document family' })
  @IsOptional()
  @IsIn(SOURCE_CODES)
  source?: SourceCode;

  @ApiPropertyOptional({ enum: CONFIDENCES, description: 'confirmed: read in the named source; unverified: recalled' })
  @IsOptional()
  @IsIn(CONFIDENCES)
  confidence?: (typeof CONFIDENCES)[number];
}

export class ReportingRulesQuery {
  @ApiPropertyOptional({ enum: OPERATOR_KINDS, description: 'Operator kind of the reporting organisation' })
  @IsOptional()
  @IsIn(OPERATOR_KINDS)
  operatorKind?: OperatorKind;

  @ApiPropertyOptional({
    enum: GRADES,
    description: 'Incident grade; grade IV has no mandatory report, so no rule applies',
  })
  @IsOptional()
  @IsIn(GRADES)
  grade?: Grade;

  @ApiPropertyOptional({
    example: 'ransomware',
    description: 'Incident category: fields required only for some categories (ransomDetails) are resolved for it',
  })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{1,59}$/, { message: 'category must be a category code such as ransomware' })
  category?: string;

  @ApiPropertyOptional({
    example: '2026-11-25T02:10:00Z',
    description:
      'Discovery time: adds the computed due time of every report whose ' +
      'clock starts at detectedAt (the initial report)',
  })
  @IsOptional()
  @IsZonedTimestamp()
  detectedAt?: string;
}

// ---- response documentation (Swagger only; the service builds plain objects of these shapes) ----

// Defined beside the other shared building blocks, so views outside the catalogue use it too.
export { BilingualText };

export class ChapterRef {
  @ApiProperty({ example: '11' }) number!: string;
  @ApiProperty({ type: BilingualText }) title!: BilingualText;
}

export class ClauseRef {
  @ApiProperty({ example: '11.3' }) number!: string;
  @ApiProperty({ type: BilingualText }) title!: BilingualText;
}

export class DocumentRef {
  @ApiProperty({ example: 'GBT39204-2022' }) id!: string;
  @ApiProperty({ type: BilingualText }) title!: BilingualText;
  @ApiProperty({ enum: CONFIDENCES }) confidence!: string;
}

export class RequirementView {
  @ApiProperty({ example: 'GBT39204-11.3-b' }) id!: string;
  @ApiProperty({ enum: SOURCE_CODES, description: 'Source document family (the `source` filter value)' })
  source!: string;
  @ApiProperty({ type: DocumentRef }) document!: DocumentRef;
  @ApiProperty({ example: '11.3', description: 'Clause number, or article for regulations ("Art. 4")' })
  clause!: string;
  @ApiPropertyOptional({
    type: ClauseRef,
    nullable: true,
    description: 'GB/T 39204 clause with its title; null for regulation articles',
  })
  clauseRef!: ClauseRef | null;
  @ApiPropertyOptional({
    type: ChapterRef,
    nullable: true,
    description: 'GB/T 39204 chapter; null for regulation articles',
  })
  chapter!: ChapterRef | null;
  @ApiProperty({ type: BilingualText }) title!: BilingualText;
  @ApiProperty({ type: BilingualText, description: 'Our paraphrase, never the source wording' })
  summary!: BilingualText;
  @ApiProperty({ enum: ACTORS }) actor!: string;
  @ApiProperty({ type: [String], example: ['reporting'] }) tags!: string[];
  @ApiProperty({ enum: CONFIDENCES }) confidence!: string;
  @ApiProperty({ description: 'Where the item was taken from', example: 'GB/T 39204-2022 §11.3' }) provenance!: string;
  @ApiPropertyOptional() note?: string;
}

export class CitationView {
  @ApiProperty({ example: 'GBT39204-11.3-b' }) requirementId!: string;
  @ApiProperty({ example: 'incident', description: 'Workflow id, or playbook:<id> for a playbook step' })
  workflowId!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ enum: ['state', 'step', 'event'] }) kind!: string;
  @ApiProperty({ example: 'incident.response.reporting.initialDue' }) path!: string;
}

export class RequirementDetailView extends RequirementView {
  @ApiProperty({
    type: [CitationView],
    description: 'Workflow states, playbook steps and events citing this requirement',
  })
  citedBy!: CitationView[];
}

export class CoverageRowView {
  @ApiProperty() requirementId!: string;
  @ApiProperty({ type: BilingualText }) title!: BilingualText;
  @ApiProperty({ type: [CitationView] }) citedBy!: CitationView[];
}

export class CoverageView {
  @ApiProperty({ example: 60 }) total!: number;
  @ApiProperty({ example: 59 }) covered!: number;
  @ApiProperty({ type: [CoverageRowView], description: 'One row per requirement, in catalogue order' })
  rows!: CoverageRowView[];
  @ApiProperty({ type: [String], description: 'Requirement ids no workflow cites' }) uncovered!: string[];
  @ApiProperty({ type: [CitationView], description: 'Citations of ids the catalogue does not have' })
  unknown!: CitationView[];
}

export class FiredGradeRuleView {
  @ApiProperty({ example: 'GS-I-cii-outage' }) ruleId!: string;
  @ApiProperty({ enum: GRADES }) grade!: string;
  @ApiProperty({ type: BilingualText }) rationale!: BilingualText;
  @ApiProperty({ enum: CONFIDENCES, description: 'Whether its threshold was read in the final text' })
  confidence!: string;
  @ApiProperty({ description: 'The grading-guide item it follows' }) source!: string;
  @ApiPropertyOptional({ description: 'Where the value comes from, when not confirmed' }) note?: string;
}

export class GradeSuggestionView {
  @ApiProperty({ enum: GRADES, description: 'Suggested grade; the commander decides' }) grade!: string;
  @ApiProperty({
    type: [FiredGradeRuleView],
    description:
      'Every rule whose conditions hold, in rule-set order; the most severe ' +
      'grade among them is the suggestion. Each names the grading-guide item ' +
      'it follows (source), whether its threshold was read in the final text ' +
      '(confidence) and, when not, where the value comes from (note).',
    example: [
      {
        ruleId: 'GS-I-cii-outage',
        grade: 'I',
        confidence: 'confirmed',
        rationale: {
          zh: '…',
          en: 'The CII down as a whole for six hours or more, or its main functions for a day or more.',
        },
        source:
          '《网络安全事件分级指南》 一、特别重大网络安全事件, item 2; reprint https://wlzx.gzy.edu.cn/info/1098/1576.htm',
      },
    ],
  })
  fired!: FiredGradeRuleView[];
  @ApiProperty({
    enum: CONFIDENCES,
    description:
      'Confidence of the rule set as a whole: unverified while some of its thresholds are (see each fired rule)',
  })
  confidence!: string;
}

// ---- GET /api/v1/taxonomy ----

const CLOCK_STARTS = ['detectedAt', 'occurredAt', 'handlingEndedAt', 'receivedAt', 'crimeSuspectedAt'] as const;
const DAY_KINDS = ['calendar', 'working'] as const;
const RECIPIENT_KIND_CODES = [
  'protection-department',
  'public-security',
  'own-cyberspace-body',
  'provincial-cyberspace-department',
  'sector-regulator',
] as const;

export class CategoryView {
  @ApiProperty({ example: 'ransomware' }) code!: string;
  @ApiProperty({ type: BilingualText }) name!: BilingualText;
  @ApiProperty({ type: String, nullable: true, example: 'malware' }) parent!: string | null;
  @ApiProperty({ enum: ['standard', 'product'], description: 'From the standard, or added by this product' })
  origin!: string;
  @ApiProperty({ enum: CONFIDENCES }) confidence!: string;
  @ApiProperty({ type: [String], description: 'Codes of the categories whose parent this is' }) children!: string[];
}

export class GradingDimensionView {
  @ApiProperty({ example: 'cii' }) code!: string;
  @ApiProperty({ type: BilingualText }) name!: BilingualText;
}

export class GradeCriterionView {
  @ApiProperty({ example: 'cii' }) dimension!: string;
  @ApiProperty({ type: BilingualText }) description!: BilingualText;
}

export class GradeDefinitionView {
  @ApiProperty({ enum: GRADES }) code!: string;
  @ApiProperty({ example: 1 }) rank!: number;
  @ApiProperty({ type: BilingualText }) name!: BilingualText;
  @ApiProperty({ enum: CONFIDENCES }) confidence!: string;
  @ApiProperty({ description: 'Whether an incident of this grade must be reported' }) reportMandatory!: boolean;
  @ApiProperty({ enum: CONFIDENCES }) thresholdsConfidence!: string;
  @ApiProperty({ type: [GradeCriterionView] }) criteria!: GradeCriterionView[];
}

export class EarlyWarningLevelView {
  @ApiProperty({ enum: ['red', 'orange', 'yellow', 'blue'] }) code!: string;
  @ApiProperty({ example: 1 }) rank!: number;
  @ApiProperty({ type: BilingualText }) name!: BilingualText;
  @ApiProperty({ enum: CONFIDENCES }) confidence!: string;
}

export class TaxonomyView {
  @ApiProperty({ description: 'Where the categories come from' }) categorySource!: string;
  @ApiProperty({ type: [CategoryView], description: 'Flat, each with its parent and its children' })
  categories!: CategoryView[];
  @ApiProperty({ description: 'Where the grades come from' }) gradingSource!: string;
  @ApiProperty({ type: [GradingDimensionView] }) gradingDimensions!: GradingDimensionView[];
  @ApiProperty({ type: [GradeDefinitionView], description: 'I (most severe) to IV' }) grades!: GradeDefinitionView[];
  @ApiProperty({ type: [EarlyWarningLevelView] }) earlyWarningLevels!: EarlyWarningLevelView[];
}

// ---- GET /api/v1/reporting-rules ----

export class HolidayPeriodView {
  @ApiProperty({ example: '春节' }) name!: string;
  @ApiProperty({ example: '2026-02-15', description: 'First day off (YYYY-MM-DD)' }) from!: string;
  @ApiProperty({ example: '2026-02-23', description: 'Last day off (YYYY-MM-DD)' }) to!: string;
}

export class CalendarYearView {
  @ApiProperty({ example: 2026 }) year!: number;
  @ApiProperty({ description: 'The notice the days come from' }) source!: string;
  @ApiProperty({ type: [HolidayPeriodView] }) holidays!: HolidayPeriodView[];
  @ApiProperty({ type: [String], description: 'Weekend days that are working days (调休上班), YYYY-MM-DD' })
  workdays!: string[];
}

export class ReportingCalendarView {
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone!: string;
  @ApiProperty({ type: [String], description: 'Working days absent a notice for the year' }) workingDays!: string[];
  @ApiProperty({ type: [CalendarYearView] }) years!: CalendarYearView[];
  @ApiPropertyOptional() note?: string;
}

export class RequiredWhenView {
  @ApiProperty({ type: [String], description: 'Required only for incidents of these categories' })
  category!: string[];
}

export class ReportFieldView {
  @ApiProperty({ example: 'cause' }) code!: string;
  @ApiProperty({ type: BilingualText }) label!: BilingualText;
  @ApiPropertyOptional({ type: RequiredWhenView, description: 'Without a `category` filter: when the field applies' })
  requiredWhen?: RequiredWhenView;
}

export class TimedReportView {
  @ApiProperty({ example: 'PT1H', description: 'ISO 8601 duration' }) within!: string;
  @ApiProperty({ enum: DAY_KINDS }) dayKind!: string;
  @ApiProperty({ enum: CLOCK_STARTS }) clockStartsAt!: string;
  @ApiPropertyOptional({ description: 'With `detectedAt` and a clock that starts then: when the report is due' })
  dueAt?: string;
  @ApiProperty({ type: [ReportFieldView] }) requiredFields!: ReportFieldView[];
  @ApiProperty({ type: [String] }) requirementIds!: string[];
  @ApiProperty({ enum: CONFIDENCES }) confidence!: string;
  @ApiPropertyOptional() source?: string;
  @ApiPropertyOptional() note?: string;
}

export class InitialReportRuleView extends TimedReportView {
  @ApiProperty({ type: [ReportFieldView], description: 'What a partial initial report must hold' })
  minimumFields!: ReportFieldView[];
}

export class FollowUpReportRuleView {
  @ApiProperty({ enum: ['on-development'] }) trigger!: string;
  @ApiPropertyOptional({ example: 'P1D', description: 'Product default reminder cadence' }) within?: string;
  @ApiPropertyOptional({ enum: ['product-default'] }) withinBasis?: string;
  @ApiProperty({ type: [ReportFieldView] }) requiredFields!: ReportFieldView[];
  @ApiProperty({ type: [String] }) requirementIds!: string[];
  @ApiProperty({ enum: CONFIDENCES }) confidence!: string;
  @ApiPropertyOptional() note?: string;
}

export class OnwardReportRuleView extends TimedReportView {
  @ApiProperty({ enum: GRADES, isArray: true }) grades!: string[];
  @ApiProperty({ enum: RECIPIENT_KIND_CODES }) from!: string;
  @ApiProperty({ type: [BilingualText] }) to!: BilingualText[];
}

export class RuleReportsView {
  @ApiProperty({ type: InitialReportRuleView }) initial!: InitialReportRuleView;
  @ApiProperty({ type: FollowUpReportRuleView }) followUp!: FollowUpReportRuleView;
  @ApiProperty({ type: TimedReportView }) final!: TimedReportView;
  @ApiPropertyOptional({ type: OnwardReportRuleView, description: 'The department passes grades I/II on' })
  onward?: OnwardReportRuleView;
}

export class RuleRecipientView {
  @ApiProperty({ enum: RECIPIENT_KIND_CODES }) kind!: string;
}

export class ReportingRuleView {
  @ApiProperty({ example: 'RR-cii' }) id!: string;
  @ApiProperty({ enum: OPERATOR_KINDS }) operatorKind!: string;
  @ApiProperty({ enum: GRADES, isArray: true }) grades!: string[];
  @ApiProperty({ type: [RuleRecipientView] }) recipients!: RuleRecipientView[];
  @ApiProperty({ type: [String] }) requirementIds!: string[];
  @ApiProperty({ type: RuleReportsView }) reports!: RuleReportsView;
}

export class ReportingRulesView {
  @ApiProperty({ type: ReportingCalendarView }) calendar!: ReportingCalendarView;
  @ApiPropertyOptional({ description: 'With `grade`: whether any report is owed for it (grade IV: false)' })
  reportMandatory?: boolean;
  @ApiProperty({ type: [ReportingRuleView] }) rules!: ReportingRuleView[];
}
