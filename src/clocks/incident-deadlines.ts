import { Injectable, OnModuleInit } from '@nestjs/common';
import { DeadlineIncidentsRef } from './deadline-incidents';
import { DataSource, EntityManager, In } from 'typeorm';
import type { WorkflowEffect } from '../../workflows/types';
import { AuditService } from '../audit';
import { type OperatorKind, nowIso } from '../common';
import { sql } from '../database';
import type { OutboxItem } from '../outbox';
import { QUEUES, jobId } from '../queues';
import { Catalogue } from '../requirements';
import { INCIDENT_DEADLINE, type IncidentDeadlineRef } from './clock-kinds';
import { Clocks } from './clocks';
import { EscalationLadder, type LadderBinding, type LadderState } from './escalation-ladder';
import { DeadlineRowStatus, IncidentDeadline } from './incident-deadline.entity';

/** Which report deadline of the rules a workflow timer stands for, and where its clock starts. */
const TIMER_REPORTS: Record<string, { kind: 'initial' | 'final' | 'police'; clock: 'detectedAt' | 'now' }> = {
  // The rules start the initial-report clock at discovery, not when someone typed the incident in.
  'initial-report': { kind: 'initial', clock: 'detectedAt' },
  // The summary report is due 30 days after handling ended: the moment of the transition that scheduled it.
  'final-report': { kind: 'final', clock: 'now' },
  // The police report (workflow version 2 on): from the moment a crime was first suspected.
  'police-report': { kind: 'police', clock: 'now' },
};

export interface DeadlineSubject {
  id: string;
  orgId: string;
  grade: string;
  detectedAt: string;
  operatorKind: OperatorKind;
  /** The organisation's sector: sector regulators' rules (requirements/reporting-rules.yaml sectorRules) key on it. */
  sector: string;
}

/** What an escalation step says about the incident; the engine has it at hand when the deadline passes. */
export interface EscalationFacts {
  orgId: string;
  drill: boolean;
  grade: string;
}

interface DeadlineState extends LadderState {
  dueAt: string;
  /** Read for overdue deadlines only: the ladder records no other. */
  facts?: EscalationFacts;
}

/**
 * Incident deadlines as clocks: turns the workflow's scheduleDeadline / cancelDeadline effects into
 * `incident_deadline` rows and the clock's jobs (due times from the reporting rules in requirements/,
 * never from literals here), copies the workflow's deadline statuses onto the rows, and escalates a
 * missed deadline (commander, leader, admin). The workflow owns status and generation; its timer
 * events come back through the engine (src/engine/incident-clocks.ts).
 */
@Injectable()
export class IncidentDeadlines implements OnModuleInit {
  constructor(
    private readonly catalogue: Catalogue,
    private readonly clocks: Clocks,
    private readonly ladder: EscalationLadder,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
    private readonly deadlineIncidents: DeadlineIncidentsRef,
  ) {}

  onModuleInit(): void {
    this.ladder.bind(INCIDENT_DEADLINE, this.binding(), IncidentDeadlines.name);
  }

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
        const { timer, generation } = effect.params;
        await sql(
          em,
          'UPDATE incident_deadline SET resolved_at = ?, updated_at = ? WHERE ' +
            'incident_id = ? AND timer = ? AND generation = ?',
          [now.toISOString(), now.toISOString(), subject.id, timer, generation],
        );
        items.push(this.clocks.stop(INCIDENT_DEADLINE, { incidentId: subject.id, timer, generation }, now));
      }
    }
    return items;
  }

  /**
   * The current state of one deadline of an incident: its generation, status and due time (null when
   * the incident never had that deadline). Read in the caller's transaction, after the incident row lock.
   */
  async state(
    em: EntityManager,
    incidentId: string,
    timer: string,
  ): Promise<{ generation: number; status: DeadlineRowStatus; dueAt: string } | null> {
    const [row] = await sql<{ generation: number | string; status: DeadlineRowStatus; due_at: string }>(
      em,
      'SELECT generation, status, due_at FROM incident_deadline WHERE incident_id = ? AND timer = ?',
      [incidentId, timer],
    );
    return row ? { generation: Number(row.generation), status: row.status, dueAt: row.due_at } : null;
  }

  /**
   * Takes the row locks of an incident's deadline rows until the transaction ends (Postgres), for a
   * transaction that will change them after rows the lock order puts later (README "Locks and
   * transactions": incident, deadlines, reports, audit chain heads). Call after locking the incident.
   */
  async lock(em: EntityManager, incidentId: string): Promise<void> {
    if (em.connection.options.type !== 'postgres') return;
    await sql(em, 'SELECT incident_id FROM incident_deadline WHERE incident_id = ? FOR UPDATE', [incidentId]);
  }

  /** The deadline rows of these incidents (the table is this module's; others read it here). */
  forIncidents(ids: readonly string[], em?: EntityManager): Promise<IncidentDeadline[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return Promise.resolve([]);
    return (em ?? this.dataSource.manager).getRepository(IncidentDeadline).findBy({ incidentId: In(unique) });
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

  /**
   * The first escalation step of a deadline that has just passed, in the transaction that records the
   * miss (the row was marked missed by syncStatuses): a burst of deadlines falling due together would
   * otherwise each queue a step due at once. The later steps are timer jobs.
   */
  firstEscalation(em: EntityManager, ref: IncidentDeadlineRef, facts: EscalationFacts): Promise<OutboxItem[] | null> {
    return this.ladder.step(em, INCIDENT_DEADLINE, ref, 1, this.binding(facts));
  }

  /** The incident-deadline rows' side of the ladder; `known` spares reading the incident again. */
  private binding(known?: EscalationFacts): LadderBinding<IncidentDeadlineRef, DeadlineState> {
    return {
      load: async (em, ref) => {
        const [row] = await sql<{
          generation: number | string;
          status: string;
          due_at: string;
          escalation_level: number | string;
          acknowledged_at: string | null;
          resolved_at: string | null;
        }>(
          em,
          'SELECT generation, status, due_at, escalation_level, acknowledged_at, ' +
            'resolved_at FROM incident_deadline WHERE incident_id = ? AND timer = ?',
          [ref.incidentId, ref.timer],
        );
        if (!row) return null;
        const overdue =
          Number(row.generation) === ref.generation &&
          row.status === 'missed' &&
          !row.acknowledged_at &&
          !row.resolved_at;
        const level = Number(row.escalation_level);
        let facts = known;
        if (!facts && overdue) {
          const [found] = await this.deadlineIncidents.get().find([ref.incidentId], em);
          if (!found) return null;
          facts = { orgId: found.orgId, drill: found.drill, grade: found.grade };
        }
        return { level, overdue, dueAt: row.due_at, facts };
      },
      record: async (em, ref, state, { level, role, now }) => {
        const { incidentId, timer, generation } = ref;
        // load reads the facts of every overdue deadline, and the ladder records no other.
        const { orgId, drill, grade } = state.facts!;
        await sql(
          em,
          'UPDATE incident_deadline SET escalation_level = ?, updated_at = ? WHERE incident_id = ? AND timer = ?',
          [level, now.toISOString(), incidentId, timer],
        );
        await this.audit.append(em, {
          actor: { system: 'timers', orgId },
          orgId,
          incidentId,
          action: 'deadline.escalated',
          payload: { timer, generation, level, role, dueAt: state.dueAt, drill },
        });
        return [
          {
            id: jobId('nt', incidentId, 'esc', timer, generation, level),
            queue: QUEUES.notifications,
            kind: 'fanout',
            payload: {
              orgId,
              incidentId,
              event: 'escalation',
              data: { timer, level, role, dueAt: state.dueAt },
              drill,
              grade,
              role,
            },
          },
        ];
      },
    };
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
    return this.clocks.start(
      INCIDENT_DEADLINE,
      { incidentId: s.id, timer, generation },
      { start: clockStart, due, now },
    );
  }
}
