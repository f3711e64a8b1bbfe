import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '../audit';
import { LiveController } from './live.controller';
import { LiveHub } from './live-hub';
import { LivePublisher } from './live-publisher';
import { LiveStreams } from './live-streams';

/**
 * Live updates: every process that writes publishes its committed changes (LivePublisher); API
 * processes also keep the one subscriber connection and serve the streams (LiveHub, LiveStreams,
 * GET /api/v1/stream).
 */
@Module({})
export class LiveModule {
  static forRoot(opts: { api: boolean }): DynamicModule {
    return {
      module: LiveModule,
      imports: [AuditModule],
      controllers: opts.api ? [LiveController] : [],
      providers: [LivePublisher, ...(opts.api ? [LiveHub, LiveStreams] : [])],
      exports: opts.api ? [LiveHub] : [],
    };
  }
}
