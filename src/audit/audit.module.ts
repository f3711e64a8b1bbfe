import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { OrganisationAudit } from './organisation-audit.service';

@Module({ controllers: [AuditController], providers: [AuditService, OrganisationAudit], exports: [AuditService] })
export class AuditModule {}
