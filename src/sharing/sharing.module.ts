import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IncidentIndicator } from './incident-indicator.entity';
import { AccountsModule } from '../accounts';
import { AuditModule } from '../audit';
import { SharingController } from './sharing.controller';
import { SharingService } from './sharing.service';

/** Threat-information sharing: incident indicators and the STIX 2.1 export (operator side). */
@Module({
  imports: [AuditModule, AccountsModule, IncidentsModule, TypeOrmModule.forFeature([IncidentIndicator])],
  controllers: [SharingController],
  providers: [SharingService],
  exports: [SharingService],
})
export class SharingModule {}
