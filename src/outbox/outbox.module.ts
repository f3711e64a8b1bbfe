import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxRow } from './outbox-row.entity';
import { QueuesModule } from '../queues';
import { OutboxRelay } from './outbox.relay';
import { OutboxService } from './outbox.service';

/** Writing outbox rows inside a domain's transaction: every module with side effects imports this. */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxRow])],
  providers: [OutboxService],
  exports: [OutboxService],
})
export class OutboxModule {}

/** The relay that moves committed outbox rows into BullMQ: only in processes that run workers. */
@Module({ imports: [OutboxModule, QueuesModule], providers: [OutboxRelay], exports: [OutboxRelay] })
export class OutboxRelayModule {}
