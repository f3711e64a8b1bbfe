import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { IsZonedTimestamp } from '../http';
import { GRADES, OPERATOR_KINDS, type Grade, type OperatorKind } from '../common';

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

export class BilingualText {
  @ApiProperty({ example: '向保护工作部门和公安机关报告事件' }) zh!: string;
  @ApiProperty({ example: 'Report incidents to the protection department and public security' }) en!: string;
}

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

export class GradeSuggestionView {
  @ApiProperty({ enum: GRADES, description: 'Suggested grade; the commander decides' }) grade!: string;
  @ApiProperty({
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
  fired!: Array<{
    ruleId: string;
    grade: string;
    rationale: BilingualText;
    confidence: string;
    source: string;
    note?: string;
  }>;
  @ApiProperty({
    enum: CONFIDENCES,
    description:
      'Confidence of the rule set as a whole: unverified while some of its thresholds are (see each fired rule)',
  })
  confidence!: string;
}
