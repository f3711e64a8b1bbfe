import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts';
import { AuditModule } from '../audit';
import { ServiceProvidersCoreModule } from '../providers';
import { PlanStore } from './plan-store';
import { Plan, PlanPin, PlanVersion } from './plan.entities';
import { PlansController, RecommendedPlansController } from './plans.controller';
import { PlansService } from './plans.service';

/**
 * Organisations' emergency plans as versioned, model-checked data. Every process has the store (a
 * declaration picks the organisation's active plan and pins its version); API processes also serve
 * the plans API.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Plan, PlanVersion, PlanPin])],
  providers: [PlanStore],
  exports: [PlanStore],
})
export class PlansModule {}

@Module({})
export class PlansApiModule {
  static forRoot(): DynamicModule {
    return {
      module: PlansApiModule,
      imports: [PlansModule, AuditModule, AccountsModule, ServiceProvidersCoreModule],
      controllers: [PlansController, RecommendedPlansController],
      providers: [PlansService],
      exports: [PlansService],
    };
  }
}
