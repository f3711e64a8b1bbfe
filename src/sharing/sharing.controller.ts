import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, OrgKinds, Roles, type Principal } from '../auth';
import { ErrorBody, ApiStandardErrors } from '../http';
import { IndicatorInputDto } from './indicator-input';
import { IndicatorView, StixBundleView, StixExportQuery } from './sharing.dto';
import { SharingService } from './sharing.service';

@ApiStandardErrors({
  notFound: 'No such incident in your organisation',
  forbidden: 'Operators only; recording and exporting need one of the roles named',
})
@ApiTags('sharing')
@ApiBearerAuth()
@OrgKinds('operator')
@Controller('api/v1/incidents')
export class SharingController {
  constructor(private readonly sharing: SharingService) {}

  @Post(':id/indicators')
  @Roles('admin', 'commander', 'responder', 'liaison')
  @ApiOperation({ summary: 'Record an indicator of compromise on an incident (shared through the STIX export)' })
  @ApiCreatedResponse({ type: IndicatorView })
  @ApiBadRequestResponse({
    type: ErrorBody,
    description: 'Unknown type, or a value that is not of that type (field named)',
  })
  @ApiConflictResponse({ type: ErrorBody, description: 'This indicator is already recorded on the incident' })
  record(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: IndicatorInputDto) {
    return this.sharing.record(p, id, dto);
  }

  @Get(':id/indicators')
  @ApiOperation({ summary: 'Indicators recorded on an incident, oldest first' })
  @ApiOkResponse({ type: [IndicatorView] })
  list(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.sharing.list(p, id);
  }

  @Get(':id/stix')
  @Roles('admin', 'leader', 'commander', 'liaison')
  @ApiOperation({
    summary: 'Export the incident as a STIX 2.1 bundle',
    description:
      'Every object carries the chosen TLP 2.0 marking. Desensitisation ' +
      '(default on) removes internal host names, private addresses, personal ' +
      "data and the organisation's identity, and drops indicators that point " +
      'inside the organisation. The export is audited.',
  })
  @ApiOkResponse({ type: StixBundleView, description: 'A STIX 2.1 bundle' })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'tlp missing or unknown, desensitise not true/false' })
  exportStix(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Query() q: StixExportQuery) {
    return this.sharing.exportStix(p, id, q);
  }
}
