import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit';
import type { Principal } from '../auth';
import { badField, nowIso, toIso } from '../common';
import { sql, TransactionRunner } from '../database';
import { actorId } from '../engine';
import { OutboxService } from '../outbox';
import { ServiceProviders } from '../providers';
import type { ApprovalDecision, IncidentPlanAction } from './incident-plan-action.entity';
import { IncidentEngine, type Applied } from './incident-engine';
import { Incident } from './incident.entity';
import type { PlanActionView } from './incident.view';
import { decisionsOf, PlanActions, settingsOf, type ProviderReceipt } from './plan-actions';

/**
 * Deciding a plan's approval step and recording a service provider's report: each one audited
 * transaction that also sends the step's completion through the workflow when it completes the step, so
 * the phase gate (the workflow's) and the step's record never disagree.
 *
 * A rejection is recorded (decision, reason, who, when) and stops the approval's clock, but the step stays
 * open, so its phase stays blocked: the role decides again (yes) once what it objected to is put right.
 */
@Injectable()
export class PlanActionDecisions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly engine: IncidentEngine,
    private readonly actions: PlanActions,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly providers: ServiceProviders,
  ) {}

  async decide(
    p: Principal,
    incidentId: string,
    stepId: string,
    body: { decision: 'approve' | 'reject'; reason: string; expectedVersion?: number },
  ): Promise<Applied> {
    return this.tx.run(async (em) => {
      const row = await this.lockedRow(em, p, incidentId, stepId, 'approval');
      const approval = settingsOf(row).approval!;
      if (p.role !== approval.role)
        throw new ForbiddenException(`Only the ${approval.role} decides approval step ${stepId} (you are ${p.role})`);
      if (row.status === 'waiting')
        throw new ConflictException(`Approval step ${stepId} is in the ${row.phase} phase, not reached yet`);
      if (row.status === 'approved') throw new ConflictException(`Approval step ${stepId} is already approved`);
      const reason = body.reason.trim();
      if (!reason) throw badField('reason', 'must say why (a non-empty text)');
      const at = nowIso();
      const decision: ApprovalDecision = { decision: body.decision, reason, by: actorId(p), role: p.role, at };
      const wasPending = row.status === 'pending';
      // A rejection sends no workflow event, so it checks a stale expectedVersion itself (as the engine does).
      if (body.decision === 'reject' && body.expectedVersion !== undefined) {
        const [head] = await sql<{ version: number | string }>(em, 'SELECT version FROM incident WHERE id = ?', [
          incidentId,
        ]);
        if (Number(head?.version) !== body.expectedVersion)
          throw new ConflictException({
            message: `expectedVersion ${body.expectedVersion} is stale: the incident is at ${String(head?.version)}`,
            currentVersion: Number(head?.version),
          });
      }
      let applied: Applied | null = null;
      if (body.decision === 'approve')
        // The workflow completes the step (phase, role and version checks are its own: 409, 403).
        applied = await this.engine.applyInTransaction(
          em,
          p,
          incidentId,
          p.orgId,
          { type: 'COMPLETE_STEP', stepId, role: p.role, actorId: actorId(p), at, note: reason },
          { expectedVersion: body.expectedVersion, auditPayload: { approval: 'approve' } },
        );
      await this.actions.update(em, row, {
        status: body.decision === 'approve' ? 'approved' : 'rejected',
        decisions: JSON.stringify([...decisionsOf(row), decision]),
        ...(body.decision === 'approve' ? { doneAt: at } : {}),
      });
      await this.audit.append(em, {
        actor: p,
        incidentId,
        action: body.decision === 'approve' ? 'incident.approval-approved' : 'incident.approval-rejected',
        payload: { stepId, role: p.role, reason, escalationLevel: row.escalationLevel },
      });
      // A decision, yes or no, is what the timeout waited for.
      if (wasPending) await this.outbox.add(em, [this.actions.stopClock(incidentId, stepId)]);
      return applied ?? (await this.current(em, p, incidentId));
    });
  }

  async providerReport(
    p: Principal,
    incidentId: string,
    stepId: string,
    body: { reference: string; receivedAt?: string; note?: string; evidence: string[]; expectedVersion?: number },
  ): Promise<Applied> {
    return this.tx.run(async (em) => {
      const row = await this.lockedRow(em, p, incidentId, stepId, 'service-provider');
      if (row.status === 'received')
        throw new ConflictException(`The report of step ${stepId} was received already (${row.doneAt})`);
      const at = nowIso();
      const receivedAt = body.receivedAt ? toIso(body.receivedAt) : at;
      const provider = settingsOf(row).provider!;
      const note =
        `Report ${body.reference} of service provider ${provider.providerId}` + (body.note ? `: ${body.note}` : '');
      // The workflow completes the step: the step's roles, its phase reached (403, 409 otherwise).
      const applied = await this.engine.applyInTransaction(
        em,
        p,
        incidentId,
        p.orgId,
        {
          type: 'COMPLETE_STEP',
          stepId,
          role: p.role,
          actorId: actorId(p),
          at,
          note: note.slice(0, 5000),
          evidence: body.evidence,
        },
        { expectedVersion: body.expectedVersion, auditPayload: { providerReport: body.reference } },
      );
      const record: ProviderReceipt = {
        reference: body.reference,
        receivedAt,
        note: body.note ?? null,
        evidence: body.evidence,
        recordedBy: actorId(p),
      };
      await this.actions.update(em, row, { status: 'received', doneAt: at, record: JSON.stringify(record) });
      await this.audit.append(em, {
        actor: p,
        incidentId,
        action: 'incident.provider-report-received',
        payload: { stepId, providerId: provider.providerId, ...record },
      });
      return applied;
    });
  }

  /**
   * A plan step that has its own endpoint: completing or reopening it as a plain checklist item would
   * skip its decision or receipt. Null for every other step.
   */
  async ownEndpoint(orgId: string, incidentId: string, stepId: string): Promise<string | null> {
    const row = await this.actions.one(this.dataSource.manager, incidentId, stepId);
    if (!row || row.orgId !== orgId) return null;
    if (row.kind === 'approval') return 'approval';
    if (row.kind === 'service-provider') return 'provider-report';
    return null;
  }

  async views(orgId: string, incidentId: string): Promise<PlanActionView[]> {
    const em = this.dataSource.manager;
    const rows = await this.actions.of(em, incidentId);
    if (!rows.length) return [];
    const ids = rows.flatMap((r) => {
      const id = settingsOf(r).provider?.providerId;
      return id ? [id] : [];
    });
    const contacts = await this.providers.byIds(em, orgId, ids);
    return rows.map((r) => {
      const s = settingsOf(r);
      const view: PlanActionView = {
        stepId: r.stepId,
        kind: r.kind,
        phase: r.phase,
        title: s.title,
        status: r.status,
        startedAt: r.startedAt,
        doneAt: r.doneAt,
      };
      if (s.approval)
        view.approval = {
          role: s.approval.role,
          timeout: s.approval.timeout,
          dueAt: r.dueAt,
          escalationLevel: r.escalationLevel,
          decisions: decisionsOf(r),
        };
      if (s.notify) view.notify = { ...s.notify };
      if (s.provider) {
        const c = contacts.get(s.provider.providerId);
        view.provider = {
          providerId: s.provider.providerId,
          name: c?.name ?? null,
          contactName: c?.contactName ?? null,
          phone: c?.phone ?? null,
          email: c?.email ?? null,
          report: r.record ? (JSON.parse(r.record) as ProviderReceipt) : null,
        };
      }
      return view;
    });
  }

  /**
   * The step's row, after the incident's row lock (Postgres: the lock order every incident change takes
   * first, see IncidentEngine), so two decisions on one approval queue up. 404 for another organisation's
   * incident or a step that is not of this kind.
   */
  private async lockedRow(
    em: EntityManager,
    p: Principal,
    incidentId: string,
    stepId: string,
    kind: IncidentPlanAction['kind'],
  ): Promise<IncidentPlanAction> {
    const lock = em.connection.options.type === 'postgres' ? ' FOR UPDATE' : '';
    const [incident] = await sql<{ id: string }>(em, `SELECT id FROM incident WHERE id = ? AND org_id = ?${lock}`, [
      incidentId,
      p.orgId,
    ]);
    if (!incident) throw new NotFoundException('Incident not found');
    const row = await this.actions.one(em, incidentId, stepId);
    if (!row || row.kind !== kind)
      throw new NotFoundException(
        `Step ${JSON.stringify(stepId.slice(0, 100))} is no ${kind} step of this incident's plan`,
      );
    return row;
  }

  private async current(em: EntityManager, p: Principal, incidentId: string): Promise<Applied> {
    const incident = await em.getRepository(Incident).findOneByOrFail({ id: incidentId, orgId: p.orgId });
    return { incident, snapshot: await this.engine.snapshotOf(em, incident) };
  }
}
