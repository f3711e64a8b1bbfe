import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { ErrorBody } from './error-body';

export const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  406: 'Not Acceptable',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Turns every error into the one ErrorBody shape; unexpected errors are logged and hidden. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    const body: ErrorBody = { statusCode: 500, error: REASONS[500], message: 'Internal server error' };

    if (exception instanceof HttpException) {
      body.statusCode = exception.getStatus();
      const r = exception.getResponse();
      if (typeof r === 'string') body.message = r;
      else {
        const o = r as Record<string, unknown>;
        const m = o.message;
        body.message = Array.isArray(m) ? m.join('; ') : typeof m === 'string' ? m : exception.message;
        if (Array.isArray(o.details)) body.details = o.details as ErrorBody['details'];
        if (Array.isArray(o.allowedEvents)) body.allowedEvents = o.allowedEvents as string[];
        for (const [k, v] of Object.entries(o)) {
          if (!['message', 'details', 'allowedEvents', 'statusCode', 'error'].includes(k))
            (body as unknown as Record<string, unknown>)[k] = v;
        }
      }
    } else {
      this.logger.error({ err: exception, reqId: req.id, url: req.url }, 'unhandled error');
    }
    body.error = REASONS[body.statusCode] ?? HttpStatus[body.statusCode] ?? 'Error';
    if (req.id) body.requestId = String(req.id);
    res.status(body.statusCode).json(body);
  }
}
