import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config';
import { EgressPolicy } from './egress-policy';

/**
 * The deployment's egress policy (EGRESS_ALLOW), one instance per process (modules import this one
 * module), for every outbound connection.
 */
@Module({
  providers: [
    {
      provide: EgressPolicy,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => EgressPolicy.fromEnv(config.EGRESS_ALLOW),
    },
  ],
  exports: [EgressPolicy],
})
export class EgressModule implements OnApplicationShutdown {
  constructor(@Inject(EgressPolicy) private readonly egress: EgressPolicy) {}

  onApplicationShutdown(): void {
    this.egress.close();
  }
}
