import { HttpException } from '@nestjs/common';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { REASONS, tooLargeParts, type JsonBounds } from '../http';
import { DEFAULT_STIX_LIMITS, parseUntrustedBundle, StixInputError, type StixBundle, type StixLimits } from './stix';

/** POST /api/v1/warnings/:id/stix, whose JSON body is a bundle and nothing else. */
export const STIX_UPLOAD_PATH = /^\/api\/v1\/warnings\/[^/]+\/stix\/?$/;

/**
 * The JSON body bounds of the STIX upload route: a bundle of 5,000 objects (the import's limit)
 * holds 50,000–100,000 values, more than any DTO body, and none of it goes through
 * class-transformer. STIX objects have a few dozen properties, so objects are kept smaller than
 * elsewhere: many distinct property names are what JSON.parse pays for most.
 */
export const STIX_BODY_BOUNDS: Readonly<JsonBounds> = Object.freeze({
  maxDepth: DEFAULT_STIX_LIMITS.maxDepth,
  maxKeysPerObject: DEFAULT_STIX_LIMITS.maxKeysPerObject,
  maxValues: 100_000,
  maxStringLength: DEFAULT_STIX_LIMITS.maxStringLength,
});

/** Content types whose body is STIX text, read raw so the limits apply before JSON.parse builds anything. */
export const STIX_TEXT_TYPES = ['application/stix+json', 'application/taxii+json', 'text/plain'];

/**
 * Turns untrusted STIX input (raw text, or a value the JSON body parser already built) into a
 * validated bundle, or an HTTP 4xx in the standard error shape: 413 for too big or too many
 * objects, 422 for too deep, overlong strings or schema violations, 400 for unreadable JSON.
 * `field` names where the bundle sat in the request (`stix` inside a larger body, or `body`).
 */
export function readStixUpload(raw: unknown, field: string, limits: Partial<StixLimits> = {}): StixBundle {
  try {
    // Peers' bundles commonly point at identities and markings they do not include.
    return parseUntrustedBundle(raw, limits, { allowExternalRefs: true });
  } catch (err) {
    if (err instanceof StixInputError) throw stixHttpError(err, field);
    throw err;
  }
}

export function stixHttpError(err: StixInputError, field: string): HttpException {
  const where = err.path ? `${field}${err.path}` : field;
  const messages = err.details.length ? err.details.slice(0, 20).map((d) => `${d.path} ${d.message}`) : [err.message];
  return new HttpException(
    { message: `${field}: ${err.message}`, code: err.code, details: [{ field: where, messages }] },
    err.status,
  );
}

/**
 * Raw-text body parsing for STIX content types (the global parser takes only application/json).
 * Errors are answered here in the standard shape, as the global JSON parser does, because they
 * happen before Nest's exception filters can see them.
 */
export function stixTextBody(limitBytes: number): RequestHandler {
  const parse = express.text({ type: STIX_TEXT_TYPES, limit: limitBytes });
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const e = err as { status?: number; type?: string };
      const statusCode = e.status && e.status >= 400 && e.status < 500 ? e.status : 400;
      const message =
        e.type === 'entity.too.large'
          ? `Request body exceeds the limit of ${limitBytes} bytes`
          : 'Malformed request body';
      const requestId = (req as Request & { id?: unknown }).id;
      res.status(statusCode).json({
        statusCode,
        error: REASONS[statusCode] ?? 'Bad Request',
        message,
        ...(e.type === 'entity.too.large' ? tooLargeParts(message) : {}),
        ...(requestId ? { requestId: String(requestId) } : {}),
      });
    });
}
