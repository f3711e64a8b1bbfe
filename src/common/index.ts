/** The common module's public entry: what other modules may use. */
export { badField } from './bad-field';
export { canonicalJson } from './canonical-json';
export {
  carryOverSecrets,
  joinConfigSecrets,
  openConfigSecrets,
  sealConfigSecrets,
  splitConfigSecrets,
  urlSecrets,
} from './crypto/channel-config-secrets';
export { SecretBox } from './crypto/secret-box';
export {
  DurationError,
  addDuration,
  durationMs,
  isShanghaiWorkingDay,
  parseDuration,
  type ParsedDuration,
} from './duration';
export { escapeHtml } from './html';
export { classifyAddress, classifyIp, effectiveIp, parseAddress, type AddressClass } from './net/address';
export { EgressAllowSyntaxError, parseEgressAllow, type AllowEntry } from './net/egress-allow';
export { redisOptionsFromUrl } from './redis-options';
export {
  DEPARTMENT_KINDS,
  DEPARTMENT_ROLES,
  GRADES,
  OPERATOR_KINDS,
  OPERATOR_ROLES,
  ORG_KINDS,
  REGION_PATTERN,
  ROLES,
  SECTORS,
  SERVICE_ACCOUNT_ROLES,
  type DepartmentKind,
  type Grade,
  type OperatorKind,
  type OrgKind,
  type Role,
  type Sector,
} from './roles';
export { Clock, nowIso, toIso } from './time';
export { VersionedCache } from './versioned-cache';
export { BilingualText } from './bilingual-text';
