import type { Response } from 'express';
import { JsonText } from '../common';

/**
 * Sends `body` with `status` from a handler that took the response with `@Res()`: a JsonText as
 * its ready bytes with the JSON content type (Nest would serialise a Buffer as an object), anything
 * else as JSON. Errors thrown before this still reach the exception filters as usual.
 */
export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status);
  if (body instanceof JsonText) {
    res.type('application/json').send(body.bytes);
    return;
  }
  res.json(body);
}
