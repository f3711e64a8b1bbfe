import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { phaseIndex, PHASES, type Phase } from '../../workflows/types';
import { AuditService } from '../audit';
import type { Actor } from '../auth';
import {
  APPROVAL_TIMEOUT,
  type ApprovalRef,
  Clocks,
  EscalationLadder,
  type LadderBinding,
  type LadderState,
  TimerHandlers,
} from '../clocks';
import { durationMs, nowIso } from '../common';
import { sql } from '../database';
import type { OutboxItem } from '../outbox';
import type { PlanAction } from '../plans';
import { QUEUES, jobId } from '../queues';
import { IncidentPlanAction, type ApprovalDecision } from './incident-plan-action.entity';

/** The event a notification step's fan-out carries (rendered generically; routed by its `notify`). */
export const PLAN_NOTIFICATION_EVENT = 'plan.notification';

/** What the plan said of one step, as kept on its row. */
export interface ActionSettings {
  /** The step's place among the incident's plan actions (the plan's order). */
  order: number;
  title: PlanAction['title'];
  approval?: PlanAction['approval'];
  notify?: PlanAction['notify'];
  provider?: PlanAction['provider'];
}

/** A provider report's receipt, as the operator recorded it. */
export interface ProviderReceipt {
  reference: string;
  receivedAt: string;
  note: string | null;
  evidence: string[];
  recordedBy: string;
}

/** The incident facts a phase change needs. */
export interface ActionIncident {
  id: string;
  orgId: string;
  drill: boolean;
  grade: string;
}

interface ApprovalState extends LadderState {
  row: IncidentPlanAction;
  incident: { reference: string; drill: boolean; grade: string };
}

/**
 * The phase an incident is in, from its workflow state value: triage, the handling region's phase while
 * in response, review, reidentification; null once closed or dismissed.
 */
export function phaseOf(value: unknown): Phase | null {
  if (typeof value === 'string') return (PHASES as readonly string[]).includes(value) ? (value as Phase) : null;
  const handling = (value as { response?: { handling?: unknown } } | null)?.response?.handling;
  return typeof handling === 'string' && (PHASES as readonly string[]).includes(handling) ? (handling as Phase) : null;
}

export const settingsOf = (row: IncidentPlanAction): ActionSettings => JSON.parse(row.settings) as ActionSettings;
export const decisionsOf = (row: IncidentPlanAction): ApprovalDecision[] =>
  JSON.parse(row.decisions) as ApprovalDecision[];

const SYSTEM = (orgId: string) => ({ system: 'timers', orgId });

/**
 * An incident's approval, notification and service-provider steps (an organisation's plan, src/plans):
 * copied at declaration, and started when the incident reaches their phase, inside the transaction that
 * moves it there (IncidentEngine). An approval's timeout is a clock of the clocks module
 * (APPROVAL_TIMEOUT: its due job is the first step of the product's escalation ladder); a notification
 * becomes one fan-out with a fixed id, so it is sent once; a provider step records that the provider's
 * report is now owed. Deciding and recording receipts are PlanActionDecisions' (the API side).
 */
@Injectable()
export class PlanActions implements OnModuleInit {
  constructor(
    private readonly clocks: Clocks,
    private readonly ladder: EscalationLadder,
    private readonly handlers: TimerHandlers,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    const owner = PlanActions.name;
    // The timeout passing is the first escalation step, as for a report's acknowledgement.
    this.handlers.on(APPROVAL_TIMEOUT, 'due', (ref) => this.ladder.run(APPROVAL_TIMEOUT, ref, 1), owner);
    this.ladder.bind(APPROVAL_TIMEOUT, this.approvalLadder, owner);
  }

  /** Writes the incident's rows at declaration (all `waiting`). */
  async declared(em: EntityManager, incident: ActionIncident, actions: PlanAction[]): Promise<void> {
    const now = nowIso();
    for (const [order, a] of actions.entries()) {
      const settings: ActionSettings = {
        order,
        title: a.title,
        ...(a.approval ? { approval: a.approval } : {}),
        ...(a.notify ? { notify: a.notify } : {}),
        ...(a.provider ? { provider: a.provider } : {}),
      };
      await em.getRepository(IncidentPlanAction).insert({
        incidentId: incident.id,
        stepId: a.stepId,
        orgId: incident.orgId,
        kind: a.kind,
        phase: a.phase,
        settings: JSON.stringify(settings),
        status: 'waiting',
        decisions: '[]',
        escalationLevel: 0,
        startedAt: null,
        dueAt: null,
        doneAt: null,
        record: null,
        updatedAt: now,
      });
    }
  }

  /**
   * The incident has reached `phase`: starts every waiting step of it (and of an earlier phase, should one
   * have been passed over). Returns the outbox items (approval clocks, notifications). A step starts once:
   * its row leaves `waiting` in this transaction.
   */
  async reached(em: EntityManager, incident: ActionIncident, phase: Phase, actor: Actor): Promise<OutboxItem[]> {
    const rows = await em.getRepository(IncidentPlanAction).findBy({ incidentId: incident.id, status: 'waiting' });
    const due = rows.filter((r) => phaseIndex(r.phase as Phase) <= phaseIndex(phase));
    const items: OutboxItem[] = [];
    const now = new Date();
    const at = now.toISOString();
    for (const row of due) {
      const s = settingsOf(row);
      const ref: ApprovalRef = { incidentId: incident.id, stepId: row.stepId };
      if (row.kind === 'approval' && s.approval) {
        const dueAt = new Date(now.getTime() + durationMs(s.approval.timeout));
        await this.update(em, row, { status: 'pending', startedAt: at, dueAt: dueAt.toISOString() });
        items.push(...this.clocks.start(APPROVAL_TIMEOUT, ref, { start: now, due: dueAt, now }));
        await this.audit.append(em, {
          actor,
          orgId: incident.orgId,
          incidentId: incident.id,
          action: 'incident.approval-requested',
          payload: { stepId: row.stepId, role: s.approval.role, dueAt: dueAt.toISOString(), drill: incident.drill },
        });
      } else if (row.kind === 'notification' && s.notify) {
        await this.update(em, row, { status: 'sent', startedAt: at, doneAt: at });
        items.push({
          // Fixed per incident and step: the outbox and the deliveries (keyed by fan-out id) hold it to once.
          id: jobId('nt', incident.id, 'step', row.stepId),
          queue: QUEUES.notifications,
          kind: 'fanout',
          payload: {
            orgId: incident.orgId,
            incidentId: incident.id,
            event: PLAN_NOTIFICATION_EVENT,
            data: { stepId: row.stepId, title: s.title.zh, phase: row.phase },
            drill: incident.drill,
            grade: incident.grade,
            notify: s.notify,
          },
        });
        await this.audit.append(em, {
          actor,
          orgId: incident.orgId,
          incidentId: incident.id,
          action: 'incident.step-notification-sent',
          payload: { stepId: row.stepId, ...s.notify, drill: incident.drill },
        });
      } else if (row.kind === 'service-provider' && s.provider) {
        await this.update(em, row, { status: 'requested', startedAt: at });
        await this.audit.append(em, {
          actor,
          orgId: incident.orgId,
          incidentId: incident.id,
          action: 'incident.provider-report-requested',
          payload: { stepId: row.stepId, providerId: s.provider.providerId, drill: incident.drill },
        });
      }
    }
    return items;
  }

  /** The incident's rows, in the plan's order. */
  async of(em: EntityManager, incidentId: string): Promise<IncidentPlanAction[]> {
    const rows = await em.getRepository(IncidentPlanAction).findBy({ incidentId });
    return rows.sort((a, b) => settingsOf(a).order - settingsOf(b).order);
  }

  async one(em: EntityManager, incidentId: string, stepId: string): Promise<IncidentPlanAction | null> {
    return em.getRepository(IncidentPlanAction).findOneBy({ incidentId, stepId });
  }

  async update(em: EntityManager, row: IncidentPlanAction, change: Partial<IncidentPlanAction>): Promise<void> {
    Object.assign(row, change, { updatedAt: nowIso() });
    await em
      .getRepository(IncidentPlanAction)
      .update({ incidentId: row.incidentId, stepId: row.stepId }, { ...change, updatedAt: row.updatedAt });
  }

  /** Removes an approval clock's jobs (it was decided). */
  stopClock(incidentId: string, stepId: string): OutboxItem {
    return this.clocks.stop(APPROVAL_TIMEOUT, { incidentId, stepId }, new Date());
  }

  private readonly approvalLadder: LadderBinding<ApprovalRef, ApprovalState> = {
    load: async (em, ref) => {
      const row = await this.one(em, ref.incidentId, ref.stepId);
      if (!row) return null;
      const [incident] = await sql<{ reference: string; drill: unknown; grade: string; state: string }>(
        em,
        'SELECT reference, drill, grade, state FROM incident WHERE id = ?',
        [ref.incidentId],
      );
      if (!incident) return null;
      // An incident that ended (closed, dismissed) owes no decision any more.
      const running = incident.state !== 'closed' && incident.state !== 'dismissed';
      return {
        level: row.escalationLevel,
        overdue: running && row.status === 'pending',
        row,
        incident: { reference: incident.reference, drill: !!incident.drill, grade: incident.grade },
      };
    },
    record: async (em, ref, { row, incident }, { level, role }) => {
      await this.update(em, row, { escalationLevel: level });
      const approver = settingsOf(row).approval?.role ?? null;
      await this.audit.append(em, {
        actor: SYSTEM(row.orgId),
        orgId: row.orgId,
        incidentId: row.incidentId,
        action: level === 1 ? 'incident.approval-overdue' : 'incident.approval-escalated',
        payload: { stepId: row.stepId, approver, dueAt: row.dueAt, level, role, drill: incident.drill },
      });
      return [
        {
          id: jobId('nt', 'apv', ref.incidentId, ref.stepId, 'esc', level),
          queue: QUEUES.notifications,
          kind: 'fanout',
          payload: {
            orgId: row.orgId,
            incidentId: row.incidentId,
            event: 'escalation',
            data: { timer: `approval:${row.stepId}`, stepId: row.stepId, level, role, dueAt: row.dueAt },
            drill: incident.drill,
            grade: incident.grade,
            role,
          },
        },
      ];
    },
  };
}
