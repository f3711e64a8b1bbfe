import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { EarlyWarningContext } from '../../workflows/early-warning/types';
import type { Warning } from './warning.entity';
import type { WarningTarget } from './warning-target.entity';

export class WarningIndicatorView {
  @ApiProperty() type!: string;
  @ApiProperty() value!: string;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ enum: ['manual', 'stix'] }) source!: string;
  @ApiPropertyOptional() stixId?: string;
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

export class TargetStatusView {
  @ApiProperty() operatorOrgId!: string;
  @ApiProperty() operatorName!: string;
  @ApiProperty({ example: 'acting' }) state!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: TargetDeadlineView }) deadline!: TargetDeadlineView;
  @ApiProperty({ nullable: true, description: 'null until assessed' }) applicable!: boolean | null;
  @ApiProperty() answered!: boolean;
  @ApiPropertyOptional({ nullable: true }) answeredAt!: string | null;
  @ApiPropertyOptional({ type: FeedbackView, nullable: true }) feedback!: FeedbackView | null;
  @ApiProperty({ description: 'No feedback and the deadline has passed' }) overdue!: boolean;
  @ApiProperty({ description: 'Feedback came after the deadline' }) late!: boolean;
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
  @ApiPropertyOptional({ nullable: true }) feedbackWithin!: string | null;
  @ApiProperty() feedbackDueAt!: string;
  @ApiProperty() issuer!: { id: string; name: string };
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

/** What the issuing department sees: every warned operator's feedback status. */
export class DepartmentWarningView extends WarningBase {
  @ApiProperty({ type: [TargetStatusView] }) targets!: TargetStatusView[];
  @ApiProperty({ type: [TargetStatusView], description: 'Operators whose feedback is overdue' })
  overdue!: TargetStatusView[];
  @ApiProperty() counts!: { targets: number; answered: number; overdue: number };
  @ApiPropertyOptional({ description: 'Only right after creation with a `stix` bundle: what was imported and skipped' })
  stixImport?: { imported: number; skipped: Array<{ id: string; pattern?: string; reason: string }> };
}

/** What a warned operator sees: the warning and its own workflow. */
export class OperatorWarningView extends WarningBase {
  @ApiProperty() state!: string;
  @ApiProperty() stateValue!: unknown;
  @ApiProperty({ description: 'Optimistic-concurrency version; send it back as expectedVersion' }) version!: number;
  @ApiProperty({ type: [String] }) allowedEvents!: string[];
  @ApiProperty({ type: TargetDeadlineView }) deadline!: TargetDeadlineView;
  @ApiProperty() assessment!: { applicable: boolean | null; note: string | null };
  @ApiPropertyOptional({ nullable: true }) actionsSummary!: string | null;
  @ApiPropertyOptional({ type: FeedbackView, nullable: true }) feedback!: FeedbackView | null;
}

export class WarningSummaryView {
  @ApiProperty() id!: string;
  @ApiProperty() reference!: string;
  @ApiProperty() title!: string;
  @ApiProperty() level!: string;
  @ApiProperty() drill!: boolean;
  @ApiProperty() feedbackDueAt!: string;
  @ApiProperty() issuer!: { id: string; name: string };
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ description: 'Operator side: your workflow state' }) state?: string;
  @ApiPropertyOptional({ description: 'Operator side' }) deadlineStatus?: string;
  @ApiPropertyOptional({ description: 'Operator side' }) version?: number;
  @ApiPropertyOptional({ description: 'Department side: targets, answered, overdue' }) counts?: {
    targets: number;
    answered: number;
    overdue: number;
  };
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
    overdue: isOverdue(t, now),
    late: !!t.feedbackAt && (t.deadlineStatus === 'missed' || t.feedbackAt > t.dueAt),
  };
}
