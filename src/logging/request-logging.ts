import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pinoHttp from 'pino-http';
import type { Logger } from 'pino';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * One JSON line per request with a request id: the caller's X-Request-Id when it is sane (so a
 * SIEM or gateway can correlate), a fresh UUID otherwise; echoed back in the response header.
 */
export function requestLogging(logger: Logger) {
  return pinoHttp({
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
  });
}
