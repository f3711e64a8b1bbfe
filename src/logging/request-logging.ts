import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pinoHttp, { type Options } from 'pino-http';
import type { Logger } from 'pino';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * One JSON line per request with a request id: the caller's X-Request-Id when it is sane (so a
 * SIEM or gateway can correlate), a fresh UUID otherwise; echoed back in the response header.
 * Requests are logged through `logger`, so its level and redaction (Authorization, cookies) apply.
 */
export function requestLoggingOptions(logger: Logger): Options {
  return {
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // Health probes every few seconds would drown the useful lines.
    autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/ready' },
  };
}

/**
 * The request logger as Express middleware. bootstrap.ts mounts it before anything else, body
 * parsing included: a body refused there (413, malformed JSON) is answered with its request id
 * and logged like any other request. (Nest mounts module middleware, nestjs-pino's included, only
 * after the middleware the application registers itself.)
 */
export function requestLogging(logger: Logger) {
  return pinoHttp(requestLoggingOptions(logger));
}
