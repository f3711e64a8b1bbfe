import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { REASONS } from './http-exception.filter';

interface BodyParserError {
  status?: number;
  type?: string;
  limit?: number;
}

/**
 * JSON body parsing with a size limit. Parser errors happen before Nest routing, where exception
 * filters do not reach, so they are answered here in the same error shape.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes });
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const e = err as BodyParserError;
      const statusCode = e.status && e.status >= 400 && e.status < 500 ? e.status : 400;
      const message =
        e.type === 'entity.too.large'
          ? `Request body exceeds the limit of ${limitBytes} bytes`
          : e.type === 'entity.parse.failed'
            ? 'Request body is not valid JSON'
            : e.type === 'encoding.unsupported' || e.type === 'charset.unsupported'
              ? 'Unsupported request body encoding'
              : 'Malformed request body';
      const requestId = (req as Request & { id?: unknown }).id;
      res.status(statusCode).json({ statusCode, error: REASONS[statusCode] ?? 'Bad Request', message, ...(requestId ? { requestId: String(requestId) } : {}) });
    });
}
