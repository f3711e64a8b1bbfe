import { DynamicModule, Module } from '@nestjs/common';
import { AccountsModule } from '../accounts';
import { ClocksModule } from '../clocks';
import { IncidentsModule } from '../incidents';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationDelivery } from './notification-delivery.entity';
import { NotificationSubscription } from './notification-subscription.entity';
import { EgressModule } from '../egress';
import { OutboxModule } from '../outbox';
import { AuditModule } from '../audit';
import { DeliveryService } from './delivery.service';
import { FanoutService } from './fanout.service';
import { notificationSecretsProvider } from './notification-secrets';
import { NotificationsProcessor } from './notifications.processor';
import { IncidentNotificationsController, SubscriptionsController } from './subscriptions.controller';
import { SubscriptionsService } from './subscriptions.service';

/** Subscriptions and the delivery log (API); fan-out and delivery on the notifications queue (workers). */
@Module({})
export class NotificationsModule {
  static forRoot(opts: { api: boolean; workers: boolean }): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [
        AccountsModule,
        ClocksModule,
        IncidentsModule,
        AuditModule,
        EgressModule,
        OutboxModule,
        TypeOrmModule.forFeature([NotificationSubscription, NotificationDelivery]),
      ],
      controllers: opts.api ? [SubscriptionsController, IncidentNotificationsController] : [],
      providers: [
        notificationSecretsProvider,
        SubscriptionsService,
        FanoutService,
        DeliveryService,
        ...(opts.workers ? [NotificationsProcessor] : []),
      ],
      exports: [FanoutService, DeliveryService],
    };
  }
}
