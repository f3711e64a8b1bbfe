import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { nowIso } from '../common/time';
import { bool, sql } from '../database/sql';
import { TransactionRunner } from '../database/transaction-runner';
import { escalationJob, MAX_ESCALATION_STEPS, timerJobIds } from '../deadlines/deadline-planner';
import { IncidentDeadline } from '../deadlines/incident-deadline.entity';
import { TimingPolicy } from '../deadlines/timing-policy';
import { Incident } from '../incidents/incident.entity';
import { OutboxService } from '../outbox/outbox.service';
import { QUEUES, jobId } from '../queues/queue-names';

/**
 * After a deadline passes: tell the commander, then the responsible leader, then the admin, one
 * step per configured delay, until someone acknowledges or the obligation is settled. Each step is
 * idempotent (a job that fires twice or late finds the level already reached and does nothing).
 */
@Injectable()
export class EscalationService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly timing: TimingPolicy,
  ) {}

  async escalate(incidentId: string, timer: string, generation: number, level: number): Promise<'escalated' | 'skipped'> {
    const outcome = await this.tx.run(async (em) => {
      const row = await em.getRepository(IncidentDeadline).findOneBy({ incidentId, timer });
      const steps = this.timing.escalationSteps;
      if (!row || row.generation !== generation || row.status !== 'missed' || row.acknowledgedAt || row.resolvedAt || row.escalationLevel >= level || level > steps.length) {
        return 'skipped' as const;
      }
      // The facts the message needs, not the whole row with its snapshot: escalations come in bursts.
      const [found] = await sql<{ orgId: string; drill: unknown; grade: string }>(em, 'SELECT org_id AS "orgId", drill, grade FROM incident WHERE id = ?', [incidentId]);
      if (!found) return 'skipped' as const;
      const incident = { orgId: found.orgId, drill: bool(found.drill), grade: found.grade };
      const role = steps[level - 1];
      const now = new Date();
      await em.getRepository(IncidentDeadline).update({ incidentId, timer }, { escalationLevel: level, updatedAt: now.toISOString() });
      await this.audit.append(em, {
        actor: { system: 'timers', orgId: incident.orgId }, orgId: incident.orgId, incidentId,
        action: 'deadline.escalated', payload: { timer, generation, level, role, dueAt: row.dueAt, drill: incident.drill },
      });
      const items = [{
        id: jobId('nt', incidentId, 'esc', timer, generation, level),
        queue: QUEUES.notifications,
        kind: 'fanout',
        payload: { orgId: incident.orgId, incidentId, event: 'escalation', data: { timer, level, role, dueAt: row.dueAt }, drill: incident.drill, grade: incident.grade, role },
      }];
      if (level < steps.length) items.push(escalationJob(incidentId, timer, generation, level + 1, new Date(now.getTime() + this.timing.escalationStepDelayMs)) as (typeof items)[number]);
      await this.outbox.add(em, items);
      return 'escalated' as const;
    });
    return outcome;
  }

  /** Someone has taken charge of an overdue deadline: stop escalating it. */
  async acknowledge(p: Principal, incidentId: string, timer: string): Promise<IncidentDeadline> {
    if (!['commander', 'leader', 'admin'].includes(p.role)) throw new ForbiddenException(`Role ${p.role} may not acknowledge deadlines`);
    const row = await this.tx.run(async (em) => {
      const incident = await em.getRepository(Incident).findOneBy({ id: incidentId, orgId: p.orgId });
      if (!incident) throw new NotFoundException('Incident not found');
      const row = await em.getRepository(IncidentDeadline).findOneBy({ incidentId, timer });
      if (!row) throw new NotFoundException(`No ${timer} deadline on this incident`);
      if (row.acknowledgedAt) return row;
      row.acknowledgedAt = nowIso();
      row.acknowledgedBy = p.userId;
      row.updatedAt = row.acknowledgedAt;
      await em.getRepository(IncidentDeadline).update({ incidentId, timer }, { acknowledgedAt: row.acknowledgedAt, acknowledgedBy: row.acknowledgedBy, updatedAt: row.updatedAt });
      await this.audit.append(em, { actor: p, incidentId, action: 'deadline.acknowledged', payload: { timer, generation: row.generation, status: row.status, escalationLevel: row.escalationLevel } });
      const escalations = timerJobIds(incidentId, timer, row.generation, []).slice(-MAX_ESCALATION_STEPS);
      await this.outbox.add(em, [{ id: jobId('cancel', incidentId, timer, row.generation, 'ack'), queue: QUEUES.timers, kind: 'cancel', payload: { jobIds: escalations } }]);
      return row;
    });
    return row;
  }
}
