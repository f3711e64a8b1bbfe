/** Roles carried by API tokens. `system` is never issued: it marks actions of timers and workers. */
export const OPERATOR_ROLES = ['admin', 'leader', 'commander', 'responder', 'liaison', 'viewer'] as const;
export const DEPARTMENT_ROLES = ['admin', 'department-officer', 'viewer'] as const;
export const ROLES = ['admin', 'leader', 'commander', 'responder', 'liaison', 'viewer', 'department-officer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Roles a service account may hold. Its tokens are issued by an admin, so it must not hold a role
 * that drafts, approves or submits reports, confirms or grades incidents, or administers:
 * otherwise an admin could act as the person who signs off.
 */
export const SERVICE_ACCOUNT_ROLES = ['responder', 'viewer'] as const satisfies readonly Role[];

export const ORG_KINDS = ['operator', 'department'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

/** Operator profile for the reporting rules: CII operator, central/state organ, or any other operator. */
export const OPERATOR_KINDS = ['cii', 'organ', 'other'] as const;
export type OperatorKind = (typeof OPERATOR_KINDS)[number];

/**
 * Which authority a department organisation of this deployment is: reports are routed to it by
 * kind — a protection department by sector, a provincial cyberspace department and public security by
 * region (the operator's province). Own cyberspace bodies of central organs and sector regulators are
 * reached as external recipients only.
 */
export const DEPARTMENT_KINDS = [
  'protection-department',
  'provincial-cyberspace-department',
  'public-security',
] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

/** Province-level region: the two-digit GB/T 2260 code (11 Beijing, 31 Shanghai, 44 Guangdong, ...). */
export const REGION_PATTERN = /^[1-8][0-9]$/;

export const SECTORS = [
  'energy',
  'finance',
  'telecom',
  'transport',
  'water',
  'public-services',
  'e-government',
  'national-defense-industry',
  'healthcare',
  'other',
] as const;
export type Sector = (typeof SECTORS)[number];

// Grades are workflow vocabulary (the machines branch on them); one definition, in workflows/.
export { GRADES, type Grade } from '../../workflows/types';
