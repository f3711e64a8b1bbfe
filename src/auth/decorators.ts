import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { OrgKind, Role } from '../common';
import type { Principal } from './principal';

export const PUBLIC_KEY = 'auth:public';
export const ROLES_KEY = 'auth:roles';
export const ORG_KINDS_KEY = 'auth:orgKinds';
export const ALLOW_RESTRICTED_KEY = 'auth:allowRestricted';

/** Reachable without a token (health probes, API docs). Everything else needs one. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * Reachable with a restricted console session (one that must change its password or enrol a
 * second factor first): the session routes and GET /me. Every other route answers such a session 403.
 */
export const AllowRestricted = () => SetMetadata(ALLOW_RESTRICTED_KEY, true);

/** Roles allowed to call the handler; any authenticated role when absent. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Organisation kinds allowed (operator side, department side). */
export const OrgKinds = (...kinds: OrgKind[]) => SetMetadata(ORG_KINDS_KEY, kinds);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<{ principal?: Principal }>();
  if (!req.principal) throw new Error('CurrentPrincipal used on a public route');
  return req.principal;
});
