import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Reflector } from '@nestjs/core';
import type { OrgKind, Role } from '../common';
import { ORG_KINDS_KEY, PUBLIC_KEY, ROLES_KEY, type Principal } from '../auth';
import { AuthThrottle, credentialKey, sourceKey, TooManyFailures } from './auth-throttle';
import { TokenService } from './token.service';

/**
 * Global guard: every route needs a valid bearer token unless marked @Public(). Then @Roles and
 * @OrgKinds narrow who may call. Organisation scoping of the data itself is the services' job
 * (every query filters by principal.orgId; another organisation's record is a 404).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly throttle: AuthThrottle,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const header = req.headers['authorization'];
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new UnauthorizedException('Missing bearer token (Authorization: Bearer <token>)');
    const source = sourceKey(req.ip);
    const credential = credentialKey(match[1]);
    // The lock-out check (Redis) and the token lookup (database) run side by side, so a valid
    // token waits for whichever is slower, not for both.
    const [lockedOut, principal] = await Promise.all([
      this.throttle.lockedOutFor(source, credential),
      this.tokens.authenticate(match[1]),
    ]);
    if (lockedOut > 0) throw this.tooMany(ctx, lockedOut);
    if (!principal) {
      const lockout = await this.throttle.failed(source, credential);
      if (lockout > 0) throw this.tooMany(ctx, lockout);
      throw new UnauthorizedException('Invalid or revoked token');
    }
    req.principal = principal;

    const kinds = this.reflector.getAllAndOverride<OrgKind[] | undefined>(ORG_KINDS_KEY, targets);
    if (kinds && !kinds.includes(principal.orgKind)) {
      throw new ForbiddenException(`This operation is for ${kinds.join(' or ')} organisations`);
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new ForbiddenException(`Role ${principal.role} may not do this (allowed: ${roles.join(', ')})`);
    }
    return true;
  }

  private tooMany(ctx: ExecutionContext, ms: number): TooManyFailures {
    const e = new TooManyFailures(ms);
    ctx.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(e.retryAfterSeconds));
    return e;
  }
}
