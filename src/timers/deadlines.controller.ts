import { Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, OrgKinds, Roles } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { IncidentDeadline } from '../deadlines/incident-deadline.entity';
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
  @ApiOkResponse({ description: '{ overdue: [...], dueSoon: [...] }' })
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
  acknowledge(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Param('timer') timer: string) {
    if (!/^[a-z-]{1,40}$/.test(timer)) throw new NotFoundException(`No ${timer} deadline on this incident`);
    return this.escalation.acknowledge(p, id, timer);
  }
}
