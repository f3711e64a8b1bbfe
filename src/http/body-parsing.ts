import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { REASONS } from './http-exception.filter';

interface BodyParserError {
  status?: number;
  type?: string;
}

/** `application/json` or `application/<something>+json`, with no charset or UTF-8. */
const PLAIN_JSON = /^application\/(?:[\w.-]+\+)?json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/**
 * JSON body parsing with a size limit. Parser errors happen before Nest routing, where exception
 * filters do not reach, so they are answered here in the same error shape.
 *
 * The common case (a UTF-8 JSON body with a Content-Length and no Content-Encoding) is read and
 * parsed here directly, with body-parser's rules: the limit (413), a body that must be an object
 * or array (400), a length that must match Content-Length (400). Everything else (compressed or
 * chunked bodies, other charsets) goes to express.json. body-parser's general machinery cost about
 * as much per request as the bare insert of the benchmark floor.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  const general = express.json({ limit: limitBytes });
  const reply = (req: Request, res: Response, type: string | undefined, status: number | undefined) => {
    const statusCode = status && status >= 400 && status < 500 ? status : 400;
    const message =
      type === 'entity.too.large'
        ? `Request body exceeds the limit of ${limitBytes} bytes`
        : type === 'entity.parse.failed'
          ? 'Request body is not valid JSON'
          : type === 'encoding.unsupported' || type === 'charset.unsupported'
            ? 'Unsupported request body encoding'
            : 'Malformed request body';
    const requestId = (req as Request & { id?: unknown }).id;
    res.status(statusCode).json({ statusCode, error: REASONS[statusCode] ?? 'Bad Request', message, ...(requestId ? { requestId: String(requestId) } : {}) });
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const type = req.headers['content-type'];
    const length = req.headers['content-length'];
    const encoding = req.headers['content-encoding'];
    const fast = type !== undefined && length !== undefined && (encoding === undefined || encoding === 'identity') && req.headers['transfer-encoding'] === undefined && PLAIN_JSON.test(type);
    if (!fast) {
      general(req, res, (err?: unknown) => {
        if (!err) return next();
        const e = err as BodyParserError;
        reply(req, res, e.type, e.status);
      });
      return;
    }
    const expected = Number(length);
    if (!Number.isSafeInteger(expected) || expected < 0) return reply(req, res, 'request.size.invalid', 400);
    if (expected > limitBytes) {
      // Answer at once; what the client still sends is drained and dropped.
      req.resume();
      return reply(req, res, 'entity.too.large', 413);
    }
    if (expected === 0) {
      req.body = {};
      return next();
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      received += chunk.length;
      if (received > expected) {
        done = true;
        return reply(req, res, 'request.size.invalid', 400);
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      if (received !== expected) return reply(req, res, 'request.size.invalid', 400);
      const decoded = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8');
      const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded; // a UTF-8 byte-order mark
      // body-parser's strict mode: only an object or an array is a JSON body.
      const first = /\S/.exec(text)?.[0];
      if (first !== '{' && first !== '[') return reply(req, res, 'entity.parse.failed', 400);
      try {
        req.body = JSON.parse(text);
      } catch {
        return reply(req, res, 'entity.parse.failed', 400);
      }
      next();
    });
    req.on('error', () => {
      done = true;
    });
  };
}
