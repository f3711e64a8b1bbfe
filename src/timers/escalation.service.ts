import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { nowIso } from '../common/time';
import { TransactionRunner } from '../database/transaction-runner';
import { MAX_ESCALATION_STEPS, timerJobIds } from '../deadlines/deadline-planner';
import { IncidentDeadline } from '../deadlines/incident-deadline.entity';
import { EscalationStep } from '../deadlines/escalation-step';
import { Incident } from '../incidents/incident.entity';
import { OutboxService } from '../outbox/outbox.service';
import { QUEUES, jobId } from '../queues/queue-names';

/**
 * After a deadline passes: tell the commander, then the responsible leader, then the admin, one
 * step per configured delay, until someone acknowledges or the obligation is settled. Each step is
 * idempotent (a job that fires twice or late finds the level already reached and does nothing).
 * The first step runs with the miss itself (IncidentEngine); the steps after it are timer jobs.
 */
@Injectable()
export class EscalationService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly step: EscalationStep,
  ) {}

  async escalate(
    incidentId: string,
    timer: string,
    generation: number,
    level: number,
  ): Promise<'escalated' | 'skipped'> {
    return this.tx.run(async (em) => {
      const items = await this.step.run(em, incidentId, timer, generation, level);
      if (!items) return 'skipped' as const;
      await this.outbox.add(em, items);
      return 'escalated' as const;
    });
  }

  /** Someone has taken charge of an overdue deadline: stop escalating it. */
  async acknowledge(p: Principal, incidentId: string, timer: string): Promise<IncidentDeadline> {
    if (!['commander', 'leader', 'admin'].includes(p.role))
      throw new ForbiddenException(`Role ${p.role} may not acknowledge deadlines`);
    const row = await this.tx.run(async (em) => {
      const incident = await em.getRepository(Incident).findOneBy({ id: incidentId, orgId: p.orgId });
      if (!incident) throw new NotFoundException('Incident not found');
      const row = await em.getRepository(IncidentDeadline).findOneBy({ incidentId, timer });
      if (!row) throw new NotFoundException(`No ${timer} deadline on this incident`);
      if (row.acknowledgedAt) return row;
      row.acknowledgedAt = nowIso();
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
      const escalations = timerJobIds(incidentId, timer, row.generation, []).slice(-MAX_ESCALATION_STEPS);
      await this.outbox.add(em, [
        {
          id: jobId('cancel', incidentId, timer, row.generation, 'ack'),
          queue: QUEUES.timers,
          kind: 'cancel',
          payload: { jobIds: escalations },
        },
      ]);
      return row;
    });
    return row;
  }
}
