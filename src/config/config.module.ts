import { DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { AppConfig } from './app-config';

/** The Redis URL the process uses: REDIS_URL, or the embedded redis-server's when that is unset. */
export const REDIS_URL = Symbol('REDIS_URL');

/**
 * What the process decided at start-up, before Nest: the validated AppConfig, and values derived
 * from it by the entrypoint (the Redis URL, the requirement catalogue). Global, like the settings
 * themselves; main.ts, worker.ts and the tests build them once (src/bootstrap.ts).
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, values: Provider[] = []): DynamicModule {
    const tokens = values.map((p) => (typeof p === 'function' ? p : p.provide));
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }, ...values],
      exports: [AppConfig, ...tokens],
    };
  }
}
