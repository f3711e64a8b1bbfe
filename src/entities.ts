import {
  AuditChain,
  AuditCheckpoint,
  AuditCheckpointed,
  AuditCheckpointHead,
  AuditEntryRow,
  AuditName,
  AuditHead,
} from './audit/audit-entry.entity';
import { ApiToken } from './accounts/api-token.entity';
import { Enrolment } from './accounts/enrolment.entity';
import { UserCredential } from './accounts/credential.entity';
import { UserSession } from './accounts/session.entity';
import { Organisation } from './accounts/organisation.entity';
import { User } from './accounts/user.entity';
import { IncidentDeadline } from './clocks/incident-deadline.entity';
import { Incident } from './incidents/incident.entity';
import { IncidentPlaybook, PlaybookSteps } from './incidents/incident-playbook.entity';
import { IncidentPlanAction } from './incidents/incident-plan-action.entity';
import { OutboxRow } from './outbox/outbox-row.entity';
import { SequenceRow } from './database/sequence.entity';
import { NotificationDelivery } from './notifications/notification-delivery.entity';
import { NotificationSubscription } from './notifications/notification-subscription.entity';
import { IncidentIndicator } from './sharing/incident-indicator.entity';
import { StixObjectRecord } from './sharing/stix-object.entity';
import { TaxiiObject, TaxiiStatus } from './taxii/taxii.entities';
import { TaxiiFeedIndicator, TaxiiSubscription } from './taxii/taxii-subscription.entities';
import { Warning } from './warnings/warning.entity';
import { WarningTarget } from './warnings/warning-target.entity';
import { Report, ReportDelivery, ReportInfoRequest, ReportRecipient } from './reports/report.entities';
import { ServiceProvider } from './providers/service-provider.entity';
import { Plan, PlanPin, PlanVersion } from './plans/plan.entities';
import { Drill, DrillFollowUp } from './drills/drill.entities';
import { METRICS_ENTITIES } from './metrics/metrics.entities';

/**
 * Every entity, for data sources no Nest module builds: the TypeORM CLI (src/data-source.ts), the
 * admin CLI and tests. In the service each module registers its own (TypeOrmModule.forFeature), and a
 * test checks that the two agree.
 */
export const ENTITIES = [
  Organisation,
  User,
  ApiToken,
  Enrolment,
  UserCredential,
  UserSession,
  AuditEntryRow,
  AuditName,
  AuditHead,
  AuditChain,
  AuditCheckpoint,
  AuditCheckpointHead,
  AuditCheckpointed,
  Incident,
  IncidentPlaybook,
  IncidentPlanAction,
  PlaybookSteps,
  IncidentDeadline,
  SequenceRow,
  OutboxRow,
  NotificationSubscription,
  NotificationDelivery,
  Report,
  ReportRecipient,
  ReportDelivery,
  ReportInfoRequest,
  Warning,
  WarningTarget,
  IncidentIndicator,
  StixObjectRecord,
  TaxiiObject,
  TaxiiStatus,
  TaxiiSubscription,
  TaxiiFeedIndicator,
  Plan,
  PlanVersion,
  PlanPin,
  ServiceProvider,
  Drill,
  DrillFollowUp,
  ...METRICS_ENTITIES,
];
