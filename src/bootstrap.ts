import 'reflect-metadata';
import { catalogueFromConfig } from './requirements/requirements.module';
import { DynamicModule, INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { AuthThrottle } from './accounts/auth-throttle';
import { BootstrapAdminService } from './accounts/bootstrap-admin.service';
import { jsonBody } from './http/body-parsing';
import { stampArrival } from './http/received-at';
import { ArrivalHolds } from './clocks';
import { BODY_BOUNDS } from './http/json-bounds';
import { AllExceptionsFilter } from './http/http-exception.filter';
import { createValidationPipe } from './http/validation';
import { createLogger } from './logging/logger';
import { buildOpenApi } from './openapi';
import { CONSOLE_CSP_DIRECTIVES } from './console/console-csp';
import { requestLogging } from './logging/request-logging';
import { LocalRedis } from './redis/local-redis';
import { STIX_BODY_BOUNDS, STIX_UPLOAD_PATH } from './sharing/stix-http';
import { TAXII_OBJECTS_PATH } from './taxii';
import { OpsMetrics } from './prometheus/ops-metrics';

export interface ServiceOptions {
  env?: NodeJS.ProcessEnv;
  api: boolean;
  workers: boolean;
  /** Listen on PORT (the API); tests pass false and use supertest on the HTTP server. */
  listen?: boolean;
  processName?: string;
  /** See AppModuleOptions.extraImports. */
  extraImports?: DynamicModule[];
  /**
   * Aborted when the process is told to stop while it is still starting (SIGTERM): the embedded
   * redis-server, if one was started, is stopped at once (it would outlive the process otherwise), and
   * the start-up gives up at its next step, closing what it opened.
   */
  signal?: AbortSignal;
}

/** The start-up gave up because its signal was aborted. */
export class StartAborted extends Error {
  override readonly name = 'StartAborted';
}

export interface ServiceHandle {
  config: AppConfig;
  logger: Logger;
  redisUrl: string;
  localRedis?: LocalRedis;
  app: INestApplication | INestApplicationContext;
  /** http://127.0.0.1:<port> when listening. */
  url?: string;
  close(): Promise<void>;
}

/** Express's `trust proxy` from TRUST_PROXY; an address Express cannot parse stops the start-up naming the variable. */
function trustProxy(express: { set(name: string, value: unknown): void }, value: string): void {
  const setting = /^\d+$/.test(value) ? Number(value) : value.split(',').map((v) => v.trim());
  try {
    express.set('trust proxy', setting);
  } catch (err) {
    throw new ConfigError(
      `Invalid configuration: TRUST_PROXY ` +
        `${err instanceof Error ? err.message : String(err)} (got ` +
        `${JSON.stringify(value)})`,
    );
  }
}

/**
 * A listen that fails because of HOST or PORT (in use, privileged, not this machine's, no such name)
 * as one line naming the variable, like every other wrong value; any other error as it is.
 */
function listenError(err: unknown, config: Pick<AppConfig, 'HOST' | 'PORT'>): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const problem: Record<string, [string, string | number]> = {
    EADDRINUSE: [`PORT is in use on ${config.HOST}`, config.PORT],
    EACCES: ['PORT needs privileges this process does not have', config.PORT],
    EADDRNOTAVAIL: ['HOST is not an address of this machine', config.HOST],
    ENOTFOUND: ['HOST does not resolve', config.HOST],
    EAI_AGAIN: ['HOST does not resolve', config.HOST],
  };
  const known = code ? problem[code] : undefined;
  if (!known) return err;
  return new ConfigError(`Invalid configuration: ${known[0]} (${code}) (got ${JSON.stringify(String(known[1]))})`);
}

/**
 * Request, header and keep-alive timeouts on the HTTP server (Node's defaults let a slow body hold
 * a connection for 300 s). Set before listening: Node starts the check of expired connections
 * when the server starts listening, every connectionsCheckingInterval (30 s by default, which
 * would let a 10 s timeout run up to 40 s), so the check runs at a quarter of the shortest
 * timeout, at most once a second.
 */
export function applyTimeouts(
  server: Server,
  config: Pick<AppConfig, 'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS'>,
): void {
  server.requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS;
  server.headersTimeout = config.HTTP_HEADERS_TIMEOUT_MS;
  server.keepAliveTimeout = config.HTTP_KEEP_ALIVE_TIMEOUT_MS;
  // The createServer option of that name, which Node reads when listening starts (Nest creates the
  // server itself, without options); test/e2e/http-timeouts.e2e-spec.ts shows it takes effect.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(
    25,
    Math.min(1000, Math.floor(Math.min(config.HTTP_REQUEST_TIMEOUT_MS, config.HTTP_HEADERS_TIMEOUT_MS) / 4)),
  );
}

/**
 * Starts the service: validated config, Redis (an embedded redis-server when REDIS_URL is unset),
 * the Nest application with its HTTP edge, and the bootstrap admin. Shared by main.ts, worker.ts
 * and the e2e tests so tests run exactly what production runs.
 */
export async function startService(opts: ServiceOptions): Promise<ServiceHandle> {
  const config = loadConfig(opts.env ?? process.env);
  // Before Redis and Nest: a broken catalogue stops the start-up with one line, nothing to tear down.
  const catalogue = catalogueFromConfig(config);
  const logger = createLogger(config.LOG_LEVEL, opts.processName ?? (opts.api ? 'api' : 'worker'));
  let localRedis: LocalRedis | undefined;
  const stopRedisOnAbort = () => void localRedis?.stop();
  opts.signal?.addEventListener('abort', stopRedisOnAbort, { once: true });
  const goOn = () => {
    if (opts.signal?.aborted) throw new StartAborted('start-up stopped by a signal');
  };
  let redisUrl = config.REDIS_URL;
  if (!redisUrl) {
    localRedis = new LocalRedis({ dataDir: join(config.VAR_DIR, 'redis') });
    try {
      redisUrl = await localRedis.start();
    } catch (err) {
      await localRedis.stop();
      goOn();
      throw err;
    }
    logger.info({ redis: redisUrl }, 'started embedded redis-server (REDIS_URL unset)');
    goOn();
  }
  const module = AppModule.forRoot({
    config,
    logger,
    redisUrl,
    catalogue,
    api: opts.api,
    workers: opts.workers,
    extraImports: opts.extraImports,
  });
  // Nest's lines wait for nestjs-pino's logger (useLogger below); a start that fails before then drops
  // them, so a bad catalogue or module stays the one line run-process prints.
  const logging = { bufferLogs: true, autoFlushLogs: false };
  let app: INestApplication | INestApplicationContext;
  /**
   * The HTTP application once created, so a start-up that fails in its init closes its connections
   * before the embedded Redis stops. (createApplicationContext initialises before it returns, so a
   * worker-only process that fails there has nothing to close.)
   */
  let created: INestApplicationContext | undefined;
  let url: string | undefined;
  try {
    if (opts.api) {
      const http = await NestFactory.create(module, new ExpressAdapter(), {
        ...logging,
        bodyParser: false,
        abortOnError: false,
      });
      created = http;
      http.useLogger(http.get(NestPinoLogger));
      http.flushLogs();
      // No weak ETags: every answer is per-caller JSON behind a bearer token, clients track changes
      // by the incident `version`, and Express would otherwise hash every response body.
      const express = http.getHttpAdapter().getInstance() as { set(name: string, value: unknown): void };
      express.set('etag', false);
      if (config.TRUST_PROXY) trustProxy(express, config.TRUST_PROXY);
      http.use(stampArrival);
      // Report submissions: registered for the deadlines they may decide, and stamped then (ArrivalHolds).
      http.use(http.get(ArrivalHolds).middleware());
      http.use(requestLogging(logger));
      http.use(http.get(OpsMetrics).middleware());
      // The console is served by this process (src/console): helmet's CSP allows what it needs.
      http.use(helmet({ contentSecurityPolicy: { directives: CONSOLE_CSP_DIRECTIVES } }));
      http.use(
        jsonBody(config.BODY_LIMIT_BYTES, (req) =>
          req.method === 'POST' && (STIX_UPLOAD_PATH.test(req.path) || TAXII_OBJECTS_PATH.test(req.path))
            ? STIX_BODY_BOUNDS
            : BODY_BOUNDS,
        ),
      );
      http.useGlobalPipes(createValidationPipe());
      http.useGlobalFilters(new AllExceptionsFilter(logger));
      SwaggerModule.setup('api/docs', http, () => buildOpenApi(http), { jsonDocumentUrl: 'api/docs-json' });
      applyTimeouts(http.getHttpServer() as Server, config);
      await http.init();
      goOn();
      // Connect the throttle now, not at the first request (worker-only processes never do).
      http.get(AuthThrottle).start();
      await http.get(BootstrapAdminService).run();
      if (opts.listen !== false) {
        await http.listen(config.PORT, config.HOST).catch((err: unknown) => Promise.reject(listenError(err, config)));
        const address = http.getHttpServer().address();
        const port = typeof address === 'object' && address ? address.port : config.PORT;
        url = `http://${config.HOST}:${port}`;
        logger.info({ url }, 'listening');
      }
      app = http;
    } else {
      app = await NestFactory.createApplicationContext(module, { ...logging, abortOnError: false });
      created = app;
      app.useLogger(app.get(NestPinoLogger));
      app.flushLogs();
      await app.init();
      goOn();
    }
  } catch (err) {
    // Before the Redis this process started goes away, or its clients report the lost connection.
    await created?.close().catch(() => undefined);
    await localRedis?.stop();
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', stopRedisOnAbort);
  }
  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    redisUrl,
    localRedis,
    app,
    url,
    close() {
      // Order matters: stop taking requests and let workers finish or release their jobs (Nest's
      // shutdown hooks), close the database, and only then stop the Redis this process started.
      closing ??= (async () => {
        await app.close();
        await localRedis?.stop();
      })();
      return closing;
    },
  };
}
