/**
 * Vocabulary shared by the workflow machines and the playbooks. This folder imports nothing from src/
 * (workflows/README.md: pure, no I/O), so the fixed domain vocabulary is declared here once and src/ may import it.
 */

export const GRADES = ['I', 'II', 'III', 'IV'] as const;
export type Grade = (typeof GRADES)[number];

/** `system` is not a user role: it is the identity the runtime uses for timer jobs and report delivery. */
export const ROLES = [
  'admin',
  'leader',
  'commander',
  'responder',
  'liaison',
  'viewer',
  'department-officer',
  'system',
] as const;
export type Role = (typeof ROLES)[number];

/** Ordered: the position decides which steps count as "earlier" (see phaseIndex). */
export const PHASES = ['triage', 'containment', 'eradication', 'recovery', 'review', 'reidentification'] as const;
export type Phase = (typeof PHASES)[number];

export function phaseIndex(phase: Phase): number {
  return PHASES.indexOf(phase);
}

export const WARNING_LEVELS = ['red', 'orange', 'yellow', 'blue'] as const;
export type WarningLevel = (typeof WARNING_LEVELS)[number];

export interface LocalizedText {
  zh: string;
  en: string;
}

export const EVIDENCE_KINDS = [
  'log',
  'sample',
  'screenshot',
  'traffic-capture',
  'disk-image',
  'memory-image',
  'document',
  'approval',
  'record',
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export interface EvidenceExpectation {
  kind: EvidenceKind;
  description: LocalizedText;
}

/** One step of a playbook, as authored. Copied into an incident's context at creation (see StepState). */
export interface StepTemplate {
  /** Unique within its playbook, kebab-case. */
  id: string;
  phase: Phase;
  title: LocalizedText;
  guidance: LocalizedText;
  /** Who may complete or reopen the step. */
  roles: Role[];
  mandatory: boolean;
  evidence: EvidenceExpectation[];
  requirements: string[];
  /** Only copied into drill incidents (应急演练): drill evaluation is meaningless for a real incident. */
  drillOnly?: boolean;
}

export interface Playbook {
  id: string;
  /** Bumped whenever the steps change; running incidents keep the steps copied into their context. */
  version: number;
  title: LocalizedText;
  /** Category codes this playbook serves directly (playbookFor walks up the taxonomy from there). */
  categories: string[];
  steps: StepTemplate[];
}

export type StepStatus = 'open' | 'done';

/** A playbook step inside an incident snapshot: the template's decision-relevant fields plus progress. */
export interface StepState {
  id: string;
  phase: Phase;
  title: LocalizedText;
  roles: Role[];
  mandatory: boolean;
  requirements: string[];
  status: StepStatus;
  completedAt?: string;
  completedBy?: string;
  completedRole?: Role;
  note?: string;
  evidence?: string[];
  reopenCount: number;
  lastReopenedAt?: string;
  lastReopenedBy?: string;
}

/**
 * `cancelled` extends the brief's pending|met|missed: a deadline whose obligation disappeared (a regrade to
 * a grade that needs no report before anything was sent) is neither met nor missed.
 */
export type DeadlineStatus = 'pending' | 'met' | 'missed' | 'cancelled';

export interface DeadlineEntry {
  /** Bumped whenever the runtime must recompute the due time; timer events carrying an older one are stale. */
  generation: number;
  status: DeadlineStatus;
  /** Reminder fractions already delivered for this generation, so a job that fires twice notifies once. */
  reminded: number[];
}

/** Params of the side-effect actions the runtime reads from `transition()` (see workflows/README.md). */
export interface ScheduleDeadlineParams {
  timer: string;
  generation: number;
}
export type CancelDeadlineParams = ScheduleDeadlineParams;

export type NotifyData = Record<string, string | number | boolean | null>;
export interface NotifyParams {
  event: string;
  data?: NotifyData;
}

/** The machine-readable shape of one side effect the runtime turns into an outbox row. */
export type WorkflowEffect =
  | { type: 'scheduleDeadline'; params: ScheduleDeadlineParams }
  | { type: 'cancelDeadline'; params: CancelDeadlineParams }
  | { type: 'notify'; params: NotifyParams };

export const EFFECT_TYPES = ['scheduleDeadline', 'cancelDeadline', 'notify'] as const;

/** Requirement IDs attached to states (meta.requirements) and transitions (meta.requirements). */
export interface RequirementMeta {
  requirements: string[];
}
