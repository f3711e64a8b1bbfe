import { ParseUUIDPipe, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ApiParam, ApiResponse, DECORATORS } from '@nestjs/swagger';
import { ALLOW_RESTRICTED_KEY, ORG_KINDS_KEY, PUBLIC_KEY, ROLES_KEY } from '../auth';
import { ErrorBody } from './error-body';

/** Where @nestjs/swagger keeps a handler's (or a controller's) @ApiResponse declarations. */
const API_RESPONSE = DECORATORS.API_RESPONSE;

export interface StandardErrorTexts {
  /** What a 404 means on this controller's routes with path parameters. */
  notFound?: string;
  /** What a 403 from the role and organisation-kind check means here. */
  forbidden?: string;
}

interface RouteArg {
  index: number;
  data?: unknown;
  pipes?: unknown[];
}

/** What the parts of the service outside a controller answer, by what a route takes. */
export const STANDARD_ERRORS = {
  badRequest: 'Malformed input: a path parameter, query or body field that is not valid (details name it)',
  unauthorized:
    'No bearer token or session cookie, or one that is unknown or revoked; a signed-out or expired console session ' +
    '(code no-session, session-expired)',
  forbidden: 'Your organisation kind or role may not do this',
  session:
    'A console session that must first change its password or enrol a second factor (code password-change-required, ' +
    'second-factor-enrolment-required), or, on a write, a missing or wrong X-CSRF-Token (code csrf-token-invalid)',
  notFound: 'No such record in your organisation',
  payloadTooLarge:
    'The body is over BODY_LIMIT_BYTES, or has too many properties in one object or values in all (code ' +
    'too-many-keys, too-many-values)',
  unprocessable: 'The body is nested too deep or holds an overlong string (code too-deep, string-too-long)',
  tooManyRequests:
    'Too many failed authentication attempts from your address or with this credential; Retry-After says when to ' +
    'try again',
} as const;

/**
 * Declares, on every route of a controller, the answers that come from outside the handler, as
 * the route's own metadata decides them:
 * - 401 and 429 unless the route is @Public() (AuthGuard: no or a bad token; the throttle's lock-out);
 * - 403 where @Roles or @OrgKinds narrows who may call, and for console sessions: on every route
 *   a restricted session may not use (all but @AllowRestricted()) and on every write (the CSRF
 *   check) (AuthGuard);
 * - 400 where a body, a query DTO or a parsed path parameter is validated (ValidationPipe,
 *   ParseUUIDPipe; such a parameter is also declared `format: uuid`);
 * - 404 where a path parameter names a record;
 * - 413 and 422 where a body is read (the JSON body bounds, src/http/json-bounds.ts).
 * A status the route or the controller already declares keeps its own description.
 *
 * Write it first, above the controller's other decorators: TypeScript applies a class's
 * decorators bottom-up, so only then has @Roles or @OrgKinds on the class been recorded when this
 * one reads them. test/e2e/openapi-document.e2e-spec.ts checks the outcome against the guard's metadata.
 */
export function ApiStandardErrors(texts: StandardErrorTexts = {}): ClassDecorator {
  return (target) => {
    const proto = (target as unknown as { prototype: Record<string, unknown> }).prototype;
    const classResponses = (Reflect.getMetadata(API_RESPONSE, target) ?? {}) as Record<string, unknown>;
    const onClass = (key: string) => Reflect.getMetadata(key, target) !== undefined;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      const handler = descriptor?.value as object | undefined;
      if (name === 'constructor' || typeof handler !== 'function') continue;
      if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
      const args = Object.entries(
        (Reflect.getMetadata(ROUTE_ARGS_METADATA, target, name) ?? {}) as Record<string, RouteArg>,
      ).map(([key, arg]) => ({ type: Number(key.split(':')[0]), ...arg }));
      const params = args.filter((a) => a.type === RouteParamtypes.PARAM);
      const uuidParams = params.filter((a) => (a.pipes ?? []).some((p) => p === ParseUUIDPipe));
      const body = args.some((a) => a.type === RouteParamtypes.BODY);
      const queryDto = args.some((a) => a.type === RouteParamtypes.QUERY && a.data === undefined);
      const isPublic =
        Reflect.getMetadata(PUBLIC_KEY, handler) === true || Reflect.getMetadata(PUBLIC_KEY, target) === true;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
      const write = ![RequestMethod.GET, RequestMethod.HEAD, RequestMethod.OPTIONS].includes(method);
      const restrictable =
        !isPublic &&
        (write ||
          (Reflect.getMetadata(ALLOW_RESTRICTED_KEY, handler) ?? Reflect.getMetadata(ALLOW_RESTRICTED_KEY, target)) !==
            true);
      const narrowed =
        Reflect.getMetadata(ROLES_KEY, handler) !== undefined ||
        Reflect.getMetadata(ORG_KINDS_KEY, handler) !== undefined ||
        onClass(ROLES_KEY) ||
        onClass(ORG_KINDS_KEY);

      const declared = { ...classResponses, ...(Reflect.getMetadata(API_RESPONSE, handler) ?? {}) } as Record<
        string,
        unknown
      >;
      const add = (status: number, description: string) => {
        if (declared[status] === undefined)
          ApiResponse({ status, type: ErrorBody, description })(proto, name, descriptor!);
      };
      if (body || queryDto || uuidParams.length) add(400, STANDARD_ERRORS.badRequest);
      if (!isPublic) add(401, STANDARD_ERRORS.unauthorized);
      if (narrowed || restrictable)
        add(
          403,
          [
            ...(narrowed ? [texts.forbidden ?? STANDARD_ERRORS.forbidden] : []),
            ...(restrictable ? [STANDARD_ERRORS.session] : []),
          ].join('; or '),
        );
      if (params.length) add(404, texts.notFound ?? STANDARD_ERRORS.notFound);
      if (body) add(413, STANDARD_ERRORS.payloadTooLarge);
      if (body) add(422, STANDARD_ERRORS.unprocessable);
      if (!isPublic) add(429, STANDARD_ERRORS.tooManyRequests);
      for (const p of uuidParams) {
        if (typeof p.data === 'string')
          ApiParam({ name: p.data, type: String, format: 'uuid' })(proto, name, descriptor!);
      }
    }
  };
}
