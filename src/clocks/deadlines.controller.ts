import { Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CurrentPrincipal, OrgKinds, Roles, type Principal } from '../auth';
import { ApiStandardErrors } from '../http';
import { DASHBOARD_LIMIT, DASHBOARD_MAX, DeadlinesService } from './deadlines.service';

class DashboardQuery {
  @ApiPropertyOptional({ default: 60, description: 'Also list pending deadlines due within this many minutes' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(0)
  @Max(10080)
  withinMinutes?: number;

  @ApiPropertyOptional({ description: 'true: drills only; false: real incidents only; absent: both' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  drill?: boolean;

  @ApiPropertyOptional({
    default: DASHBOARD_LIMIT,
    minimum: 1,
    maximum: DASHBOARD_MAX,
    description: 'At most this many deadlines (overdue and due soon together); nextCursor gives the rest',
  })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(DASHBOARD_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: "The previous answer's nextCursor: the deadlines after it", maxLength: 400 })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor must be a nextCursor the previous answer gave' })
  cursor?: string;
}

const DEADLINE_STATUSES = ['pending', 'met', 'missed', 'cancelled'];

class DashboardDeadlineView {
  @ApiProperty() incidentId!: string;
  @ApiProperty({ example: 'initial-report' }) timer!: string;
  @ApiProperty({ enum: DEADLINE_STATUSES }) status!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty() escalationLevel!: number;
  @ApiProperty({ type: String, nullable: true }) acknowledgedAt!: string | null;
  @ApiProperty({ description: 'Reporting rule the clock comes from' }) ruleId!: string;
  @ApiProperty({ example: 'INC-2026-000042' }) reference!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['I', 'II', 'III', 'IV'] }) grade!: string;
  @ApiProperty() drill!: boolean;
  @ApiProperty({
    description:
      'The alarm: still pending although its due time has passed, so nothing has decided it yet (its due ' +
      'job is late, failed or lost). Worker processes decide such deadlines within DEADLINE_SWEEP_SECONDS',
  })
  undecided!: boolean;
}

class DeadlineDashboardView {
  @ApiProperty({ description: 'The time the lists were made for' }) now!: string;
  @ApiProperty({ type: [DashboardDeadlineView], description: 'Missed, or due by now; soonest first' })
  overdue!: DashboardDeadlineView[];
  @ApiProperty({ type: [DashboardDeadlineView], description: 'Pending and due within withinMinutes' })
  dueSoon!: DashboardDeadlineView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'More than `limit` deadlines: pass as `cursor` for the next ones (same query); else null',
  })
  nextCursor!: string | null;
}

/** The deadline as stored, after the acknowledgement. */
class AcknowledgedDeadlineView {
  @ApiProperty() incidentId!: string;
  @ApiProperty({ example: 'initial-report' }) timer!: string;
  @ApiProperty() orgId!: string;
  @ApiProperty() generation!: number;
  @ApiProperty({ enum: DEADLINE_STATUSES }) status!: string;
  @ApiProperty() ruleId!: string;
  @ApiProperty() clockStartedAt!: string;
  @ApiProperty() dueAt!: string;
  @ApiProperty() escalationLevel!: number;
  @ApiProperty({ type: String, nullable: true }) acknowledgedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) acknowledgedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) resolvedAt!: string | null;
  @ApiProperty() updatedAt!: string;
}

@ApiStandardErrors({ notFound: 'No such incident in your organisation, or no such deadline on it' })
@ApiTags('deadlines')
@ApiBearerAuth()
@OrgKinds('operator')
@Controller('api/v1')
export class DeadlinesController {
  constructor(private readonly deadlines: DeadlinesService) {}

  @Get('deadlines')
  @ApiOperation({ summary: 'Dashboard: overdue deadlines and those due within N minutes, soonest first' })
  @ApiOkResponse({ type: DeadlineDashboardView })
  dashboard(@CurrentPrincipal() p: Principal, @Query() q: DashboardQuery) {
    return this.deadlines.dashboard(p, q);
  }

  @Post('incidents/:id/deadlines/:timer/acknowledge')
  @HttpCode(200)
  @Roles('commander', 'leader', 'admin')
  @ApiOperation({ summary: 'Take charge of an overdue deadline: stops its escalation' })
  @ApiOkResponse({ type: AcknowledgedDeadlineView })
  acknowledge(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Param('timer') timer: string) {
    if (!/^[a-z-]{1,40}$/.test(timer)) throw new NotFoundException(`No ${timer} deadline on this incident`);
    return this.deadlines.acknowledge(p, id, timer);
  }
}
