import { DynamicModule, Module } from '@nestjs/common';
import { WitnessedHeads, AuditModule } from '../audit';
import { ReportHeads } from './report-heads';
import { TypeOrmModule } from '@nestjs/typeorm';
import { REPORT_ENTITIES } from './report.entities';
import { AccountsModule } from '../accounts';
import { ClocksModule } from '../clocks';
import { EgressModule } from '../egress';
import { OutboxModule } from '../outbox';
import { IncidentsModule } from '../incidents';
import { SecretBox } from '../common';
import { AppConfig, secretsBox } from '../config';
import { InboxService } from './inbox.service';
import { RecipientsService } from './recipients.service';
import { ReportAddressing } from './report-addressing';
import { ReportDeliveryProcessor } from './report-delivery.processor';
import { ReportClocks } from './report-clocks';
import { ReportDocuments } from './report-documents.service';
import { ReportDrafting } from './report-drafting.service';
import { ReportRules } from './report-rules';
import { ReportSubmission } from './report-submission.service';
import { InboxController, RecipientsController, ReportsController } from './reports.controller';
import { ReportViews } from './report-views.service';
import { ReportsConfig } from './reports-config';
import { ReportingReadinessModule } from './reporting-readiness';

/**
 * Reports to the authorities (operator side), the department inbox and onward reporting. The report
 * clocks' handlers are registered in every process (the timers worker dispatches through
 * TimerHandlers); the delivery processor runs only where workers run.
 */
@Module({})
export class ReportsModule {
  static forRoot(opts: { api: boolean; workers: boolean }): DynamicModule {
    return {
      module: ReportsModule,
      imports: [
        TypeOrmModule.forFeature(REPORT_ENTITIES),
        AuditModule,
        AccountsModule,
        ClocksModule,
        EgressModule,
        IncidentsModule,
        OutboxModule,
        ReportingReadinessModule,
      ],
      controllers: opts.api ? [ReportsController, RecipientsController, InboxController] : [],
      providers: [
        ReportsConfig,
        // Same key as the notification channels' secrets: SECRETS_KEY, or the one generated under VAR_DIR/keys.
        {
          provide: SecretBox,
          inject: [AppConfig],
          useFactory: (config: AppConfig): SecretBox => secretsBox(config),
        },
        ReportRules,
        ReportViews,
        ReportDocuments,
        ReportDrafting,
        ReportAddressing,
        ReportSubmission,
        InboxService,
        RecipientsService,
        ReportClocks,
        { provide: WitnessedHeads, useClass: ReportHeads },
        ...(opts.workers ? [ReportDeliveryProcessor] : []),
      ],
    };
  }
}
