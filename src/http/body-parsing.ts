import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { REASONS } from './http-exception.filter';
import { BODY_BOUNDS, checkJsonBounds, JsonBounds, JsonBoundsError } from './json-bounds';

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

/** The structural bounds for a request's body; most routes share BODY_BOUNDS. */
export type BoundsFor = (req: Request) => JsonBounds;

/** `application/json` and the `+json` media types (`application/merge-patch+json`). */
const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * JSON body parsing with a size limit: express.json (body-parser), whose errors are answered here
 * in the service's error shape, because they happen before Nest routing, where exception filters
 * do not reach.
 *
 * body-parser reads the whole body (up to the limit) before it calls `verify`, and `verify` checks
 * the text against the structural bounds (json-bounds.ts) before JSON.parse, so no route ever
 * builds, transforms or validates a body over them: 413, 422 or 400 with a `code` and the
 * offending field. A body refused by the limit is read to its end and dropped before the answer
 * (body-parser does that for its own errors), so the client is not reset while still sending.
 */
export function jsonBody(limitBytes: number, boundsFor: BoundsFor = () => BODY_BOUNDS): RequestHandler {
  const parse = express.json({
    limit: limitBytes,
    type: JSON_TYPES,
    // body-parser calls verify with the raw (decompressed) bytes before it parses them, and passes on
    // what it throws.
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
      // The size limit is a body bound like the others, answered in their shape.
      ...(type === 'entity.too.large' ? tooLargeParts(message) : {}),
      ...(requestId ? { requestId: String(requestId) } : {}),
    });
  };
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      if (err instanceof JsonBoundsError) return refuse(req, res, err);
      const e = err as BodyParserError;
      reply(req, res, e.type, e.status);
    });
}

/** `code` and `details` of the answer to a body over the size limit, as the other body bounds give them. */
export function tooLargeParts(message: string): {
  code: 'too-large';
  details: Array<{ field: string; messages: string[] }>;
} {
  return { code: 'too-large', details: [{ field: 'body', messages: [message] }] };
}
