import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { bool, sql } from '../database/sql';
import type { OutboxItem } from '../outbox/outbox.service';
import { QUEUES, jobId } from '../queues/queue-names';
import { escalationJob } from './deadline-planner';
import { TimingPolicy } from './timing-policy';

export interface EscalationFacts {
  orgId: string;
  drill: boolean;
  grade: string;
}

/**
 * One step of a missed deadline's escalation chain (commander, then leader, then admin), inside
 * the caller's transaction: raise the level, record it in the audit trail, and return the outbox
 * items (the notification, and the job for the next step after the configured delay). Idempotent:
 * a step that is stale (another generation, acknowledged, settled, level already reached) does
 * nothing. The first step runs in the transaction that records the miss (IncidentEngine); later
 * ones come from timer jobs (EscalationService).
 */
@Injectable()
export class EscalationStep {
  constructor(
    private readonly audit: AuditService,
    private readonly timing: TimingPolicy,
  ) {}

  async run(
    em: EntityManager,
    incidentId: string,
    timer: string,
    generation: number,
    level: number,
    facts?: EscalationFacts,
  ): Promise<OutboxItem[] | null> {
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
      [incidentId, timer],
    );
    const steps = this.timing.escalationSteps;
    if (
      !row ||
      Number(row.generation) !== generation ||
      row.status !== 'missed' ||
      row.acknowledged_at ||
      row.resolved_at ||
      Number(row.escalation_level) >= level ||
      level > steps.length
    ) {
      return null;
    }
    let incident = facts;
    if (!incident) {
      const [found] = await sql<{ orgId: string; drill: unknown; grade: string }>(
        em,
        'SELECT org_id AS "orgId", drill, grade FROM incident WHERE id = ?',
        [incidentId],
      );
      if (!found) return null;
      incident = { orgId: found.orgId, drill: bool(found.drill), grade: found.grade };
    }
    const role = steps[level - 1];
    const now = new Date();
    await sql(
      em,
      'UPDATE incident_deadline SET escalation_level = ?, updated_at = ? WHERE incident_id = ? AND timer = ?',
      [level, now.toISOString(), incidentId, timer],
    );
    await this.audit.append(em, {
      actor: { system: 'timers', orgId: incident.orgId },
      orgId: incident.orgId,
      incidentId,
      action: 'deadline.escalated',
      payload: { timer, generation, level, role, dueAt: row.due_at, drill: incident.drill },
    });
    const items: OutboxItem[] = [
      {
        id: jobId('nt', incidentId, 'esc', timer, generation, level),
        queue: QUEUES.notifications,
        kind: 'fanout',
        payload: {
          orgId: incident.orgId,
          incidentId,
          event: 'escalation',
          data: { timer, level, role, dueAt: row.due_at },
          drill: incident.drill,
          grade: incident.grade,
          role,
        },
      },
    ];
    if (level < steps.length)
      items.push(
        escalationJob(
          incidentId,
          timer,
          generation,
          level + 1,
          new Date(now.getTime() + this.timing.escalationStepDelayMs),
        ),
      );
    return items;
  }
}
