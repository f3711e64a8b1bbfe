import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, OrgKinds, Roles, type Principal } from '../auth';
import { ErrorBody, ApiStandardErrors } from '../http';
import { CreateServiceProviderDto, ServiceProviderView, UpdateServiceProviderDto } from './service-provider.dto';
import { ServiceProvidersService } from './service-providers.service';

@ApiStandardErrors({
  notFound: 'No such service provider in your organisation',
  forbidden: 'Operators only; writing needs the admin or leader role',
})
@ApiTags('service-providers')
@ApiBearerAuth()
@OrgKinds('operator')
@Controller('api/v1/service-providers')
export class ServiceProvidersController {
  constructor(private readonly providers: ServiceProvidersService) {}

  @Get()
  @ApiOperation({
    summary:
      'Service providers the organisation must bind to report incidents to ' +
      'it (any operator role: the commander calls them during triage)',
  })
  @ApiOkResponse({ type: [ServiceProviderView] })
  list(@CurrentPrincipal() p: Principal) {
    return this.providers.list(p);
  }

  @Post()
  @Roles('admin', 'leader')
  @ApiOperation({ summary: 'Record a service provider and its contract terms' })
  @ApiCreatedResponse({ type: ServiceProviderView })
  @ApiBadRequestResponse({ type: ErrorBody })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateServiceProviderDto) {
    return this.providers.create(p, dto);
  }

  @Patch(':id')
  @Roles('admin', 'leader')
  @ApiOperation({ summary: 'Change a service provider; null clears phone, email, contractReference or notes' })
  @ApiOkResponse({ type: ServiceProviderView })
  @ApiBadRequestResponse({ type: ErrorBody })
  update(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateServiceProviderDto,
  ) {
    return this.providers.update(p, id, dto);
  }
}
