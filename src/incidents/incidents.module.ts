import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ReportingReadinessModule } from '../reports/reporting-readiness';
import { IncidentsController } from './incidents.controller';
import { IncidentsService } from './incidents.service';

@Module({
  imports: [AuditModule, ReportingReadinessModule],
  controllers: [IncidentsController],
  providers: [IncidentsService],
  exports: [IncidentsService],
})
export class IncidentsModule {}
