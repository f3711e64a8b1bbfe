import type { Response } from 'express';
import { JsonText } from '../common/json-text';

/**
 * What a handler with `@Res({ passthrough: true })` returns for `body`: the text of a JsonText,
 * with the JSON content type set (Nest would otherwise send a string as HTML), or `body` itself
 * for Nest to serialise.
 */
export function jsonBodyOf<T>(res: Response, body: T | JsonText): T | string {
  if (!(body instanceof JsonText)) return body;
  res.type('application/json');
  return body.text;
}
