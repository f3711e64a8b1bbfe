import { Initial1764000000000 } from './1764000000000-initial';
import { IncidentDeadlines1764000000001 } from './1764000000001-incident-deadlines';
import { Notifications1764000000002 } from './1764000000002-notifications';
import { Reports1764000000003 } from './1764000000003-reports';
import { Warnings1764000000004 } from './1764000000004-warnings';
import { AuditOrgIndex1764000000005 } from './1764000000005-audit-org-index';
import { IncidentPlaybook1764000000006 } from './1764000000006-incident-playbook';
import { TokenHandles1764000001400 } from './1764000001400-token-handles';
import { Enrolment1764000001401 } from './1764000001401-enrolment';

/** Listed explicitly (not globbed) so ts-node, compiled JS and Jest all see the same migrations. */
export const MIGRATIONS = [
  Initial1764000000000,
  IncidentDeadlines1764000000001,
  Notifications1764000000002,
  Reports1764000000003,
  Warnings1764000000004,
  AuditOrgIndex1764000000005,
  IncidentPlaybook1764000000006,
  TokenHandles1764000001400,
  Enrolment1764000001401,
];
