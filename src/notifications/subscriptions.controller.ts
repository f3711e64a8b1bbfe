import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, OrgKinds, Roles, type Principal } from '../auth';
import { ErrorBody, ApiStandardErrors } from '../http';
import {
  CreateSubscriptionDto,
  DeliveryView,
  SubscriptionView,
  TestResultView,
  UpdateSubscriptionDto,
} from './subscription.dto';
import { SubscriptionsService } from './subscriptions.service';

/** An organisation's notification subscriptions; operators and departments alike, admins only. */
@ApiStandardErrors({ notFound: 'No such subscription in your organisation' })
@ApiTags('notifications')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/notification-subscriptions')
export class SubscriptionsController {
  constructor(private readonly subs: SubscriptionsService) {}

  @Post()
  @ApiOperation({ summary: 'Subscribe a channel to events; the secret is write-only' })
  @ApiCreatedResponse({ type: SubscriptionView })
  @ApiBadRequestResponse({ type: ErrorBody, description: 'Invalid field, e.g. config.url' })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateSubscriptionDto) {
    return this.subs.create(p, dto);
  }

  @Get()
  @ApiOperation({ summary: "Your organisation's subscriptions" })
  @ApiOkResponse({ type: [SubscriptionView] })
  list(@CurrentPrincipal() p: Principal) {
    return this.subs.list(p);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One subscription' })
  @ApiOkResponse({ type: SubscriptionView })
  get(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.subs.get(p, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a subscription; fields left out stay as they are' })
  @ApiOkResponse({ type: SubscriptionView })
  @ApiBadRequestResponse({ type: ErrorBody })
  update(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateSubscriptionDto) {
    return this.subs.update(p, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a subscription' })
  @ApiNoContentResponse({ description: 'Deleted; its delivery log stays' })
  async remove(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.subs.remove(p, id);
  }

  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a test message now and return what the receiver answered' })
  @ApiOkResponse({ type: TestResultView })
  test(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.subs.test(p, id);
  }
}

/** The notification delivery log of an incident. */
@ApiStandardErrors({ notFound: 'No such incident in your organisation' })
@ApiTags('notifications')
@ApiBearerAuth()
@OrgKinds('operator')
@Controller('api/v1/incidents')
export class IncidentNotificationsController {
  constructor(private readonly subs: SubscriptionsService) {}

  @Get(':id/notifications')
  @ApiOperation({
    summary: 'Notifications sent for this incident: channel, subscription, status, attempts, last error',
  })
  @ApiOkResponse({ type: [DeliveryView] })
  list(@CurrentPrincipal() p: Principal, @Param('id', ParseUUIDPipe) id: string) {
    return this.subs.incidentDeliveries(p, id);
  }
}
