import { Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CurrentPrincipal, OrgKinds, Roles } from '../auth';
import type { Principal } from '../auth';
import { DeadlinesService } from './deadlines.service';

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
  constructor(private readonly deadlines: DeadlinesService) {}

  @Get('deadlines')
  @ApiOperation({ summary: 'Dashboard: overdue deadlines and those due within N minutes, soonest first' })
  @ApiOkResponse({ description: '{ overdue: [...], dueSoon: [...] }' })
  dashboard(@CurrentPrincipal() p: Principal, @Query() q: DashboardQuery) {
    return this.deadlines.dashboard(p, q);
  }

  @Post('incidents/:id/deadlines/:timer/acknowledge')
  @HttpCode(200)
  @Roles('commander', 'leader', 'admin')
  @ApiOperation({ summary: 'Take charge of an overdue deadline: stops its escalation' })
  acknowledge(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Param('timer') timer: string) {
    if (!/^[a-z-]{1,40}$/.test(timer)) throw new NotFoundException(`No ${timer} deadline on this incident`);
    return this.deadlines.acknowledge(p, id, timer);
  }
}
