import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { DeadlineIncidentsRef } from './deadline-incidents';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit';
import type { Principal } from '../auth';
import { sql, TransactionRunner } from '../database';
import { OutboxService } from '../outbox';
import { INCIDENT_DEADLINE } from './clock-kinds';
import { Clocks } from './clocks';
import { IncidentDeadline } from './incident-deadline.entity';

export interface DashboardQuery {
  /** Also list pending deadlines due within this many minutes (default 60). */
  withinMinutes?: number;
  /** true: drills only; false: real incidents only; absent: both. */
  drill?: boolean;
}

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

  /** Overdue deadlines and those due within `withinMinutes`, soonest first; settled ones are left out. */
  async dashboard(p: Principal, q: DashboardQuery) {
    const now = new Date();
    const horizon = new Date(now.getTime() + (q.withinMinutes ?? 60) * 60_000).toISOString();
    const rows = await sql<Omit<DashboardRow, 'drill' | 'reference' | 'title' | 'grade' | 'undecided'>>(
      this.dataSource.manager,
      'SELECT d.incident_id AS "incidentId", d.timer AS timer, d.status AS status, d.due_at AS "dueAt", ' +
        'd.escalation_level AS "escalationLevel", d.acknowledged_at AS "acknowledgedAt", d.rule_id AS "ruleId" ' +
        'FROM incident_deadline d WHERE d.org_id = ? AND d.resolved_at IS NULL ' +
        "AND (d.status = 'missed' OR (d.status = 'pending' AND d.due_at <= ?)) ORDER BY d.due_at ASC",
      [p.orgId, horizon],
    );
    // The incidents' own facts come from the incidents module (same organisation only).
    const subjects = new Map(
      (await this.deadlineIncidents.get().find(rows.map((r) => r.incidentId)))
        .filter((i) => i.orgId === p.orgId)
        .map((i) => [i.id, i]),
    );
    const nowIso = now.toISOString();
    const items: DashboardRow[] = rows.flatMap((r) => {
      const i = subjects.get(r.incidentId);
      if (!i || (q.drill !== undefined && i.drill !== q.drill)) return [];
      const undecided = r.status === 'pending' && r.dueAt <= nowIso;
      return [{ ...r, reference: i.reference, title: i.title, grade: i.grade, drill: i.drill, undecided }];
    });
    return {
      now: nowIso,
      overdue: items.filter((r) => r.status === 'missed' || r.dueAt <= nowIso),
      dueSoon: items.filter((r) => r.status === 'pending' && r.dueAt > nowIso),
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
