import { Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, OrgKinds, Roles } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { IncidentDeadline } from '../deadlines/incident-deadline.entity';
import { ApiStandardErrors } from '../http/api-errors';
import { Incident } from '../incidents/incident.entity';
import { EscalationService } from './escalation.service';

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
}

class DeadlineDashboardView {
  @ApiProperty({ description: 'The time the lists were made for' }) now!: string;
  @ApiProperty({ type: [DashboardDeadlineView], description: 'Missed, or due by now; soonest first' })
  overdue!: DashboardDeadlineView[];
  @ApiProperty({ type: [DashboardDeadlineView], description: 'Pending and due within withinMinutes' })
  dueSoon!: DashboardDeadlineView[];
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
  constructor(
    private readonly dataSource: DataSource,
    private readonly escalation: EscalationService,
  ) {}

  @Get('deadlines')
  @ApiOperation({ summary: 'Dashboard: overdue deadlines and those due within N minutes, soonest first' })
  @ApiOkResponse({ type: DeadlineDashboardView })
  async dashboard(@CurrentPrincipal() p: Principal, @Query() q: DashboardQuery) {
    const now = new Date();
    const horizon = new Date(now.getTime() + (q.withinMinutes ?? 60) * 60_000).toISOString();
    const qb = this.dataSource
      .getRepository(IncidentDeadline)
      .createQueryBuilder('d')
      .innerJoin(Incident, 'i', 'i.id = d.incident_id')
      .select([
        'd.incident_id AS "incidentId"',
        'd.timer AS timer',
        'd.status AS status',
        'd.due_at AS "dueAt"',
        'd.escalation_level AS "escalationLevel"',
        'd.acknowledged_at AS "acknowledgedAt"',
        'd.rule_id AS "ruleId"',
        'i.reference AS reference',
        'i.title AS title',
        'i.grade AS grade',
        'i.drill AS drill',
      ])
      .where('d.org_id = :org', { org: p.orgId })
      .andWhere('d.resolved_at IS NULL')
      .andWhere("(d.status = 'missed' OR (d.status = 'pending' AND d.due_at <= :horizon))", { horizon })
      .orderBy('d.due_at', 'ASC');
    if (q.drill !== undefined) qb.andWhere('i.drill = :drill', { drill: q.drill });
    const rows: Array<{ status: string; dueAt: string; drill: unknown }> = await qb.getRawMany();
    const nowIso = now.toISOString();
    const items = rows.map((r) => ({ ...r, drill: r.drill === true || r.drill === 1 }));
    return {
      now: nowIso,
      overdue: items.filter((r) => r.status === 'missed' || r.dueAt <= nowIso),
      dueSoon: items.filter((r) => r.status === 'pending' && r.dueAt > nowIso),
    };
  }

  @Post('incidents/:id/deadlines/:timer/acknowledge')
  @HttpCode(200)
  @Roles('commander', 'leader', 'admin')
  @ApiOperation({ summary: 'Take charge of an overdue deadline: stops its escalation' })
  @ApiOkResponse({ type: AcknowledgedDeadlineView })
  acknowledge(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Param('timer') timer: string) {
    if (!/^[a-z-]{1,40}$/.test(timer)) throw new NotFoundException(`No ${timer} deadline on this incident`);
    return this.escalation.acknowledge(p, id, timer);
  }
}
