import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ServiceProvider } from './service-provider.entity';
import { AuditModule } from '../audit';
import { ServiceProvidersController } from './service-providers.controller';
import { ServiceProvidersService } from './service-providers.service';
import { ServiceProviders } from './service-provider-lookup';

/** Reading the register, for every process (plans and incidents name providers). */
@Module({
  imports: [TypeOrmModule.forFeature([ServiceProvider])],
  providers: [ServiceProviders],
  exports: [ServiceProviders],
})
export class ServiceProvidersCoreModule {}

/** The operator's register of service providers bound to report incidents to it (NCIRM-2025-providers). */
@Module({})
export class ServiceProvidersModule {
  static forRoot(opts: { api: boolean }): DynamicModule {
    return {
      module: ServiceProvidersModule,
      imports: [AuditModule, TypeOrmModule.forFeature([ServiceProvider])],
      controllers: opts.api ? [ServiceProvidersController] : [],
      providers: [ServiceProvidersService],
    };
  }
}
