import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Inject,
  Injectable,
  NotAcceptableException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { REASONS } from '../http';
import { LOGGER } from '../logging';

/** TAXII 2.1's media type (section 1.6.8): every TAXII answer carries it. */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

/** Where this server's TAXII endpoints live: discovery at /taxii2/ (section 4.1), one API root below it. */
export const TAXII_DISCOVERY_PATH = 'taxii2';
export const TAXII_API_ROOT = 'taxii2/lianfang';

/** POST …/collections/{id}/objects/: its body is an envelope of STIX objects, held to the STIX bounds. */
export const TAXII_OBJECTS_PATH = /^\/taxii2\/lianfang\/collections\/[^/]+\/objects\/?$/;

function mediaTypes(header: string | undefined): Array<{ type: string; version?: string }> {
  return (header ?? '')
    .split(',')
    .map((part) => {
      const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const version = params.find((p) => p.startsWith('version='))?.slice('version='.length);
      return { type, ...(version ? { version } : {}) };
    })
    .filter((m) => m.type.length > 0);
}

/**
 * A TAXII client asks for `application/taxii+json;version=2.1` (section 1.6.8.1). Without an Accept
 * header, or with `*\/*`, it gets that too; asking only for something else (or another TAXII
 * version) is 406.
 */
export function requireTaxiiAccept(req: Request): void {
  const accepted = mediaTypes(req.headers.accept);
  if (accepted.length === 0) return;
  const ok = accepted.some(
    (m) =>
      m.type === '*/*' ||
      m.type === 'application/*' ||
      (m.type === 'application/taxii+json' && (m.version === undefined || m.version === '2.1')),
  );
  if (!ok) throw new NotAcceptableException(`This server answers ${TAXII_MEDIA_TYPE}; the Accept header excludes it`);
}

/** A POSTed envelope comes as `application/taxii+json;version=2.1` (section 5.5); anything else is 415. */
export function requireTaxiiContent(req: Request): void {
  const [sent] = mediaTypes(req.headers['content-type']);
  if (!sent || sent.type !== 'application/taxii+json' || (sent.version !== undefined && sent.version !== '2.1'))
    throw new UnsupportedMediaTypeException(`Send the envelope as ${TAXII_MEDIA_TYPE}`);
}

/**
 * Answers errors on the TAXII routes as TAXII error messages (section 3.6.1) in TAXII's media type,
 * including the guard's 401/403/429: a TAXII client reads nothing else. The body parser's refusals
 * (413, 422, malformed JSON) happen before routing and keep the service's error shape.
 */
@Catch()
@Injectable()
export class TaxiiExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request & { id?: unknown }>();
    let status = 500;
    let description = 'Internal server error';
    let code: string | undefined;
    let details: unknown;
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      const r = exception.getResponse();
      if (typeof r === 'string') description = r;
      else {
        const o = r as Record<string, unknown>;
        description = Array.isArray(o.message) ? o.message.join('; ') : String(o.message ?? exception.message);
        if (typeof o.code === 'string') code = o.code;
        if (Array.isArray(o.details)) details = o.details;
        if (typeof o.retryAfterSeconds === 'number') details = { retryAfterSeconds: o.retryAfterSeconds };
      }
    } else {
      this.logger.error({ err: exception, reqId: req.id, url: req.url }, 'unhandled error');
    }
    res
      .status(status)
      .type(TAXII_MEDIA_TYPE)
      .send(
        JSON.stringify({
          title: REASONS[status] ?? 'Error',
          description,
          ...(req.id ? { error_id: String(req.id) } : {}),
          ...(code ? { error_code: code } : {}),
          http_status: String(status),
          ...(details !== undefined ? { details: Array.isArray(details) ? { fields: details } : details } : {}),
        }),
      );
  }
}
