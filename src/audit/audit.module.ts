import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  AuditChain,
  AuditCheckpoint,
  AuditCheckpointed,
  AuditCheckpointHead,
  AuditEntryRow,
  AuditName,
  AuditHead,
} from './audit-entry.entity';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { OrganisationAudit } from './organisation-audit.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      AuditEntryRow,
      AuditName,
      AuditHead,
      AuditChain,
      AuditCheckpoint,
      AuditCheckpointHead,
      AuditCheckpointed,
    ]),
  ],
  controllers: [AuditController],
  providers: [AuditService, OrganisationAudit],
  exports: [AuditService],
})
export class AuditModule {}
