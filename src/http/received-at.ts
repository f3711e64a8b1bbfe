import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';

type Stamped = IncomingMessage & { receivedAt?: number };

/**
 * Express middleware, mounted before everything else: notes when the request arrived, before it waits
 * for anything (body, authentication, the write queue, a row lock). Whether a report was submitted in
 * time is judged by this moment, not by when its transaction got to run.
 */
export function stampArrival(req: IncomingMessage, _res: ServerResponse, next: () => void): void {
  (req as Stamped).receivedAt = Date.now();
  next();
}

/** The moment the request arrived (stampArrival); now, for a request that came in some other way. */
export const ReceivedAt = createParamDecorator((_: unknown, ctx: ExecutionContext): Date => {
  const req = ctx.switchToHttp().getRequest<Stamped>();
  return new Date(req.receivedAt ?? Date.now());
});
