import { DynamicModule, Module, type Type } from '@nestjs/common';
import { AuditModule } from '../audit';
import { ClocksModule } from '../clocks';
import { OutboxModule } from '../outbox';
import { PlansModule } from '../plans';
import { ServiceProvidersCoreModule } from '../providers';
import { PlanActionDecisions } from './plan-action-decisions';
import { IncidentsController } from './incidents.controller';
import { IncidentsModule } from './incidents.module';
import { IncidentsService } from './incidents.service';

/**
 * The incidents API (processes that serve HTTP). Its answers include where reports would go, which
 * the reports module knows: the composition root hands in the module that provides a
 * RecipientCoverageSource, so incidents never imports reports.
 */
@Module({})
export class IncidentsApiModule {
  static withCoverage(coverage: Type): DynamicModule {
    return {
      module: IncidentsApiModule,
      imports: [
        AuditModule,
        ClocksModule,
        IncidentsModule,
        OutboxModule,
        PlansModule,
        ServiceProvidersCoreModule,
        coverage,
      ],
      controllers: [IncidentsController],
      providers: [IncidentsService, PlanActionDecisions],
      exports: [IncidentsService],
    };
  }
}
