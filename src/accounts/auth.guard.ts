import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpStatus,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { Reflector } from '@nestjs/core';
import { parseCookie } from 'cookie';
import type { OrgKind, Role } from '../common';
import { ALLOW_RESTRICTED_KEY, ORG_KINDS_KEY, PUBLIC_KEY, ROLES_KEY, type Principal } from '../auth';
import { AuthThrottle, credentialKey, sourceKey, TooManyFailures } from './auth-throttle';
import { restrictionOf, SESSION_COOKIE, sessionError, SessionService, type ActiveSession } from './session.service';
import { TokenService } from './token.service';

/** Methods that change nothing, so a cookie-authenticated request needs no CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type AuthenticatedRequest = Request & { principal?: Principal; consoleSession?: ActiveSession };

/** The session cookie's value, if the request carries one. */
export function sessionCookie(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const value = parseCookie(header)[SESSION_COOKIE];
  return value ? value : undefined;
}

/**
 * Global guard: every route needs a valid bearer token or console session cookie unless marked
 * @Public(). Then @Roles and @OrgKinds narrow who may call. Organisation scoping of the data
 * itself is the services' job (every query filters by principal.orgId; another organisation's
 * record is a 404).
 *
 * A request with an Authorization header is a token request, cookie or not: the bearer token
 * wins. A cookie-authenticated request that changes something must carry the session's CSRF
 * token in X-CSRF-Token (403 csrf-token-invalid); a restricted session reaches only the routes
 * marked @AllowRestricted() (403 with the restriction as its code).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly sessions: SessionService,
    private readonly throttle: AuthThrottle,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal =
      req.headers['authorization'] !== undefined ? await this.bearer(ctx, req) : await this.cookie(ctx, req, targets);
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

  private async bearer(ctx: ExecutionContext, req: Request): Promise<Principal> {
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
    return principal;
  }

  private async cookie(
    ctx: ExecutionContext,
    req: AuthenticatedRequest,
    targets: Parameters<Reflector['getAllAndOverride']>[1],
  ): Promise<Principal> {
    const cookie = sessionCookie(req);
    if (cookie === undefined)
      throw sessionError(
        HttpStatus.UNAUTHORIZED,
        'no-session',
        'Missing bearer token (Authorization: Bearer <token>) or session cookie',
      );
    const source = sourceKey(req.ip);
    const [lockedOut, lookup] = await Promise.all([
      this.throttle.lockedOutFor(source, null),
      this.sessions.authenticate(cookie),
    ]);
    if (lockedOut > 0) throw this.tooMany(ctx, lockedOut);
    if (lookup.kind !== 'active') {
      // A cookie that names no session at all is a guess (or a stale cookie): counted like a wrong token.
      if (lookup.kind === 'unknown') {
        const lockout = await this.throttle.failed(source, null);
        if (lockout > 0) throw this.tooMany(ctx, lockout);
      }
      throw SessionService.refusal(lookup);
    }
    const session = lookup.session;
    if (!SAFE_METHODS.has(req.method) && !this.sessions.csrfMatches(session, req.headers['x-csrf-token'])) {
      throw sessionError(
        HttpStatus.FORBIDDEN,
        'csrf-token-invalid',
        'Missing or wrong X-CSRF-Token header (the csrfToken of the session)',
      );
    }
    const restricted = restrictionOf(session.person);
    if (restricted && !this.reflector.getAllAndOverride<boolean>(ALLOW_RESTRICTED_KEY, targets)) {
      throw sessionError(
        HttpStatus.FORBIDDEN,
        restricted,
        restricted === 'password-change-required'
          ? 'Change your password first (POST /api/v1/session/password)'
          : 'Enrol a second factor first (POST /api/v1/session/totp, then /session/totp/confirm)',
      );
    }
    req.consoleSession = session;
    return session.principal;
  }

  private tooMany(ctx: ExecutionContext, ms: number): TooManyFailures {
    const e = new TooManyFailures(ms);
    ctx.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(e.retryAfterSeconds));
    return e;
  }
}
