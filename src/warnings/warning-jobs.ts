import type { OutboxItem } from '../outbox/outbox.service';
import { QUEUES, jobId } from '../queues/queue-names';

/** Job names this domain registers on the single timers-queue worker (TimerRegistry). */
export const WARNING_JOBS = {
  reminder: 'warning-feedback-reminder',
  due: 'warning-feedback-due',
  escalate: 'warning-feedback-escalate',
} as const;

export interface WarningTimerJobData {
  warningId: string;
  operatorOrgId: string;
  timer: string;
  generation: number;
  fraction?: number;
  level?: number;
}

/** Escalation steps are data (requirements/reporting-rules.yaml); job ids cover this many. */
export const MAX_WARNING_ESCALATION_STEPS = 10;

export const percent = (fraction: number) => Math.round(fraction * 100);

/** Deterministic ids: (warning, operator, timer, generation) plus what the job does. */
export function warningJobId(
  warningId: string,
  operatorOrgId: string,
  timer: string,
  generation: number,
  what: string,
): string {
  return jobId('wf', warningId, operatorOrgId, timer, generation, what);
}

export function warningTimerJobIds(
  warningId: string,
  operatorOrgId: string,
  timer: string,
  generation: number,
  reminders: readonly number[],
): string[] {
  return [
    ...reminders.map((f) => warningJobId(warningId, operatorOrgId, timer, generation, `r${percent(f)}`)),
    warningJobId(warningId, operatorOrgId, timer, generation, 'due'),
    ...Array.from({ length: MAX_WARNING_ESCALATION_STEPS }, (_, i) =>
      warningJobId(warningId, operatorOrgId, timer, generation, `esc${i + 1}`),
    ),
  ];
}

export function warningEscalationJob(
  warningId: string,
  operatorOrgId: string,
  timer: string,
  generation: number,
  level: number,
  at: Date,
): OutboxItem {
  return {
    id: warningJobId(warningId, operatorOrgId, timer, generation, `esc${level}`),
    queue: QUEUES.timers,
    kind: WARNING_JOBS.escalate,
    payload: { warningId, operatorOrgId, timer, generation, level } satisfies WarningTimerJobData,
    dueAt: at,
  };
}
