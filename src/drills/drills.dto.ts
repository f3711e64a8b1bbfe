import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { BilingualText, GRADES } from '../common';
import { IsZonedTimestamp } from '../http';
import { DRILL_STATUSES } from './drill.entities';

/** Reminders when the request names none: a day before (to prepare) and an hour before (to gather). */
export const DEFAULT_REMIND_BEFORE = ['PT24H', 'PT1H'];

export class ScheduleDrillDto {
  @ApiProperty({ format: 'uuid', description: "One of your organisation's plans" })
  @IsUUID()
  planId!: string;

  @ApiPropertyOptional({ minimum: 1, description: "The plan's version to exercise; its latest when left out" })
  @IsOptional()
  @IsInt()
  @Min(1)
  planVersion?: number;

  @ApiProperty({ example: '2026 年第四季度勒索软件处置演练' })
  @IsString()
  @Length(1, 300)
  title!: string;

  @ApiProperty({ example: '核心交易系统；桌面推演加备份恢复实操', description: 'What the drill covers' })
  @IsString()
  @Length(1, 4000)
  scope!: string;

  @ApiProperty({ example: '2026-12-20T09:30:00+08:00', description: 'When it starts, with an offset; in the future' })
  @IsZonedTimestamp()
  startsAt!: string;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: "User ids of your organisation's people taking part (1–100); they are reminded",
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID(undefined, { each: true })
  participants!: string[];

  @ApiPropertyOptional({
    type: [String],
    example: DEFAULT_REMIND_BEFORE,
    description:
      'ISO 8601 durations before the start at which participants are reminded (at most 5, each PT1S–P30D); ' +
      'default PT24H and PT1H. A moment already past when scheduling is skipped',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsString({ each: true })
  @MaxLength(20, { each: true })
  remindBefore?: string[];

  @ApiPropertyOptional({
    description: 'Taxonomy category of the drill incident; the plan version’s first when left out',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({ enum: GRADES, description: 'Grade of the drill incident; IV when left out' })
  @IsOptional()
  @IsIn(GRADES)
  grade?: string;
}

export class CancelDrillDto {
  @ApiProperty({ example: '机房搬迁，改期' })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class FollowUpDto {
  @ApiProperty({ example: '补充离线备份恢复的操作手册' })
  @IsString()
  @Length(1, 1000)
  action!: string;

  @ApiProperty({ format: 'uuid', description: "Who does it: one of your organisation's people" })
  @IsUUID()
  ownerId!: string;

  @ApiProperty({ example: '2027-01-15', description: 'Calendar date (YYYY-MM-DD) by which it is done' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dueDate must be a date YYYY-MM-DD' })
  dueDate!: string;
}

export class EvaluateDrillDto {
  @ApiProperty({ example: '预案可执行，恢复时间超出目标 40 分钟' })
  @IsString()
  @Length(1, 4000)
  summary!: string;

  @ApiProperty({ type: [String], description: 'What went well' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 1000, { each: true })
  wentWell!: string[];

  @ApiProperty({ type: [String], description: 'Gaps the drill showed' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 1000, { each: true })
  gaps!: string[];

  @ApiProperty({ type: [FollowUpDto], description: 'Actions to close the gaps, each with an owner and a due date' })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => FollowUpDto)
  followUps!: FollowUpDto[];
}

export class CompleteFollowUpDto {
  @ApiPropertyOptional({ example: '手册已更新并发布' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class ListDrillsQuery {
  @ApiPropertyOptional({ enum: DRILL_STATUSES })
  @IsOptional()
  @IsIn(DRILL_STATUSES)
  status?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  planId?: string;
}

export class DrillReminderView {
  @ApiProperty({ example: 'PT24H', description: 'How long before the start' }) before!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ['pending', 'sent', 'skipped', 'cancelled'] }) status!: string;
  @ApiPropertyOptional({ format: 'date-time' }) sentAt?: string;
}

export class DrillParticipantView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() role!: string;
}

export class FollowUpView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() action!: string;
  @ApiProperty({ format: 'uuid' }) ownerId!: string;
  @ApiProperty({ description: 'The owner’s name (empty when the user no longer exists)' }) ownerName!: string;
  @ApiProperty({ example: '2027-01-15' }) dueDate!: string;
  @ApiProperty({ enum: ['open', 'done'] }) status!: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) doneAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) doneNote!: string | null;
}

export class DrillEvaluationView {
  @ApiProperty() summary!: string;
  @ApiProperty({ type: [String] }) wentWell!: string[];
  @ApiProperty({ type: [String] }) gaps!: string[];
  @ApiProperty() evaluatedBy!: string;
  @ApiProperty({ format: 'date-time' }) evaluatedAt!: string;
}

export class DrillView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty({ description: 'The plan version the drill exercises (pinned)' }) planVersion!: number;
  @ApiProperty({ type: BilingualText, description: 'The title of that plan version' }) planTitle!: BilingualText;
  @ApiProperty() title!: string;
  @ApiProperty() scope!: string;
  @ApiProperty() category!: string;
  @ApiProperty({ enum: GRADES }) grade!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ enum: DRILL_STATUSES }) status!: string;
  @ApiProperty({ type: [DrillParticipantView] }) participants!: DrillParticipantView[];
  @ApiProperty({ type: [DrillReminderView] }) reminders!: DrillReminderView[];
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The drill incident, once started',
  })
  incidentId!: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) startedAt!: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) cancelledAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) cancelReason!: string | null;
  @ApiPropertyOptional({ type: DrillEvaluationView, nullable: true }) evaluation!: DrillEvaluationView | null;
  @ApiProperty({ type: [FollowUpView] }) followUps!: FollowUpView[];
  @ApiProperty() createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ClauseCitationView {
  @ApiProperty({ example: 'GBT39204-11.2-a' }) requirementId!: string;
  @ApiProperty({ example: 'GBT39204-2022' }) documentId!: string;
  @ApiProperty({ type: BilingualText, description: 'The standard’s title' }) documentTitle!: BilingualText;
  @ApiProperty({ example: '11.2', description: 'Clause number' }) clause!: string;
  @ApiProperty({ type: BilingualText, description: 'The clause’s title' }) clauseTitle!: BilingualText;
  @ApiProperty({ type: BilingualText, description: 'The item’s title (our paraphrase)' }) title!: BilingualText;
  @ApiProperty({ example: '/api/v1/requirements/GBT39204-11.2-a', description: 'Where the item is read in full' })
  address!: string;
  @ApiProperty({ description: 'Where the item was taken from, and how sure we are of it' }) provenance!: string;
  @ApiProperty({ enum: ['confirmed', 'unverified'] }) confidence!: string;
}

export class PlanDrillsView {
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty({ type: BilingualText, description: "The plan's latest title" }) planTitle!: BilingualText;
  @ApiProperty({ description: 'Scheduled, not yet started' }) planned!: number;
  @ApiProperty({ description: 'Started (run), evaluated or not' }) run!: number;
  @ApiProperty() evaluated!: number;
  @ApiProperty() cancelled!: number;
  @ApiProperty({ description: 'Run but not yet evaluated' }) awaitingEvaluation!: number;
  @ApiProperty({ description: 'Follow-up actions of its drills not yet done' }) openFollowUps!: number;
  @ApiProperty({ description: 'Open follow-ups past their due date' }) overdueFollowUps!: number;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) nextDrillAt!: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) lastRunAt!: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) lastEvaluatedAt!: string | null;
}

export class DrillComplianceView {
  @ApiProperty({ type: [ClauseCitationView], description: 'GB/T 39204-2022 11.2 items the drills evidence' })
  requirements!: ClauseCitationView[];
  @ApiProperty({ type: [PlanDrillsView], description: 'One row per plan with drills or without any' })
  plans!: PlanDrillsView[];
}
