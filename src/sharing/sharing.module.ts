import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IncidentIndicator } from './incident-indicator.entity';
import { StixObjectRecord } from './stix-object.entity';
import { StixObjects } from './stix-objects';
import { AccountsModule } from '../accounts';
import { AuditModule } from '../audit';
import { SharingController } from './sharing.controller';
import { SharingService } from './sharing.service';

/** Threat-information sharing: incident indicators and the STIX 2.1 export (operator side). */
@Module({
  imports: [
    AuditModule,
    AccountsModule,
    IncidentsModule,
    TypeOrmModule.forFeature([IncidentIndicator, StixObjectRecord]),
  ],
  controllers: [SharingController],
  providers: [SharingService, StixObjects],
  exports: [SharingService, StixObjects],
})
export class SharingModule {}
