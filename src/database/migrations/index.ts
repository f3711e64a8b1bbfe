import { Initial1764000000000 } from './1764000000000-initial';
import { IncidentDeadlines1764000000001 } from './1764000000001-incident-deadlines';
import { Notifications1764000000002 } from './1764000000002-notifications';
import { Reports1764000000003 } from './1764000000003-reports';
import { Warnings1764000000004 } from './1764000000004-warnings';
import { AuditOrgIndex1764000000005 } from './1764000000005-audit-org-index';
import { IncidentPlaybook1764000000006 } from './1764000000006-incident-playbook';
import { ReportingDuties1764000000007 } from './1764000000007-reporting-duties';
import { SealChannelConfig1764000000010 } from './1764000000010-seal-channel-config';
import { OrganisationHostPatterns1764000000011 } from './1764000000011-organisation-host-patterns';
import { ReportAuditHead1764000000012 } from './1764000000012-report-audit-head';
import type { SecretBox } from '../../common';
import { TokenHandles1764000001400 } from './1764000001400-token-handles';
import { Enrolment1764000001401 } from './1764000001401-enrolment';
import { SignIn1764100000000 } from './1764100000000-sign-in';
import { AuditChains1764300000000 } from './1764300000000-audit-chains';
import { DeadlineSweepIndex1764300000001 } from './1764300000001-deadline-sweep-index';
import { DeploymentKeys1764300000002 } from './1764300000002-deployment-keys';
import { StixObjects1764400000000 } from './1764400000000-stix-objects';
import { Taxii1764400000001 } from './1764400000001-taxii';
import { GrowthIndexes1764500000000 } from './1764500000000-growth-indexes';
import { Plans1764600000000 } from './1764600000000-plans';
import { Metrics1764700000000 } from './1764700000000-metrics';
import { UserDisabled1764800000000 } from './1764800000000-user-disabled';
import { IncidentPlanActions1765000000000 } from './1765000000000-incident-plan-actions';
import { Drills1765100000000 } from './1765100000000-drills';
import { WarningFanout1765200000000 } from './1765200000000-warning-fanout';
import { SharedPlaybookSteps1765300000000 } from './1765300000000-shared-playbook-steps';
import { IncidentFilterIndexes1765400000000 } from './1765400000000-incident-filter-indexes';
import { DeliveryInfoRequested1765400000001 } from './1765400000001-delivery-info-requested';
import { ReportHeadIndex1765400000002 } from './1765400000002-report-head-index';
import { ReportListIndexes1765500000000 } from './1765500000000-report-list-indexes';
import { ListStatusIndexes1765600000000 } from './1765600000000-list-status-indexes';
import { AuditNames1765700000000 } from './1765700000000-audit-names';

/** Listed explicitly (not globbed) so ts-node, compiled JS and Jest all see the same migrations. */
export const MIGRATIONS = [
  Initial1764000000000,
  IncidentDeadlines1764000000001,
  Notifications1764000000002,
  Reports1764000000003,
  Warnings1764000000004,
  AuditOrgIndex1764000000005,
  IncidentPlaybook1764000000006,
  ReportingDuties1764000000007,
  SealChannelConfig1764000000010,
  OrganisationHostPatterns1764000000011,
  ReportAuditHead1764000000012,
  TokenHandles1764000001400,
  Enrolment1764000001401,
  SignIn1764100000000,
  AuditChains1764300000000,
  DeadlineSweepIndex1764300000001,
  DeploymentKeys1764300000002,
  StixObjects1764400000000,
  Taxii1764400000001,
  GrowthIndexes1764500000000,
  Plans1764600000000,
  Metrics1764700000000,
  UserDisabled1764800000000,
  IncidentPlanActions1765000000000,
  Drills1765100000000,
  WarningFanout1765200000000,
  SharedPlaybookSteps1765300000000,
  IncidentFilterIndexes1765400000000,
  DeliveryInfoRequested1765400000001,
  ReportHeadIndex1765400000002,
  ReportListIndexes1765500000000,
  ListStatusIndexes1765600000000,
  AuditNames1765700000000,
];

/**
 * MIGRATIONS with the ones that need the deployment's secrets key bound to it. The key is resolved
 * only when a row needs it, so a fresh database does not create key files on its own.
 */
// TypeORM types its migrations option as Function[] (classes or instances).
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function migrationsFor(box: () => SecretBox): Function[] {
  class BoundSealChannelConfig extends SealChannelConfig1764000000010 {
    constructor() {
      super(box);
    }
  }
  return MIGRATIONS.map((m) => (m === SealChannelConfig1764000000010 ? BoundSealChannelConfig : m));
}
