/** The auth module's public entry: what other modules may use. */
export {
  ALLOW_RESTRICTED_KEY,
  AllowRestricted,
  CurrentPrincipal,
  ORG_KINDS_KEY,
  OrgKinds,
  PUBLIC_KEY,
  Public,
  ROLES_KEY,
  Roles,
} from './decorators';
export { isSystemActor, type Actor, type Principal, type SystemActor } from './principal';
