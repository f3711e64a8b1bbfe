import { DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { requestLoggingOptions } from './request-logging';

/** The process's pino logger (createLogger), for services that log with pino's own API. */
export const LOGGER = Symbol('LOGGER');

/**
 * Logging through nestjs-pino: its Logger replaces Nest's (bootstrap.ts calls useLogger), and
 * PinoLogger/Logger log with the request's logger (request id included) inside a request. Both
 * write through the process's pino instance, which LOGGER provides as it is.
 *
 * `useExisting`: the request logger is pino-http mounted by bootstrap.ts ahead of body parsing
 * (see requestLogging); nestjs-pino binds the logger it put on the request instead of mounting
 * pino-http a second time, which would log every request twice.
 */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          useFactory: () => ({ pinoHttp: requestLoggingOptions(logger), useExisting: true }),
        }),
      ],
      providers: [{ provide: LOGGER, useValue: logger }],
      exports: [LOGGER],
    };
  }
}
