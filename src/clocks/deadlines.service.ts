import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { DeadlineIncidentsRef } from './deadline-incidents';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit';
import type { Principal } from '../auth';
import { sql, TransactionRunner } from '../database';
import { decodeCursor, encodeCursor } from '../http';
import { OutboxService } from '../outbox';
import { INCIDENT_DEADLINE } from './clock-kinds';
import { Clocks } from './clocks';
import { IncidentDeadline } from './incident-deadline.entity';

export interface DashboardQuery {
  /** Also list pending deadlines due within this many minutes (default 60). */
  withinMinutes?: number;
  /** true: drills only; false: real incidents only; absent: both. */
  drill?: boolean;
  /** At most this many deadlines (default DASHBOARD_LIMIT, at most DASHBOARD_MAX). */
  limit?: number;
  /** The previous answer's nextCursor: the deadlines after it. */
  cursor?: string;
}

export const DASHBOARD_LIMIT = 200;
export const DASHBOARD_MAX = 1000;

interface DashboardRow {
  incidentId: string;
  timer: string;
  status: string;
  dueAt: string;
  escalationLevel: number;
  acknowledgedAt: string | null;
  ruleId: string;
  reference: string;
  title: string;
  grade: string;
  drill: boolean;
  /** Pending although its due time has passed: no decision yet (its due job is late, failed or lost). */
  undecided: boolean;
}

/** The deadline dashboard across an organisation's incidents, and taking charge of an overdue deadline. */
@Injectable()
export class DeadlinesService {
  constructor(
    private readonly deadlineIncidents: DeadlineIncidentsRef,
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clocks: Clocks,
  ) {}

  /**
   * Overdue deadlines and those due within `withinMinutes`, soonest first; settled ones are left out.
   * At most `limit` a time, by cursor (due_at, incident, timer), on the index (org_id, resolved_at,
   * due_at): an organisation with tens of thousands of overdue deadlines gets a page, not all of them.
   */
  async dashboard(p: Principal, q: DashboardQuery) {
    const now = new Date();
    const limit = q.limit ?? DASHBOARD_LIMIT;
    const horizon = new Date(now.getTime() + (q.withinMinutes ?? 60) * 60_000).toISOString();
    const after = q.cursor ? decodeCursor(q.cursor, ['string', 'string', 'string']) : null;
    // Every open deadline listed is due by the horizon (a missed one was due before now).
    const rows = await sql<Omit<DashboardRow, 'drill' | 'reference' | 'title' | 'grade' | 'undecided'>>(
      this.dataSource.manager,
      'SELECT d.incident_id AS "incidentId", d.timer AS timer, d.status AS status, d.due_at AS "dueAt", ' +
        'd.escalation_level AS "escalationLevel", d.acknowledged_at AS "acknowledgedAt", d.rule_id AS "ruleId" ' +
        'FROM incident_deadline d WHERE d.org_id = ? AND d.resolved_at IS NULL AND d.due_at <= ? ' +
        "AND (d.status = 'missed' OR d.status = 'pending') " +
        (after
          ? 'AND (d.due_at > ? OR (d.due_at = ? AND (d.incident_id > ? OR (d.incident_id = ? AND d.timer > ?)))) '
          : '') +
        'ORDER BY d.due_at ASC, d.incident_id ASC, d.timer ASC LIMIT ?',
      [p.orgId, horizon, ...(after ? [after[0], after[0], after[1], after[1], after[2]] : []), limit + 1],
    );
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    // The incidents' own facts come from the incidents module (same organisation only).
    const subjects = new Map(
      (await this.deadlineIncidents.get().find(page.map((r) => r.incidentId)))
        .filter((i) => i.orgId === p.orgId)
        .map((i) => [i.id, i]),
    );
    const nowIso = now.toISOString();
    const items: DashboardRow[] = page.flatMap((r) => {
      const i = subjects.get(r.incidentId);
      if (!i || (q.drill !== undefined && i.drill !== q.drill)) return [];
      const undecided = r.status === 'pending' && r.dueAt <= nowIso;
      return [{ ...r, reference: i.reference, title: i.title, grade: i.grade, drill: i.drill, undecided }];
    });
    const last = page[page.length - 1];
    return {
      now: nowIso,
      overdue: items.filter((r) => r.status === 'missed' || r.dueAt <= nowIso),
      dueSoon: items.filter((r) => r.status === 'pending' && r.dueAt > nowIso),
      nextCursor: more && last ? encodeCursor([last.dueAt, last.incidentId, last.timer]) : null,
    };
  }

  /** Someone has taken charge of an overdue deadline: stop escalating it. */
  async acknowledge(p: Principal, incidentId: string, timer: string): Promise<IncidentDeadline> {
    if (!['commander', 'leader', 'admin'].includes(p.role))
      throw new ForbiddenException(`Role ${p.role} may not acknowledge deadlines`);
    return this.tx.run(async (em) => {
      const [incident] = await this.deadlineIncidents.get().find([incidentId], em);
      if (!incident || incident.orgId !== p.orgId) throw new NotFoundException('Incident not found');
      const row = await em.getRepository(IncidentDeadline).findOneBy({ incidentId, timer });
      if (!row) throw new NotFoundException(`No ${timer} deadline on this incident`);
      if (row.acknowledgedAt) return row;
      const now = new Date();
      row.acknowledgedAt = now.toISOString();
      row.acknowledgedBy = p.userId;
      row.updatedAt = row.acknowledgedAt;
      await em
        .getRepository(IncidentDeadline)
        .update(
          { incidentId, timer },
          { acknowledgedAt: row.acknowledgedAt, acknowledgedBy: row.acknowledgedBy, updatedAt: row.updatedAt },
        );
      await this.audit.append(em, {
        actor: p,
        incidentId,
        action: 'deadline.acknowledged',
        payload: { timer, generation: row.generation, status: row.status, escalationLevel: row.escalationLevel },
      });
      await this.outbox.add(em, [
        this.clocks.acknowledge(INCIDENT_DEADLINE, { incidentId, timer, generation: row.generation }, now),
      ]);
      return row;
    });
  }
}
