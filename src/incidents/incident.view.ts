import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RecipientCoverageView } from './recipient-coverage';
import { KeysetPageView, schemaRef } from '../http';
import { BilingualText } from '../requirements';
import type { IncidentContext } from '../../workflows/incident/types';
import { playbookFor } from '../../workflows';
import type { StepState, StepTemplate } from '../../workflows/types';
import type { IncidentDeadline } from '../clocks';
import type { Incident } from './incident.entity';

/** Evidence a playbook step expects, as display text. */
export class ExpectedEvidenceView {
  @ApiProperty({ example: 'log-export' }) kind!: string;
  @ApiProperty({ type: BilingualText }) description!: BilingualText;
}

export class StepView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['triage', 'containment', 'eradication', 'recovery', 'review', 'reidentification'] })
  phase!: string;
  @ApiProperty({ type: BilingualText }) title!: BilingualText;
  @ApiPropertyOptional({ type: BilingualText }) guidance?: BilingualText;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty() mandatory!: boolean;
  @ApiProperty({ type: [String] }) requirements!: string[];
  @ApiPropertyOptional({ type: [ExpectedEvidenceView], description: 'Evidence the playbook expects' })
  expectedEvidence?: ExpectedEvidenceView[];
  @ApiProperty({ enum: ['open', 'done'] }) status!: string;
  @ApiPropertyOptional() completedAt?: string;
  @ApiPropertyOptional() completedBy?: string;
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional({ type: [String] }) evidence?: string[];
}

export class ApprovalDecisionView {
  @ApiProperty({ enum: ['approve', 'reject'] }) decision!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ description: 'Who decided (user id)' }) by!: string;
  @ApiProperty() role!: string;
  @ApiProperty() at!: string;
}

export class PlanApprovalView {
  @ApiProperty({ description: 'The role that decides' }) role!: string;
  @ApiProperty({ example: 'PT4H', description: 'ISO 8601 duration from reaching the phase' }) timeout!: string;
  @ApiProperty({ type: String, nullable: true, description: 'When the timeout passes (null until the phase)' })
  dueAt!: string | null;
  @ApiProperty({ description: 'Escalation steps taken since the timeout passed (0: none)' }) escalationLevel!: number;
  @ApiProperty({ type: [ApprovalDecisionView], description: 'Every decision in order: rejections stay visible' })
  decisions!: ApprovalDecisionView[];
}

export class PlanNotifyView {
  @ApiPropertyOptional({ enum: ['commander', 'leader', 'admin'] }) role?: string;
  @ApiPropertyOptional({ enum: ['webhook', 'email', 'wecom', 'dingtalk', 'feishu'] }) channel?: string;
}

export class ProviderReceiptView {
  @ApiProperty() reference!: string;
  @ApiProperty() receivedAt!: string;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ type: [String] }) evidence!: string[];
  @ApiProperty({ description: 'Who recorded it (user id)' }) recordedBy!: string;
}

export class PlanProviderView {
  @ApiProperty() providerId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'From the register (null: removed from it since)' })
  name!: string | null;
  @ApiProperty({ type: String, nullable: true }) contactName!: string | null;
  @ApiProperty({ type: String, nullable: true }) phone!: string | null;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ type: ProviderReceiptView, nullable: true }) report!: ProviderReceiptView | null;
}

/** An approval, notification or service-provider step of the plan the incident was declared with. */
export class PlanActionView {
  @ApiProperty() stepId!: string;
  @ApiProperty({ enum: ['approval', 'notification', 'service-provider'] }) kind!: string;
  @ApiProperty({ enum: ['triage', 'containment', 'eradication', 'recovery', 'review', 'reidentification'] })
  phase!: string;
  @ApiProperty({ type: BilingualText }) title!: BilingualText;
  @ApiProperty({
    enum: ['waiting', 'pending', 'approved', 'rejected', 'sent', 'requested', 'received'],
    description:
      'waiting: the phase is not reached yet; an approval is pending, approved or rejected (its step stays ' +
      'open and the phase blocked until approved); a notification is sent; a provider report requested, ' +
      'then received',
  })
  status!: string;
  @ApiProperty({ type: String, nullable: true, description: 'When the incident reached the phase' })
  startedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Approved, sent, or the report received' })
  doneAt!: string | null;
  @ApiPropertyOptional({ type: PlanApprovalView }) approval?: PlanApprovalView;
  @ApiPropertyOptional({ type: PlanNotifyView }) notify?: PlanNotifyView;
  @ApiPropertyOptional({ type: PlanProviderView }) provider?: PlanProviderView;
}

export class DeadlineView {
  @ApiProperty({ example: 'initial-report' }) timer!: string;
  @ApiProperty({ enum: ['pending', 'met', 'missed', 'cancelled'] }) status!: string;
  @ApiProperty() generation!: number;
  @ApiPropertyOptional({ description: 'Reporting rule the clock comes from' }) ruleId?: string;
  @ApiPropertyOptional() clockStartedAt?: string;
  @ApiPropertyOptional() dueAt?: string;
  @ApiProperty() escalationLevel!: number;
  @ApiProperty({ type: String, nullable: true }) acknowledgedAt!: string | null;
}

export class PoliceReportView {
  @ApiProperty({ example: '沪公网安受字〔2026〕101号' }) reference!: string;
  @ApiProperty() at!: string;
}

export class PoliceView {
  @ApiProperty({ type: Boolean, nullable: true, description: '涉嫌违法犯罪? null until the commander decides' })
  crimeSuspected!: boolean | null;
  @ApiProperty({ type: [PoliceReportView] }) reports!: PoliceReportView[];
}

export class WorkflowRefView {
  @ApiProperty({ example: 'incident' }) id!: string;
  @ApiProperty({ example: 2 }) version!: number;
}

export class InitialReportRefView {
  @ApiProperty() reportId!: string;
  @ApiProperty() partial!: boolean;
}

/** The reports the workflow has seen submitted, by kind (ids of reports; GET …/reports for the reports). */
export class IncidentReportRefsView {
  @ApiProperty({
    type: [InitialReportRefView],
    description: 'Initial reports in order; a partial one may be completed',
  })
  initial!: InitialReportRefView[];
  @ApiProperty({ type: [String] }) followUps!: string[];
  @ApiProperty({ type: String, nullable: true }) final!: string | null;
}

export class IncidentView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'INC-2026-000042' }) reference!: string;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty() category!: string;
  @ApiProperty({ enum: ['I', 'II', 'III', 'IV'] }) grade!: string;
  @ApiProperty({ description: 'Drill (应急演练): never counted as a real incident' }) drill!: boolean;
  @ApiProperty({ example: 'response' }) state!: string;
  @ApiProperty({
    ...schemaRef('WorkflowStateValue'),
    description: 'Full workflow state value (parallel regions included)',
  })
  stateValue!: unknown;
  @ApiProperty() detectedAt!: string;
  @ApiProperty({ type: String, nullable: true }) occurredAt!: string | null;
  @ApiProperty({ type: [String] }) affectedSystems!: string[];
  @ApiProperty({ type: [String] }) affectedBusiness!: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: ['string', 'number', 'boolean'] },
    nullable: true,
    description: 'Impact facts as given (see POST /api/v1/grade-suggestions for the names)',
  })
  impact!: Record<string, string | number | boolean> | null;
  @ApiProperty({ type: WorkflowRefView }) workflow!: WorkflowRefView;
  @ApiProperty({ description: 'Optimistic-concurrency version; send it back as expectedVersion' }) version!: number;
  @ApiProperty({ type: [String], description: "Event types the workflow accepts now from the caller's role" })
  allowedEvents!: string[];
  @ApiProperty({ type: [StepView] }) steps!: StepView[];
  @ApiProperty({
    type: [PlanActionView],
    description: "The plan's approval, notification and service-provider steps (empty for a shipped playbook)",
  })
  planActions!: PlanActionView[];
  @ApiProperty({ type: [DeadlineView] }) deadlines!: DeadlineView[];
  @ApiProperty({ type: IncidentReportRefsView }) reports!: IncidentReportRefsView;
  @ApiPropertyOptional({ type: String, nullable: true }) dismissReason?: string | null;
  @ApiProperty({
    type: PoliceView,
    nullable: true,
    description:
      'Workflow version 2 on (null before): whether a crime is suspected ' +
      '(null: not decided yet) and the reports made to public security',
  })
  police!: PoliceView | null;
  @ApiProperty({
    type: RecipientCoverageView,
    nullable: true,
    description:
      'While a report is owed (reporting required, in triage or response): ' +
      'the recipient kinds the rules require and those nobody would receive, ' +
      'with the national channels for them; null otherwise',
  })
  recipientCoverage!: RecipientCoverageView | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

/**
 * What `POST …/events` and the step endpoints answer under `Prefer: return=minimal`: the outcome of
 * the change and what may follow, without the steps, deadlines and reports (GET the incident for those).
 */
export class IncidentEventResult {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'INC-2026-000042' }) reference!: string;
  @ApiProperty({ description: 'Drill (应急演练): never counted as a real incident' }) drill!: boolean;
  @ApiProperty({ enum: ['I', 'II', 'III', 'IV'] }) grade!: string;
  @ApiProperty({ example: 'response' }) state!: string;
  @ApiProperty({
    ...schemaRef('WorkflowStateValue'),
    description: 'Full workflow state value (parallel regions included)',
  })
  stateValue!: unknown;
  @ApiProperty({ description: 'The new optimistic-concurrency version; send it back as expectedVersion' })
  version!: number;
  @ApiProperty({ type: [String], description: "Event types the workflow accepts now from the caller's role" })
  allowedEvents!: string[];
  @ApiProperty() updatedAt!: string;
}

export function eventResult(i: Incident, stateValue: unknown, allowedEvents: string[]): IncidentEventResult {
  return {
    id: i.id,
    reference: i.reference,
    drill: i.drill,
    grade: i.grade,
    state: i.state,
    stateValue,
    version: i.version,
    allowedEvents,
    updatedAt: i.updatedAt,
  };
}

export class IncidentSummaryView {
  @ApiProperty() id!: string;
  @ApiProperty() reference!: string;
  @ApiProperty() title!: string;
  @ApiProperty() category!: string;
  @ApiProperty({ enum: ['I', 'II', 'III', 'IV'] }) grade!: string;
  @ApiProperty() drill!: boolean;
  @ApiProperty() state!: string;
  @ApiProperty() detectedAt!: string;
  @ApiProperty() version!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

/** The columns a summary shows (a list page reads only these). */
type SummaryField =
  | 'id'
  | 'reference'
  | 'title'
  | 'category'
  | 'grade'
  | 'drill'
  | 'state'
  | 'detectedAt'
  | 'version'
  | 'createdAt'
  | 'updatedAt';

export class IncidentPage extends KeysetPageView {
  @ApiProperty({ type: [IncidentSummaryView] }) items!: IncidentSummaryView[];
}

export function summaryView(i: Pick<Incident, SummaryField>): IncidentSummaryView {
  return {
    id: i.id,
    reference: i.reference,
    title: i.title,
    category: i.category,
    grade: i.grade,
    drill: i.drill,
    state: i.state,
    detectedAt: i.detectedAt,
    version: i.version,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  };
}

const categoryTemplates = new Map<string, Map<string, StepTemplate>>();

/** Playbooks are code, fixed for the life of the process: index each category's steps once. */
function templatesFor(category: string, parentOf: (code: string) => string | undefined): Map<string, StepTemplate> {
  let templates = categoryTemplates.get(category);
  if (!templates) {
    templates = new Map(playbookFor(category, parentOf).steps.map((s) => [s.id, s]));
    categoryTemplates.set(category, templates);
  }
  return templates;
}

/** Guidance and evidence expectations are display text; the snapshot keeps only what guards read. */
function stepView(s: StepState, t: StepTemplate | undefined): StepView {
  return {
    id: s.id,
    phase: s.phase,
    title: s.title,
    guidance: t?.guidance,
    roles: s.roles,
    mandatory: s.mandatory,
    requirements: s.requirements,
    expectedEvidence: t?.evidence,
    status: s.status,
    completedAt: s.completedAt,
    completedBy: s.completedBy,
    note: s.note,
    evidence: s.evidence,
  };
}

export function incidentView(
  i: Incident,
  stateValue: unknown,
  context: IncidentContext,
  allowedEvents: string[],
  deadlineRows: IncidentDeadline[],
  parentOf: (code: string) => string | undefined,
  recipientCoverage: RecipientCoverageView | null = null,
  planTemplates: Map<string, StepTemplate> | null = null,
  planActions: PlanActionView[] = [],
): IncidentView {
  const templates = planTemplates ?? templatesFor(i.category, parentOf);
  return {
    ...viewWithoutSteps(i, stateValue, context, allowedEvents, deadlineRows, recipientCoverage),
    steps: context.steps.map((s) => stepView(s, templates.get(s.id))),
    planActions,
  } as IncidentView;
}

/** Every field of the view, in the view's key order, with the steps as a placeholder for the caller. */
function viewWithoutSteps(
  i: Incident,
  stateValue: unknown,
  context: IncidentContext,
  allowedEvents: string[],
  deadlineRows: IncidentDeadline[],
  recipientCoverage: RecipientCoverageView | null,
): Omit<IncidentView, 'steps' | 'planActions'> & { steps: unknown; planActions: unknown } {
  const rows = new Map(deadlineRows.map((d) => [d.timer, d]));
  const deadlines: DeadlineView[] = Object.entries(context.deadlines).flatMap(([timer, entry]) => {
    if (!entry) return [];
    const row = rows.get(timer);
    const current = row && row.generation === entry.generation ? row : undefined;
    return [
      {
        timer,
        status: entry.status,
        generation: entry.generation,
        ruleId: current?.ruleId,
        clockStartedAt: current?.clockStartedAt,
        dueAt: current?.dueAt,
        escalationLevel: current?.escalationLevel ?? 0,
        acknowledgedAt: current?.acknowledgedAt ?? null,
      },
    ];
  });
  return {
    id: i.id,
    reference: i.reference,
    title: i.title,
    description: i.description,
    category: i.category,
    grade: i.grade,
    drill: i.drill,
    state: i.state,
    stateValue,
    detectedAt: i.detectedAt,
    occurredAt: i.occurredAt,
    affectedSystems: i.affectedSystems,
    affectedBusiness: i.affectedBusiness,
    impact: i.impact,
    workflow: { id: i.workflowId, version: i.workflowVersion },
    version: i.version,
    allowedEvents,
    steps: null,
    planActions: null,
    deadlines,
    reports: context.reports,
    dismissReason: context.dismissReason,
    police:
      'crimeSuspected' in context
        ? { crimeSuspected: context.crimeSuspected ?? null, reports: context.policeReports ?? [] }
        : null,
    recipientCoverage,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  };
}

/** One audit entry of the incident's timeline (GET …/timeline): the chain link as stored. */
export class TimelineEntryView {
  @ApiProperty({ description: "The entry's id, unique in the deployment" }) seq!: number;
  @ApiProperty({ description: "The audit chain it belongs to: its organisation's id, or `system`" }) chain!: string;
  @ApiProperty({ description: 'Its place in that chain' }) chainSeq!: number;
  @ApiProperty({
    enum: [1, 2, 3],
    description:
      '1: hashed into the global chain of entries written before chains per organisation; 2: its chain; ' +
      '3: its chain, with orgId, payloadDigest and prevHash derived rather than stored (README "Audit trail")',
  })
  hashVersion!: number;
  @ApiProperty() at!: string;
  @ApiProperty({ description: 'User id, `system:<component>` for timers and workers, or `bootstrap`' })
  actorId!: string;
  @ApiProperty({ type: String, nullable: true }) actorRole!: string | null;
  @ApiProperty({ type: String, nullable: true }) orgId!: string | null;
  @ApiProperty({ type: String, nullable: true }) incidentId!: string | null;
  @ApiProperty({ example: 'incident.event.CONFIRM' }) action!: string;
  @ApiProperty({ description: 'What changed, as JSON text; payloadDigest is the SHA-256 of its RFC 8785 form' })
  payload!: string;
  @ApiProperty() payloadDigest!: string;
  @ApiProperty({
    description:
      'The hash of the entry before it in its chain (64 zeros for the first); empty when that entry is missing, ' +
      'which GET /audit/verify reports',
  })
  prevHash!: string;
  @ApiProperty() hash!: string;
}

export class EvidencingStepView {
  @ApiProperty() stepId!: string;
  @ApiProperty() phase!: string;
  @ApiPropertyOptional() completedAt?: string;
  @ApiPropertyOptional() completedBy?: string;
  @ApiProperty({ type: [String] }) evidence!: string[];
}

export class EvidencedRequirementView {
  @ApiProperty({ example: 'GBT39204-11.3-b' }) requirementId!: string;
  @ApiPropertyOptional({ type: BilingualText, description: 'Absent for an id the catalogue does not have' })
  title?: BilingualText;
  @ApiProperty({ type: [EvidencingStepView] }) steps!: EvidencingStepView[];
}

export class OutstandingRequirementView {
  @ApiProperty() requirementId!: string;
  @ApiPropertyOptional({ type: BilingualText, description: 'Absent for an id the catalogue does not have' })
  title?: BilingualText;
}

export class ComplianceView {
  @ApiProperty() incidentId!: string;
  @ApiProperty() reference!: string;
  @ApiProperty() drill!: boolean;
  @ApiProperty() state!: string;
  @ApiProperty({ type: [EvidencedRequirementView], description: 'Requirements completed steps evidenced' })
  evidenced!: EvidencedRequirementView[];
  @ApiProperty({
    type: [OutstandingRequirementView],
    description: 'Cited requirements no completed step evidences yet',
  })
  outstanding!: OutstandingRequirementView[];
  @ApiProperty({ type: IncidentReportRefsView }) reports!: IncidentReportRefsView;
}
