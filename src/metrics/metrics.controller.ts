import { Controller, ForbiddenException, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgKinds, Roles, type Principal } from '../auth';
import { ApiStandardErrors, ErrorBody } from '../http';
import {
  DepartmentMetricsView,
  MetricsQuery,
  OperatorMetricsQuery,
  OperatorMetricsView,
  RebuildView,
  SectorIncidentsView,
  SectorQuery,
  SectorView,
} from './metrics.dto';
import { MetricsProjection } from './metrics-projection';
import { MetricsService } from './metrics.service';

@ApiStandardErrors({
  notFound: 'No such operator in your sector',
  forbidden: 'Operator figures for operators, department figures for departments; rebuild for platform admins',
})
@ApiTags('metrics')
@ApiBearerAuth()
@Controller('api/v1/metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly projection: MetricsProjection,
  ) {}

  @Get('operator')
  @OrgKinds('operator')
  @Roles('admin', 'leader', 'commander', 'liaison', 'viewer')
  @ApiOperation({
    summary:
      "Your organisation's response figures from the audit trail: time to confirm, contain and close, initial " +
      'and final reports on time, deadline misses and escalations, by week, grade and category (drills left out ' +
      'unless includeDrills=true)',
  })
  @ApiOkResponse({ type: OperatorMetricsView })
  operator(@CurrentPrincipal() p: Principal, @Query() q: OperatorMetricsQuery) {
    return this.metrics.operator(p, q);
  }

  @Get('department')
  @OrgKinds('department')
  @ApiOperation({
    summary:
      "Your sector's reporting figures from the reports you received: reports, on-time rate, onward reports on " +
      'time and warnings answered on time, per operator (ranked by punctuality), for the sector and per week',
  })
  @ApiOkResponse({ type: DepartmentMetricsView })
  department(@CurrentPrincipal() p: Principal, @Query() q: MetricsQuery) {
    return this.metrics.department(p, q);
  }

  @Get('sector')
  @OrgKinds('department')
  @ApiOperation({
    summary:
      'The sector overview: every operator with the incidents it reported (from its reports only), its ' +
      'punctuality, and the warnings still waiting for feedback',
  })
  @ApiOkResponse({ type: SectorView })
  sector(@CurrentPrincipal() p: Principal, @Query() q: SectorQuery) {
    return this.metrics.sector(p, q);
  }

  @Get('sector/operators/:operatorOrgId/incidents')
  @OrgKinds('department')
  @ApiOperation({ summary: 'The incidents one operator of your sector reported to you, from its reports only' })
  @ApiOkResponse({ type: SectorIncidentsView })
  sectorIncidents(
    @CurrentPrincipal() p: Principal,
    @Param('operatorOrgId', ParseUUIDPipe) operatorOrgId: string,
    @Query() q: SectorQuery,
  ) {
    return this.metrics.sectorIncidents(p, operatorOrgId, q);
  }

  @Post('rebuild')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      'Platform admins: empty the metrics facts and rebuild them from the whole audit trail (the figures must ' +
      'not change)',
  })
  @ApiOkResponse({ type: RebuildView })
  @ApiForbiddenResponse({ type: ErrorBody, description: 'Not a platform admin' })
  rebuild(@CurrentPrincipal() p: Principal) {
    if (!p.isPlatformAdmin) throw new ForbiddenException('Only platform admins rebuild the metrics');
    return this.projection.rebuild(p);
  }
}
