/** The providers module's public entry: what other modules may use. */
export { ServiceProvidersModule, ServiceProvidersCoreModule } from './service-providers.module';
export { ServiceProviders, type ProviderContact } from './service-provider-lookup';
