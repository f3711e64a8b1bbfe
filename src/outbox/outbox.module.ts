import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxRow } from './outbox-row.entity';
import { QueuesModule } from '../queues';
import { AuditModule } from '../audit';
import { OutboxPruner } from './outbox.pruner';
import { OutboxRelay } from './outbox.relay';
import { OutboxService } from './outbox.service';

/** Writing outbox rows inside a domain's transaction: every module with side effects imports this. */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxRow])],
  providers: [OutboxService],
  exports: [OutboxService],
})
export class OutboxModule {}

/** The relay that moves committed outbox rows into BullMQ, and the pruner of sent rows: only in worker processes. */
@Module({
  imports: [OutboxModule, QueuesModule, AuditModule],
  providers: [OutboxRelay, OutboxPruner],
  exports: [OutboxRelay, OutboxPruner],
})
export class OutboxRelayModule {}
