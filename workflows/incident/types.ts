import type { DeadlineEntry, Grade, Role, StepState } from '../types';

export const INCIDENT_WORKFLOW_ID = 'incident';

/** `police-report` exists from incident version 2 on (the report to public security when a crime is suspected). */
export const INCIDENT_TIMERS = ['initial-report', 'final-report', 'police-report'] as const;
export type IncidentTimer = (typeof INCIDENT_TIMERS)[number];

export interface IncidentInput {
  incidentId: string;
  category: string;
  grade: Grade;
  drill: boolean;
  /** Whether the current grade and operator kind make reporting mandatory (decided by the runtime's rules). */
  reportingRequired: boolean;
  /** Playbook steps with status; when omitted, the category's playbook is copied in (see playbookFor). */
  steps?: StepState[];
}

export interface IncidentReports {
  /** Initial report submissions in order; a partial one may be followed by its completion. */
  initial: Array<{ reportId: string; partial: boolean }>;
  followUps: string[];
  final: string | null;
}

export interface IncidentContext {
  incidentId: string;
  category: string;
  grade: Grade;
  drill: boolean;
  reportingRequired: boolean;
  steps: StepState[];
  deadlines: Partial<Record<IncidentTimer, DeadlineEntry>>;
  reports: IncidentReports;
  dismissReason: string | null;
  /**
   * Version 2 on: the answer to "涉嫌违法犯罪?" (NCIRM-2025 Art. 4) — null until the commander decides,
   * then true or false; a later decision replaces it. Absent in version-1 snapshots.
   */
  crimeSuspected?: boolean | null;
  /** Version 2 on: reports to public security recorded by the liaison (reference as given by the police). */
  policeReports?: Array<{ reference: string; at: string }>;
}

export type IncidentEvent =
  | { type: 'CONFIRM'; grade: Grade; reportingRequired: boolean; crimeSuspected?: boolean }
  | { type: 'DISMISS'; reason: string }
  | { type: 'REGRADE'; grade: Grade; reportingRequired: boolean }
  | {
      type: 'COMPLETE_STEP';
      stepId: string;
      role: Role;
      actorId: string;
      note?: string;
      evidence?: string[];
      at: string;
    }
  | { type: 'REOPEN_STEP'; stepId: string; role: Role; actorId: string; at: string }
  | { type: 'ADVANCE' }
  // `submittedAt` and `late` are set by the runtime (version 3 decides met or missed by `late`, see machine.v3.ts).
  | { type: 'INITIAL_REPORT_SUBMITTED'; partial: boolean; reportId: string; submittedAt?: string; late?: boolean }
  | { type: 'FOLLOWUP_REPORT_SUBMITTED'; reportId: string; submittedAt?: string }
  | { type: 'FINAL_REPORT_SUBMITTED'; reportId: string; submittedAt?: string; late?: boolean }
  | { type: 'REVIEW_COMPLETED' }
  | { type: 'REIDENTIFICATION_COMPLETED' }
  | { type: 'CRIME_ASSESSED'; suspected: boolean }
  | { type: 'POLICE_REPORT_FILED'; reference: string; at: string; submittedAt?: string; late?: boolean }
  | { type: 'DEADLINE_REMINDER'; timer: IncidentTimer; generation: number; fraction: number }
  | { type: 'DEADLINE_MISSED'; timer: IncidentTimer; generation: number };

export type IncidentEventType = IncidentEvent['type'];

export const INCIDENT_EVENT_TYPES: readonly IncidentEventType[] = [
  'CONFIRM',
  'DISMISS',
  'REGRADE',
  'COMPLETE_STEP',
  'REOPEN_STEP',
  'ADVANCE',
  'INITIAL_REPORT_SUBMITTED',
  'FOLLOWUP_REPORT_SUBMITTED',
  'FINAL_REPORT_SUBMITTED',
  'REVIEW_COMPLETED',
  'REIDENTIFICATION_COMPLETED',
  'CRIME_ASSESSED',
  'POLICE_REPORT_FILED',
  'DEADLINE_REMINDER',
  'DEADLINE_MISSED',
];
