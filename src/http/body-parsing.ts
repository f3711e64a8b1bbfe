import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { StringDecoder } from 'node:string_decoder';
import { REASONS } from './http-exception.filter';
import { BODY_BOUNDS, checkJsonBounds, JsonBounds, JsonBoundsChecker, JsonBoundsError } from './json-bounds';

interface BodyParserError {
  status?: number;
  type?: string;
}

/**
 * The text body-parser is about to parse. Its JSON parser takes any `utf-*` charset; the ones
 * TextDecoder cannot read (UTF-32) are refused with 415 rather than parsed unchecked.
 */
function decode(buf: Buffer, encoding: string): string {
  try {
    return new TextDecoder(encoding).decode(buf);
  } catch {
    throw Object.assign(new Error(`charset ${encoding} is not supported`), {
      status: 415,
      type: 'charset.unsupported',
    });
  }
}

/**
 * Calls `answer` once the rest of the request body has arrived (and been dropped unread). Answering
 * while the client is still sending would close a connection with unread data in it, which resets it,
 * and the client could lose the answer along with the connection. Dropping what arrives costs no
 * parsing, and the body limit and the request timeout bound the wait.
 */
function whenReceived(req: Request, answer: () => void): void {
  if (req.complete) return answer();
  let settled = false;
  req.once('end', () => {
    if (!settled) answer();
    settled = true;
  });
  // The client gave up: nobody is left to answer.
  req.once('aborted', () => {
    settled = true;
  });
  req.resume();
}

/** The structural bounds for a request's body; most routes share BODY_BOUNDS. */
export type BoundsFor = (req: Request) => JsonBounds;

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
 *
 * On both paths the text is checked against the structural bounds (json-bounds.ts) before
 * JSON.parse, so no route ever builds, transforms or validates a body over them: 413, 422 or 400
 * with a `code` and the offending field.
 */
export function jsonBody(limitBytes: number, boundsFor: BoundsFor = () => BODY_BOUNDS): RequestHandler {
  // body-parser calls verify with the raw (decompressed) bytes before it parses them, and passes on
  // what it throws.
  const general = express.json({
    limit: limitBytes,
    verify: (req, _res, buf, encoding) => checkJsonBounds(decode(buf, encoding), boundsFor(req as Request)),
  });
  const refuse = (req: Request, res: Response, err: JsonBoundsError) => {
    const requestId = (req as Request & { id?: unknown }).id;
    res.status(err.status).json({
      statusCode: err.status,
      error: REASONS[err.status] ?? 'Bad Request',
      message: err.message,
      code: err.code,
      details: [{ field: err.field, messages: [err.message] }],
      ...(requestId ? { requestId: String(requestId) } : {}),
    });
  };
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
    res.status(statusCode).json({
      statusCode,
      error: REASONS[statusCode] ?? 'Bad Request',
      message,
      ...(requestId ? { requestId: String(requestId) } : {}),
    });
  };
  return (req: Request, res: Response, next: NextFunction) => {
    const type = req.headers['content-type'];
    const length = req.headers['content-length'];
    const encoding = req.headers['content-encoding'];
    const fast =
      type !== undefined &&
      length !== undefined &&
      (encoding === undefined || encoding === 'identity') &&
      req.headers['transfer-encoding'] === undefined &&
      PLAIN_JSON.test(type);
    if (!fast) {
      general(req, res, (err?: unknown) => {
        if (!err) return next();
        if (err instanceof JsonBoundsError) return refuse(req, res, err);
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
    // Decoded and checked chunk by chunk: a body that crosses a bound is refused on the chunk that
    // crosses it, and the rest of it is dropped unread (never buffered, copied or decoded).
    const decoder = new StringDecoder('utf8');
    const checker = new JsonBoundsChecker(boundsFor(req));
    const parts: string[] = [];
    let received = 0;
    let done = false;
    const check = (write: () => void): boolean => {
      try {
        write();
        return true;
      } catch (err) {
        if (!(err instanceof JsonBoundsError)) throw err;
        done = true;
        parts.length = 0;
        whenReceived(req, () => refuse(req, res, err));
        return false;
      }
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      received += chunk.length;
      if (received > expected) {
        done = true;
        return reply(req, res, 'request.size.invalid', 400);
      }
      let piece = decoder.write(chunk);
      // A UTF-8 byte-order mark, at the start of the first decoded text (a chunk may end inside it).
      if (!parts.some((p) => p.length > 0) && piece.charCodeAt(0) === 0xfeff) piece = piece.slice(1);
      parts.push(piece);
      check(() => checker.write(piece));
    });
    req.on('end', () => {
      if (done) return;
      if (received !== expected) {
        done = true;
        return reply(req, res, 'request.size.invalid', 400);
      }
      const rest = decoder.end();
      if (rest) parts.push(rest);
      const complete = check(() => {
        if (rest) checker.write(rest);
        checker.end();
      });
      if (!complete) return;
      done = true;
      const text = parts.join('');
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
