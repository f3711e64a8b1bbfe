import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts';
import { AuditModule } from '../audit';
import { SharingModule } from '../sharing';
import { TaxiiCollections } from './collections';
import { TaxiiExceptionFilter } from './taxii-http';
import { TaxiiPublisher } from './taxii-publisher';
import { TaxiiServerController } from './taxii-server.controller';
import { TaxiiServer } from './taxii-server.service';
import { TaxiiStore } from './taxii-store';
import { TaxiiObject, TaxiiStatus } from './taxii.entities';

/**
 * TAXII 2.1 storage and the publisher other modules use to add objects to collections in their
 * own transactions (warnings). One static module, so every importer shares one instance.
 */
@Module({
  imports: [AuditModule, AccountsModule, SharingModule, TypeOrmModule.forFeature([TaxiiObject, TaxiiStatus])],
  providers: [TaxiiCollections, TaxiiStore, TaxiiPublisher],
  exports: [TaxiiCollections, TaxiiStore, TaxiiPublisher],
})
export class TaxiiModule {}

/** The TAXII 2.1 server's HTTP API (collections by joint-defense role, see collections.ts). */
@Module({
  imports: [TaxiiModule, AuditModule],
  controllers: [TaxiiServerController],
  providers: [TaxiiServer, TaxiiExceptionFilter],
})
export class TaxiiApiModule {}
