import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ReportingReadinessModule } from '../reports/reporting-readiness';
import { IncidentsController } from './incidents.controller';
import { IncidentsModule } from './incidents.module';
import { IncidentsService } from './incidents.service';

/** The incidents API (processes that serve HTTP). */
@Module({
  imports: [AuditModule, IncidentsModule, ReportingReadinessModule],
  controllers: [IncidentsController],
  providers: [IncidentsService],
  exports: [IncidentsService],
})
export class IncidentsApiModule {}
