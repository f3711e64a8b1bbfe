import { DynamicModule, Global, Module } from '@nestjs/common';
import { OutboxRelay } from './outbox.relay';
import { OutboxService } from './outbox.service';

/** OutboxService everywhere; the relay only in processes that run workers. */
@Global()
@Module({})
export class OutboxModule {
  static forRoot(opts: { relay: boolean }): DynamicModule {
    return {
      module: OutboxModule,
      providers: [OutboxService, ...(opts.relay ? [OutboxRelay] : [])],
      exports: [OutboxService, ...(opts.relay ? [OutboxRelay] : [])],
    };
  }
}
