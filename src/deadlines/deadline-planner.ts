import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { WorkflowEffect } from '../../workflows/types';
import type { OperatorKind } from '../common/roles';
import { nowIso } from '../common/time';
import { sql } from '../database/sql';
import type { OutboxItem } from '../outbox/outbox.service';
import { QUEUES, jobId } from '../queues/queue-names';
import { Catalogue } from '../requirements/catalogue';
import { DeadlineRowStatus, IncidentDeadline } from './incident-deadline.entity';
import { TimingPolicy } from './timing-policy';

/** Which report deadline of the rules a workflow timer stands for, and where its clock starts. */
const TIMER_REPORTS: Record<string, { kind: 'initial' | 'final' | 'police'; clock: 'detectedAt' | 'now' }> = {
  // The rules start the initial-report clock at discovery, not when someone typed the incident in.
  'initial-report': { kind: 'initial', clock: 'detectedAt' },
  // The summary report is due 30 days after handling ended: the moment of the transition that scheduled it.
  'final-report': { kind: 'final', clock: 'now' },
  // The police report (workflow version 2 on): from the moment a crime was first suspected.
  'police-report': { kind: 'police', clock: 'now' },
};

/** The number of escalation steps is data (requirements/reporting-rules.yaml); job ids cover them all. */
export const MAX_ESCALATION_STEPS = 10;

export interface DeadlineSubject {
  id: string;
  orgId: string;
  grade: string;
  detectedAt: string;
  operatorKind: OperatorKind;
  /** The organisation's sector: sector regulators' rules (requirements/reporting-rules.yaml sectorRules) key on it. */
  sector: string;
}

export function escalationJob(
  incidentId: string,
  timer: string,
  generation: number,
  level: number,
  at: Date,
): OutboxItem {
  return {
    id: jobId('dl', incidentId, timer, generation, `esc${level}`),
    queue: QUEUES.timers,
    kind: 'deadline-escalate',
    payload: { incidentId, timer, generation, level },
    dueAt: at,
  };
}

export const reminderPercent = (fraction: number) => Math.round(fraction * 100);

/** Deterministic job ids: (incident, timer, generation) plus what the job does. */
export function timerJobIds(
  incidentId: string,
  timer: string,
  generation: number,
  reminders: readonly number[],
): string[] {
  return [
    ...reminders.map((f) => jobId('dl', incidentId, timer, generation, `r${reminderPercent(f)}`)),
    jobId('dl', incidentId, timer, generation, 'due'),
    ...Array.from({ length: MAX_ESCALATION_STEPS }, (_, i) =>
      jobId('dl', incidentId, timer, generation, `esc${i + 1}`),
    ),
  ];
}

/**
 * Turns the workflow's scheduleDeadline / cancelDeadline effects into deadline rows and delayed
 * timer jobs (written to the outbox, so they reach Redis only after commit). Due times come from
 * the reporting rules in requirements/, never from literals here.
 */
@Injectable()
export class DeadlinePlanner {
  constructor(
    private readonly catalogue: Catalogue,
    private readonly timing: TimingPolicy,
  ) {}

  async plan(
    em: EntityManager,
    subject: DeadlineSubject,
    effects: WorkflowEffect[],
    now = new Date(),
  ): Promise<OutboxItem[]> {
    const items: OutboxItem[] = [];
    for (const effect of effects) {
      if (effect.type === 'scheduleDeadline')
        items.push(...(await this.schedule(em, subject, effect.params.timer, effect.params.generation, now)));
      if (effect.type === 'cancelDeadline') {
        await sql(
          em,
          'UPDATE incident_deadline SET resolved_at = ?, updated_at = ? WHERE ' +
            'incident_id = ? AND timer = ? AND generation = ?',
          [now.toISOString(), now.toISOString(), subject.id, effect.params.timer, effect.params.generation],
        );
        items.push({
          id: jobId('cancel', subject.id, effect.params.timer, effect.params.generation, now.getTime()),
          queue: QUEUES.timers,
          kind: 'cancel',
          payload: {
            jobIds: timerJobIds(subject.id, effect.params.timer, effect.params.generation, this.timing.reminders),
          },
        });
      }
    }
    return items;
  }

  /** Copies changed statuses from the workflow context onto the deadline rows. */
  async syncStatuses(
    em: EntityManager,
    incidentId: string,
    before: Record<string, { generation: number; status: DeadlineRowStatus } | undefined>,
    after: Record<string, { generation: number; status: DeadlineRowStatus } | undefined>,
  ): Promise<void> {
    for (const [timer, entry] of Object.entries(after)) {
      if (!entry) continue;
      const was = before[timer];
      if (was && was.generation === entry.generation && was.status === entry.status) continue;
      await sql(
        em,
        'UPDATE incident_deadline SET status = ?, updated_at = ? WHERE ' +
          'incident_id = ? AND timer = ? AND generation = ?',
        [entry.status, nowIso(), incidentId, timer, entry.generation],
      );
    }
  }

  private async schedule(
    em: EntityManager,
    s: DeadlineSubject,
    timer: string,
    generation: number,
    now: Date,
  ): Promise<OutboxItem[]> {
    const spec = TIMER_REPORTS[timer];
    if (!spec) throw new Error(`no reporting rule maps workflow timer ${timer}`);
    // A later generation of the same timer (a regrade) keeps the moment its clock started: regrading
    // during the summary-report window must not restart the 30 days.
    const previous =
      generation > 1
        ? (
            await sql<{ clock_started_at: string }>(
              em,
              'SELECT clock_started_at FROM incident_deadline WHERE incident_id = ? AND timer = ?',
              [s.id, timer],
            )
          )[0]
        : undefined;
    const clockStart =
      spec.clock === 'detectedAt' ? new Date(s.detectedAt) : previous ? new Date(previous.clock_started_at) : now;
    let ruleId: string;
    let due: Date;
    if (spec.kind === 'police') {
      // Every operator kind and grade: no reporting rule is looked up.
      ruleId = this.catalogue.policeReport.id;
      due = this.catalogue.policeReportDeadline(clockStart);
    } else {
      const rule = this.catalogue.ruleFor(s.operatorKind, s.grade as never);
      // The workflow only schedules report deadlines when the rules require a report; a rule missing
      // here means the grade changed under it, and the next transition cancels the timer.
      if (!rule) return [];
      ruleId = rule.id;
      due =
        spec.kind === 'initial'
          ? this.catalogue.initialDeadline(
              rule,
              this.catalogue.sectorRulesFor(s.sector, s.operatorKind, s.grade as never),
              clockStart,
            )
          : this.catalogue.reportDeadline(rule, spec.kind, clockStart);
    }
    const row: IncidentDeadline = {
      incidentId: s.id,
      orgId: s.orgId,
      timer,
      generation,
      status: 'pending',
      ruleId,
      clockStartedAt: clockStart.toISOString(),
      dueAt: due.toISOString(),
      escalationLevel: 0,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      updatedAt: now.toISOString(),
    };
    await em.getRepository(IncidentDeadline).save(row);

    const items: OutboxItem[] = [];
    const window = due.getTime() - clockStart.getTime();
    for (const fraction of this.timing.reminders) {
      const at = new Date(clockStart.getTime() + window * fraction);
      // A reminder whose moment has already passed (an incident entered late) would only be noise
      // next to the ones still ahead; the deadline job itself is always scheduled.
      if (at.getTime() <= now.getTime()) continue;
      items.push({
        id: jobId('dl', s.id, timer, generation, `r${reminderPercent(fraction)}`),
        queue: QUEUES.timers,
        kind: 'deadline-reminder',
        payload: { incidentId: s.id, timer, generation, fraction },
        dueAt: at,
      });
    }
    items.push({
      id: jobId('dl', s.id, timer, generation, 'due'),
      queue: QUEUES.timers,
      kind: 'deadline-due',
      payload: { incidentId: s.id, timer, generation },
      dueAt: due,
    });
    return items;
  }
}
