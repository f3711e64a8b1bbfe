import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '../auth';
import { ApiStandardErrors, ErrorBody } from '../http';
import {
  CreateTaxiiSubscriptionDto,
  FeedIndicatorPage,
  FeedIndicatorQuery,
  PollQueuedView,
  TaxiiSubscriptionView,
  UpdateTaxiiSubscriptionDto,
} from './taxii-subscription.dto';
import { TaxiiSubscriptions } from './taxii-subscriptions.service';

@ApiStandardErrors({
  notFound: 'No such TAXII subscription of your organisation',
  forbidden: 'Admins, department officers and commanders only',
})
@ApiTags('taxii')
@ApiBearerAuth()
@Roles('admin', 'department-officer', 'commander')
@Controller('api/v1/taxii-subscriptions')
export class TaxiiSubscriptionsController {
  constructor(private readonly subscriptions: TaxiiSubscriptions) {}

  @Post()
  @ApiOperation({ summary: 'Subscribe to an external TAXII 2.1 collection (a CERT feed), polled on a schedule' })
  @ApiCreatedResponse({ type: TaxiiSubscriptionView })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'A field is invalid (named), or the URL is refused' })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateTaxiiSubscriptionDto) {
    return this.subscriptions.create(p, dto);
  }

  @Get()
  @ApiOperation({ summary: "Your organisation's TAXII subscriptions, with each one's last poll" })
  @ApiOkResponse({ type: [TaxiiSubscriptionView] })
  list(@CurrentPrincipal() p: Principal) {
    return this.subscriptions.list(p);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One TAXII subscription and its last poll' })
  @ApiOkResponse({ type: TaxiiSubscriptionView })
  get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.subscriptions.get(p, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename, enable or disable, reschedule, or replace the credential' })
  @ApiOkResponse({ type: TaxiiSubscriptionView })
  update(
    @CurrentPrincipal() p: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateTaxiiSubscriptionDto,
  ) {
    return this.subscriptions.update(p, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'End a subscription (its received indicators go with it)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  async remove(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    await this.subscriptions.remove(p, id);
  }

  @Post(':id/poll')
  @HttpCode(202)
  @ApiOperation({ summary: 'Poll the feed now (besides the schedule)' })
  @ApiAcceptedResponse({ type: PollQueuedView })
  pollNow(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.subscriptions.pollNow(p, id);
  }

  @Get(':id/indicators')
  @ApiOperation({ summary: 'Indicators the feed delivered, newest first: offered for your warnings' })
  @ApiOkResponse({ type: FeedIndicatorPage })
  indicators(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Query() q: FeedIndicatorQuery) {
    return this.subscriptions.indicators(p, id, q);
  }
}
