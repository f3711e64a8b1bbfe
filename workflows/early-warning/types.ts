import type { DeadlineEntry, WarningLevel } from '../types';

export const EARLY_WARNING_WORKFLOW_ID = 'early-warning';

export const WARNING_TIMERS = ['warning-feedback'] as const;
export type WarningTimer = (typeof WARNING_TIMERS)[number];

export interface EarlyWarningInput {
  warningId: string;
  level: WarningLevel;
}

export interface EarlyWarningContext {
  warningId: string;
  level: WarningLevel;
  deadlines: Partial<Record<WarningTimer, DeadlineEntry>>;
  /** null until assessed. */
  applicable: boolean | null;
  assessmentNote: string | null;
  actionsSummary: string | null;
  feedbackId: string | null;
}

export type EarlyWarningEvent =
  | { type: 'START_ASSESSMENT' }
  | { type: 'ASSESSED'; applicable: boolean; note?: string }
  | { type: 'ACTIONS_TAKEN'; summary?: string }
  | { type: 'FEEDBACK_SENT'; feedbackId: string }
  | { type: 'CLOSE' }
  | { type: 'DEADLINE_REMINDER'; timer: WarningTimer; generation: number; fraction: number }
  | { type: 'DEADLINE_MISSED'; timer: WarningTimer; generation: number };

export type EarlyWarningEventType = EarlyWarningEvent['type'];

export const EARLY_WARNING_EVENT_TYPES: readonly EarlyWarningEventType[] = [
  'START_ASSESSMENT',
  'ASSESSED',
  'ACTIONS_TAKEN',
  'FEEDBACK_SENT',
  'CLOSE',
  'DEADLINE_REMINDER',
  'DEADLINE_MISSED',
];
