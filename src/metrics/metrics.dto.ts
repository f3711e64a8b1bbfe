import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const GRADES = ['I', 'II', 'III', 'IV'];

export class MetricsQuery {
  @ApiPropertyOptional({
    example: '2026-09-07',
    description: 'First day (UTC, YYYY-MM-DD); its week is the first period. Default: 12 weeks before `to`',
  })
  @IsOptional()
  @Matches(DATE, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-02', description: 'Last day (UTC, YYYY-MM-DD), included. Default: today' })
  @IsOptional()
  @Matches(DATE, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ description: 'Count drills (演练) too; without it they are left out' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeDrills?: boolean;
}

export class OperatorMetricsQuery extends MetricsQuery {
  @ApiPropertyOptional({ enum: GRADES, description: 'Only incidents of this grade (as graded now)' })
  @IsOptional()
  @IsIn(GRADES)
  grade?: string;

  @ApiPropertyOptional({ description: 'Only incidents of this category (GET /api/v1/taxonomy)' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  category?: string;
}

export class DurationStatsView {
  @ApiProperty({ description: 'Incidents that reached the milestone' }) count!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Seconds, rounded' }) meanSeconds!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Seconds (the lower middle value for an even count)' })
  medianSeconds!: number | null;
  @ApiProperty({ type: Number, nullable: true }) maxSeconds!: number | null;
}

export class OnTimeView {
  @ApiProperty({ description: 'On time' }) met!: number;
  @ApiProperty({ description: 'Late' }) missed!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'met / (met + missed), 4 decimals; null when none' })
  rate!: number | null;
}

export class OperatorFiguresView {
  @ApiProperty({ description: 'Incidents declared' }) incidents!: number;
  @ApiProperty({ type: DurationStatsView, description: 'Declared → confirmed' }) timeToConfirm!: DurationStatsView;
  @ApiProperty({ type: DurationStatsView, description: 'Declared → containment done (handling past containment)' })
  timeToContain!: DurationStatsView;
  @ApiProperty({ type: DurationStatsView, description: 'Declared → closed' }) timeToClose!: DurationStatsView;
  @ApiProperty({ type: OnTimeView, description: 'Initial-report deadlines decided' }) initialReports!: OnTimeView;
  @ApiProperty({ type: OnTimeView, description: 'Final-report deadlines decided' }) finalReports!: OnTimeView;
  @ApiProperty({ description: 'Deadlines missed (initial, final, police report)' }) deadlineMisses!: number;
  @ApiProperty({ description: 'Escalation steps taken after missed deadlines' }) escalations!: number;
}

export class OperatorWeekView extends OperatorFiguresView {
  @ApiProperty({ example: '2026-11-30', description: 'Monday (UTC) of the week' }) week!: string;
}
export class OperatorGradeView extends OperatorFiguresView {
  @ApiProperty({ enum: GRADES }) grade!: string;
}
export class OperatorCategoryView extends OperatorFiguresView {
  @ApiProperty() category!: string;
}

export const DURATION_BUCKETS = ['le15m', 'le1h', 'le4h', 'le24h', 'le7d', 'gt7d'] as const;

export class DurationBucketView {
  @ApiProperty({ enum: DURATION_BUCKETS, description: 'At most 15 minutes, 1 hour, 4 hours, 24 hours, 7 days; over' })
  bucket!: string;
  @ApiProperty() confirm!: number;
  @ApiProperty() contain!: number;
  @ApiProperty() close!: number;
}

export class OperatorMetricsView {
  @ApiProperty() orgId!: string;
  @ApiProperty({ example: '2026-09-07' }) from!: string;
  @ApiProperty({ example: '2026-12-02' }) to!: string;
  @ApiProperty() includeDrills!: boolean;
  @ApiProperty({ type: OperatorFiguresView }) totals!: OperatorFiguresView;
  @ApiProperty({ type: [OperatorWeekView], description: 'Every week of the period, oldest first (by declaration)' })
  byWeek!: OperatorWeekView[];
  @ApiProperty({ type: [OperatorGradeView] }) byGrade!: OperatorGradeView[];
  @ApiProperty({ type: [OperatorCategoryView] }) byCategory!: OperatorCategoryView[];
  @ApiProperty({ type: [DurationBucketView], description: 'How many incidents took how long' })
  distribution!: DurationBucketView[];
}

export class OnwardFiguresView {
  @ApiProperty({ description: 'Reports that had to be passed on (grade I/II initial reports)' }) due!: number;
  @ApiProperty() met!: number;
  @ApiProperty() missed!: number;
  @ApiProperty() pending!: number;
  @ApiProperty({ type: Number, nullable: true }) rate!: number | null;
}

export class WarningFiguresView {
  @ApiProperty({ description: 'Warnings addressed (one per warned operator)' }) targeted!: number;
  @ApiProperty() answeredOnTime!: number;
  @ApiProperty() answeredLate!: number;
  @ApiProperty({ description: 'No feedback yet, not yet due' }) pending!: number;
  @ApiProperty({ description: 'No feedback yet, past its due time' }) overdue!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'answeredOnTime / (targeted − pending), 4 decimals' })
  rate!: number | null;
}

export class DepartmentFiguresView {
  @ApiProperty({ description: 'Reports received in the inbox' }) reportsReceived!: number;
  @ApiProperty({ type: OnTimeView, description: "Initial and final reports by their deadline's outcome" })
  reports!: OnTimeView;
  @ApiProperty({ type: OnwardFiguresView, description: 'Onward reports this department owed' })
  onward!: OnwardFiguresView;
  @ApiProperty({ type: WarningFiguresView }) warnings!: WarningFiguresView;
}

export class DepartmentOperatorView extends DepartmentFiguresView {
  @ApiProperty() operatorOrgId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Place in the punctuality ranking (1 = best on-time rate)' }) rank!: number;
}

export class DepartmentWeekView extends DepartmentFiguresView {
  @ApiProperty({ example: '2026-11-30' }) week!: string;
}

export class DepartmentMetricsView {
  @ApiProperty() orgId!: string;
  @ApiProperty({ type: String, nullable: true }) sector!: string | null;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty() includeDrills!: boolean;
  @ApiProperty({ type: DepartmentFiguresView, description: 'The whole sector' }) totals!: DepartmentFiguresView;
  @ApiProperty({
    type: [DepartmentOperatorView],
    description: 'Every operator of the sector (and any other that reported here), ranked by on-time rate',
  })
  operators!: DepartmentOperatorView[];
  @ApiProperty({ type: [DepartmentWeekView] }) byWeek!: DepartmentWeekView[];
}

export class SectorOperatorView {
  @ApiProperty() operatorOrgId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Incidents it reported (distinct incident references in its reports)' })
  reportedIncidents!: number;
  @ApiProperty() reportsReceived!: number;
  @ApiProperty({ type: String, nullable: true }) lastReportAt!: string | null;
  @ApiProperty({ type: OnTimeView }) reports!: OnTimeView;
  @ApiProperty({ description: 'Warnings it has not answered yet' }) warningsPendingFeedback!: number;
}

export class PendingWarningView {
  @ApiProperty() warningId!: string;
  @ApiProperty({ example: 'WRN-2026-000003' }) reference!: string;
  @ApiProperty({ enum: ['red', 'orange', 'yellow', 'blue'] }) level!: string;
  @ApiProperty() operatorOrgId!: string;
  @ApiProperty() operatorName!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty() overdue!: boolean;
  @ApiProperty() drill!: boolean;
}

export class SectorView {
  @ApiProperty({ type: String, nullable: true }) sector!: string | null;
  @ApiProperty() includeDrills!: boolean;
  @ApiProperty({ type: [SectorOperatorView] }) operators!: SectorOperatorView[];
  @ApiProperty({ description: 'Warnings still waiting for feedback (one per warned operator)' })
  pendingWarningsTotal!: number;
  @ApiProperty({
    type: [PendingWarningView],
    description: 'Warnings still waiting for feedback, soonest due first: the first 200',
  })
  pendingWarnings!: PendingWarningView[];
}

export class SectorIncidentView {
  @ApiProperty({ example: 'INC-2026-000042' }) incidentReference!: string;
  @ApiProperty({ enum: GRADES }) grade!: string;
  @ApiProperty() category!: string;
  @ApiProperty() drill!: boolean;
  @ApiProperty({ description: 'Reports received about it' }) reports!: number;
  @ApiProperty({ type: [String], enum: ['initial', 'followUp', 'final'] }) kinds!: string[];
  @ApiProperty() firstReceivedAt!: string;
  @ApiProperty() lastReceivedAt!: string;
  @ApiProperty({ type: Boolean, nullable: true, description: 'Its initial report met its deadline (null: unknown)' })
  initialOnTime!: boolean | null;
}

export class SectorIncidentsView {
  @ApiProperty() operatorOrgId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [SectorIncidentView], description: 'Newest report first' }) items!: SectorIncidentView[];
}

export class RebuildView {
  @ApiProperty({ description: 'Audit entries projected' }) entries!: number;
}

export class SectorQuery {
  @ApiPropertyOptional({ description: 'Count drills (演练) too' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeDrills?: boolean;
}
