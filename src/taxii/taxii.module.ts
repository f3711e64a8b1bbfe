import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts';
import { AuditModule } from '../audit';
import { EgressModule } from '../egress';
import { OutboxModule } from '../outbox';
import { QueuesModule } from '../queues';
import { SharingModule } from '../sharing';
import { TaxiiCollections } from './collections';
import { TaxiiExceptionFilter } from './taxii-http';
import { TaxiiPollProcessor } from './taxii-poll.processor';
import { TaxiiPublisher } from './taxii-publisher';
import { taxiiSecretsProvider } from './taxii-secrets';
import { TaxiiServerController } from './taxii-server.controller';
import { TaxiiServer } from './taxii-server.service';
import { TaxiiStore } from './taxii-store';
import { TaxiiFeedIndicator, TaxiiSubscription } from './taxii-subscription.entities';
import { TaxiiSubscriptionsController } from './taxii-subscriptions.controller';
import { TaxiiSubscriptions } from './taxii-subscriptions.service';
import { TaxiiObject, TaxiiStatus } from './taxii.entities';

/**
 * TAXII 2.1 storage, the publisher other modules use to add objects to collections in their own
 * transactions (warnings), and the subscriptions to external feeds. One static module, so every
 * importer shares one instance.
 */
@Module({
  imports: [
    AuditModule,
    AccountsModule,
    SharingModule,
    EgressModule,
    OutboxModule,
    QueuesModule,
    TypeOrmModule.forFeature([TaxiiObject, TaxiiStatus, TaxiiSubscription, TaxiiFeedIndicator]),
  ],
  providers: [TaxiiCollections, TaxiiStore, TaxiiPublisher, TaxiiSubscriptions, taxiiSecretsProvider],
  exports: [TaxiiCollections, TaxiiStore, TaxiiPublisher, TaxiiSubscriptions],
})
export class TaxiiModule {}

/** The TAXII 2.1 server (collections by joint-defense role, see collections.ts) and the subscriptions API. */
@Module({
  imports: [TaxiiModule, AuditModule],
  controllers: [TaxiiServerController, TaxiiSubscriptionsController],
  providers: [TaxiiServer, TaxiiExceptionFilter],
})
export class TaxiiApiModule {}

/** The worker that polls subscribed feeds. */
@Module({ imports: [TaxiiModule], providers: [TaxiiPollProcessor] })
export class TaxiiWorkerModule {}
