import { AuditEntry, AuditHead } from '../audit/audit-entry.entity';
import { ApiToken } from '../accounts/api-token.entity';
import { Enrolment } from '../accounts/enrolment.entity';
import { Organisation } from '../accounts/organisation.entity';
import { User } from '../accounts/user.entity';
import { IncidentDeadline } from '../clocks/incident-deadline.entity';
import { Incident } from '../incidents/incident.entity';
import { IncidentPlaybook } from '../incidents/incident-playbook.entity';
import { OutboxRow } from '../outbox/outbox-row.entity';
import { SequenceRow } from './sequence.entity';
import { NotificationDelivery } from '../notifications/notification-delivery.entity';
import { NotificationSubscription } from '../notifications/notification-subscription.entity';
import { IncidentIndicator } from '../sharing/incident-indicator.entity';
import { Warning } from '../warnings/warning.entity';
import { WarningTarget } from '../warnings/warning-target.entity';
import { Report, ReportDelivery, ReportInfoRequest, ReportRecipient } from '../reports/report.entities';
import { ServiceProvider } from '../providers/service-provider.entity';

/** Every entity, for the app, the worker, the migration CLI and the tests alike. */
export const ENTITIES = [
  Organisation,
  User,
  ApiToken,
  Enrolment,
  AuditEntry,
  AuditHead,
  Incident,
  IncidentPlaybook,
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
  ServiceProvider,
];
