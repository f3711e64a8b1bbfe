import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, OrgKinds, Roles } from '../auth/decorators';
import type { Principal } from '../auth/principal';
import { ErrorBody } from '../http/error-body';
import { CreateIncidentDto, ListIncidentsQuery } from './incident.dto';
import { IncidentsService } from './incidents.service';

@ApiTags('incidents')
@ApiBearerAuth()
@OrgKinds('operator')
@Controller('api/v1/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Post()
  @Roles('admin', 'leader', 'commander', 'responder')
  @ApiCreatedResponse({ description: 'The declared incident' })
  declare(@CurrentPrincipal() p: Principal, @Body() dto: CreateIncidentDto) {
    return this.incidents.declare(p, dto);
  }

  @Get()
  @ApiOkResponse({ description: 'A page of incidents, newest first' })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListIncidentsQuery) {
    return this.incidents.list(p, q);
  }

  @Get(':id')
  @ApiNotFoundResponse({ type: ErrorBody })
  get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.incidents.get(p, id);
  }
}
