import { SECTORS } from '../common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { EarlyWarningContext } from '../../workflows/early-warning/types';
import type { Warning } from './warning.entity';
import type { WarningTarget } from './warning-target.entity';
import { schemaRef } from '../http';
import { TARGET_ANSWERS, type TargetAnswer } from './target-answers';

export class WarningIndicatorView {
  @ApiProperty() type!: string;
  @ApiProperty() value!: string;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ enum: ['manual', 'stix', 'feed'], description: 'feed: chosen from a TAXII subscription' })
  source!: string;
  @ApiPropertyOptional() stixId?: string;
  @ApiPropertyOptional({
    enum: ['clear', 'green', 'amber', 'amber+strict', 'red'],
    description: 'TLP of the STIX indicator it came from; red and amber+strict only reach named operators',
  })
  tlp?: string;
}

export class FeedbackView {
  @ApiProperty() text!: string;
  @ApiProperty({ type: [String] }) measures!: string[];
  @ApiProperty() at!: string;
  @ApiProperty() by!: string;
}

export class TargetDeadlineView {
  @ApiProperty({ example: 'warning-feedback' }) timer!: string;
  @ApiProperty({ enum: ['pending', 'met', 'missed', 'cancelled'] }) status!: string;
  @ApiProperty() generation!: number;
  @ApiProperty() dueAt!: string;
  @ApiProperty() escalationLevel!: number;
}

export class IssuerView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
}

export class WarningCountsView {
  @ApiProperty({ description: 'Operators warned (whose workflow exists so far)' }) targets!: number;
  @ApiProperty({ description: 'Operators that sent feedback (late ones included)' }) answered!: number;
  @ApiProperty({ description: 'Operators whose feedback is overdue' }) overdue!: number;
  @ApiProperty({ description: 'Operators whose feedback came after the deadline' }) late!: number;
}

export class SkippedIndicatorView {
  @ApiProperty({ description: 'STIX id, or objects[i] when the object has none' }) id!: string;
  @ApiPropertyOptional() pattern?: string;
  @ApiProperty() reason!: string;
}

export class StixImportSummaryView {
  @ApiProperty({ description: 'Indicators taken from the bundle' }) imported!: number;
  @ApiProperty({ type: [SkippedIndicatorView] }) skipped!: SkippedIndicatorView[];
}

export class AssessmentView {
  @ApiProperty({ type: Boolean, nullable: true, description: 'null until assessed' }) applicable!: boolean | null;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
}

export class TargetStatusView {
  @ApiProperty() operatorOrgId!: string;
  @ApiProperty() operatorName!: string;
  @ApiProperty({ example: 'acting' }) state!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: TargetDeadlineView }) deadline!: TargetDeadlineView;
  @ApiProperty({ type: Boolean, nullable: true, description: 'null until assessed' }) applicable!: boolean | null;
  @ApiProperty() answered!: boolean;
  @ApiProperty({ type: String, nullable: true }) answeredAt!: string | null;
  @ApiProperty({ type: FeedbackView, nullable: true }) feedback!: FeedbackView | null;
  @ApiProperty({ description: 'No feedback and the deadline has passed' }) overdue!: boolean;
  @ApiProperty({ description: 'Feedback came after the deadline' }) late!: boolean;
  @ApiProperty({
    enum: TARGET_ANSWERS,
    description: 'overdue / pending (no feedback, late or in time) or late / answered (feedback, after or in time)',
  })
  answer!: TargetAnswer;
}

/** A page of the operators a department warned (GET /api/v1/warnings/:id/targets). */
export class WarningTargetPage {
  @ApiProperty({ type: [TargetStatusView] }) items!: TargetStatusView[];
  @ApiProperty({ description: 'Operators matching the filter' }) total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

/** How far the warning's fan-out has come (its operators' workflows are created in batches, after the request). */
export class FanoutView {
  @ApiProperty({
    enum: ['pending', 'done'],
    description: 'done once every operator has its workflow and feedback clock',
  })
  status!: 'pending' | 'done';
  @ApiProperty({ description: 'Operators the warning was issued to' }) total!: number;
  @ApiProperty({ description: 'Operators whose workflow and feedback clock exist' }) done!: number;
}

class WarningBase {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'WRN-2026-000001' }) reference!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['red', 'orange', 'yellow', 'blue'] }) level!: string;
  @ApiProperty() drill!: boolean;
  @ApiProperty({ type: [String] }) sectors!: string[];
  @ApiProperty() threatDescription!: string;
  @ApiProperty({ type: [String] }) recommendedActions!: string[];
  @ApiProperty({ type: [WarningIndicatorView] }) indicators!: WarningIndicatorView[];
  @ApiProperty({ type: String, nullable: true, example: 'P3D' }) feedbackWithin!: string | null;
  @ApiProperty() feedbackDueAt!: string;
  @ApiProperty({ type: IssuerView }) issuer!: IssuerView;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

/**
 * The answer to issuing a warning: the warning and its fan-out, just queued. Each operator's workflow
 * is created after the answer; GET /api/v1/warnings/:id shows the progress and the operators.
 */
export class IssuedWarningView extends WarningBase {
  @ApiProperty({ type: FanoutView }) fanout!: FanoutView;
  @ApiPropertyOptional({
    type: StixImportSummaryView,
    description: 'Only with a `stix` bundle: what was imported and skipped',
  })
  stixImport?: StixImportSummaryView;
}

/**
 * What the issuing department sees: the warning, its fan-out and how its operators stand, counted. The
 * operators themselves are paged (GET /api/v1/warnings/:id/targets): a sector may have thousands.
 */
export class DepartmentWarningView extends WarningBase {
  @ApiProperty({ type: FanoutView }) fanout!: FanoutView;
  @ApiProperty({ type: WarningCountsView }) counts!: WarningCountsView;
}

/** What a warned operator sees: the warning and its own workflow. */
export class OperatorWarningView extends WarningBase {
  @ApiProperty({ example: 'acting' }) state!: string;
  @ApiProperty({ ...schemaRef('WorkflowStateValue'), description: 'Full workflow state value' }) stateValue!: unknown;
  @ApiProperty({ description: 'Optimistic-concurrency version; send it back as expectedVersion' }) version!: number;
  @ApiProperty({ type: [String] }) allowedEvents!: string[];
  @ApiProperty({ type: TargetDeadlineView }) deadline!: TargetDeadlineView;
  @ApiProperty({ type: AssessmentView }) assessment!: AssessmentView;
  @ApiProperty({ type: String, nullable: true }) actionsSummary!: string | null;
  @ApiProperty({ type: FeedbackView, nullable: true }) feedback!: FeedbackView | null;
}

export class WarningSummaryView {
  @ApiProperty() id!: string;
  @ApiProperty() reference!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['red', 'orange', 'yellow', 'blue'] }) level!: string;
  @ApiProperty() drill!: boolean;
  @ApiProperty() feedbackDueAt!: string;
  @ApiProperty({ type: IssuerView }) issuer!: IssuerView;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ description: 'Operator side: your workflow state' }) state?: string;
  @ApiPropertyOptional({ enum: ['pending', 'met', 'missed', 'cancelled'], description: 'Operator side' })
  deadlineStatus?: string;
  @ApiPropertyOptional({ description: 'Operator side' }) version?: number;
  @ApiPropertyOptional({ type: WarningCountsView, description: 'Department side' }) counts?: WarningCountsView;
}

export class WarningPage {
  @ApiProperty({ type: [WarningSummaryView] }) items!: WarningSummaryView[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export const TIMER = 'warning-feedback';

export function baseView(w: Warning, issuerName: string): WarningBase {
  return {
    id: w.id,
    reference: w.reference,
    title: w.title,
    level: w.level,
    drill: w.drill,
    sectors: w.sectors,
    threatDescription: w.threatDescription,
    recommendedActions: w.recommendedActions,
    indicators: w.indicators,
    feedbackWithin: w.feedbackWithin,
    feedbackDueAt: w.feedbackDueAt,
    issuer: { id: w.orgId, name: issuerName },
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  };
}

export function fanoutView(w: Warning, done: number): FanoutView {
  return { status: done >= w.fanoutTotal ? 'done' : 'pending', total: w.fanoutTotal, done };
}

export function deadlineView(t: WarningTarget): TargetDeadlineView {
  return {
    timer: TIMER,
    status: t.deadlineStatus,
    generation: t.deadlineGeneration,
    dueAt: t.dueAt,
    escalationLevel: t.escalationLevel,
  };
}

export function feedbackView(t: WarningTarget): FeedbackView | null {
  return t.feedbackAt
    ? { text: t.feedback ?? '', measures: t.feedbackMeasures ?? [], at: t.feedbackAt, by: t.feedbackBy ?? '' }
    : null;
}

/** Overdue means "still owes feedback and the deadline has passed", whether or not the timer ran yet. */
export function isOverdue(t: WarningTarget, now: string): boolean {
  return !t.feedbackAt && (t.deadlineStatus === 'missed' || (t.deadlineStatus === 'pending' && t.dueAt <= now));
}

export function targetStatus(t: WarningTarget, operatorName: string, now: string): TargetStatusView {
  const context = (JSON.parse(t.snapshot) as { context: EarlyWarningContext }).context;
  const overdue = isOverdue(t, now);
  const late = !!t.feedbackAt && (t.deadlineStatus === 'missed' || t.feedbackAt > t.dueAt);
  return {
    operatorOrgId: t.operatorOrgId,
    operatorName,
    state: t.state,
    version: t.version,
    deadline: deadlineView(t),
    applicable: context.applicable,
    answered: !!t.feedbackAt,
    answeredAt: t.feedbackAt,
    feedback: feedbackView(t),
    overdue,
    late,
    answer: overdue ? 'overdue' : !t.feedbackAt ? 'pending' : late ? 'late' : 'answered',
  };
}

/** The answer to attaching a STIX bundle to a warning. */
export class StixImportReportView {
  @ApiProperty() warningId!: string;
  @ApiProperty({ description: 'Indicators added to the warning (values it did not have yet)' }) imported!: number;
  @ApiProperty({ type: [WarningIndicatorView] }) added!: WarningIndicatorView[];
  @ApiProperty({ type: [SkippedIndicatorView], description: 'Indicators not taken, each with the reason' })
  skipped!: SkippedIndicatorView[];
  @ApiProperty({ type: [WarningIndicatorView], description: "The warning's indicators now" })
  indicators!: WarningIndicatorView[];
}

/** An operator a department may warn: one of its sector's. */
export class WarningTargetView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true, enum: ['cii', 'organ', 'other', null] }) operatorKind!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '31' }) region!: string | null;
}

/**
 * Whom a department may warn: its sector (for `sectors`) and a page of the sector's operators (for
 * `operatorIds`), those whose name contains `q` when given.
 */
export class WarningTargetsView {
  @ApiProperty({ enum: SECTORS, description: "The department's sector: the one value `sectors` may hold" })
  sector!: string;
  @ApiProperty({ type: [WarningTargetView], description: "A page of the sector's operators, by name" })
  operators!: WarningTargetView[];
  @ApiProperty({ description: 'Operators of the sector that match (all of them without q)' }) total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
