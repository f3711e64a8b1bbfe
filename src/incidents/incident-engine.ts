import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { AnyMachineSnapshot } from 'xstate';
import { EntityManager } from 'typeorm';
import { INCIDENT_WORKFLOW_ID, initialSteps, latestWorkflow, playbookFor, toStepState } from '../../workflows';
import { findStep, openMandatorySteps, stepDefinition, type StepDefinition } from '../../workflows/incident/steps';
import type { IncidentContext } from '../../workflows/incident/types';
import type { Phase, WorkflowEffect, Role as WorkflowRole } from '../../workflows/types';
import { AuditService } from '../audit';
import { Organisations } from '../accounts';
import { isSystemActor, type Actor } from '../auth';
import { badField, type Grade, type OperatorKind, nowIso, toIso, VersionedCache } from '../common';
import { IncidentDeadlines } from '../clocks';
import { nextSequenceValue, bool, sql, TransactionRunner } from '../database';
import { Incident } from './incident.entity';
import { OutboxService, type OutboxItem } from '../outbox';
import { QUEUES, jobId } from '../queues';
import { Catalogue } from '../requirements';
import { PlanStore } from '../plans';
import { PlanActions, phaseOf } from './plan-actions';
import {
  actorId,
  actorRole,
  WorkflowEngine,
  type ApplyOptions,
  type EngineEvent,
  type WorkflowKind,
  RECENT_SNAPSHOTS,
  WorkflowRuntime,
} from '../engine';

export type { ApplyOptions, EngineEvent };

export interface Declaration {
  title: string;
  description: string;
  category: string;
  grade: Grade;
  detectedAt: string;
  occurredAt: string | null;
  affectedSystems: string[];
  affectedBusiness: string[];
  drill: boolean;
  impact: Record<string, string | number | boolean> | null;
  /**
   * Run exactly this version of one of the organisation's plans instead of the category's active plan
   * (a drill of a plan version, src/drills); 409 `plan-version-gone` when it no longer exists.
   */
  plan?: { planId: string; version: number };
  /**
   * More work in the declaration's transaction, after the incident row is written (a drill records
   * that it started): throwing rolls the declaration back.
   */
  within?: (em: EntityManager, incident: Incident) => Promise<void>;
}

export interface Applied {
  incident: Incident;
  snapshot: AnyMachineSnapshot;
}

/** The deadline each report event meets: its submission time against the deadline's due time decides. */
const REPORT_TIMERS: Record<string, string | undefined> = {
  INITIAL_REPORT_SUBMITTED: 'initial-report',
  FINAL_REPORT_SUBMITTED: 'final-report',
  POLICE_REPORT_FILED: 'police-report',
};

/** Incident rows kept in memory (about 1 kB each, without the snapshot): one per remembered snapshot. */
const RECENT_ROWS = RECENT_SNAPSHOTS;

interface OrgTerms {
  operatorKind: OperatorKind | null;
  sector: string;
}

/**
 * Incidents as a registration of the workflow engine (src/engine/workflow-engine.ts): declaration,
 * events, step completion. Nothing else writes an incident's workflow state; timers and workers call
 * `apply` like any other caller. Rows, snapshots and step definitions of the incidents being worked
 * on are kept in memory by version, so the hot path reads only the version column.
 */
@Injectable()
export class IncidentEngine {
  /** Rows of the incidents being worked on, by version (see loadIncident). */
  private readonly rows = new VersionedCache<Incident>(RECENT_ROWS);
  /** Their step definitions (never change: one "version", 0). */
  private readonly definitions = new VersionedCache<StepDefinition[]>(RECENT_ROWS);

  constructor(
    private readonly tx: TransactionRunner,
    private readonly engine: WorkflowEngine,
    private readonly runtime: WorkflowRuntime,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly deadlines: IncidentDeadlines,
    private readonly catalogue: Catalogue,
    private readonly organisations: Organisations,
    private readonly plans: PlanStore,
    private readonly actions: PlanActions,
  ) {}

  reportingRequired(operatorKind: OperatorKind | null, grade: Grade): boolean {
    return !!operatorKind && !!this.catalogue.ruleFor(operatorKind, grade);
  }

  async declare(actor: Actor & { orgId: string }, d: Declaration): Promise<Applied> {
    if (!this.catalogue.isCategory(d.category))
      throw badField('category', `category ${d.category} is not in the taxonomy (GET /api/v1/taxonomy)`);
    const workflow = latestWorkflow(INCIDENT_WORKFLOW_ID)!;
    const result = await this.tx.run(async (em) => {
      const org = await this.organisations.get(actor.orgId, em);
      const id = randomUUID();
      // The organisation's own active plan for the category when it has one, else the shipped playbook;
      // either way the steps are recorded below (playbook_steps, named from incident_playbook with the source).
      const facts = {
        category: d.category,
        grade: d.grade,
        drill: d.drill,
        personalInformation: Number(d.impact?.personalInfoPersons ?? 0) > 0,
      };
      const plan = d.plan
        ? await this.plans.resolveVersion(em, actor.orgId, d.plan, facts)
        : await this.plans.resolve(em, actor.orgId, facts);
      if (d.plan && !plan)
        throw new ConflictException({
          message: `plan ${d.plan.planId} has no version ${d.plan.version} any more`,
          code: 'plan-version-gone',
        });
      const playbook = plan
        ? null
        : playbookFor(d.category, (code) => this.catalogue.category(code)?.parent ?? undefined);
      const playbookRef = plan ? plan.ref : `${playbook!.id}@${playbook!.version}`;
      const started = this.runtime.start(workflow.id, workflow.version, {
        incidentId: id,
        category: d.category,
        grade: d.grade,
        drill: d.drill,
        reportingRequired: this.reportingRequired(org.operatorKind, d.grade),
        steps: plan ? plan.steps.map(toStepState) : initialSteps(playbook!, d.drill),
      });
      const now = nowIso();
      const year = now.slice(0, 4);
      const n = await nextSequenceValue(em, `incident:${actor.orgId}:${year}`);
      const incident = em.getRepository(Incident).create({
        id,
        orgId: actor.orgId,
        reference: `INC-${year}-${String(n).padStart(6, '0')}`,
        title: d.title,
        description: d.description,
        category: d.category,
        grade: d.grade,
        state: this.runtime.topState(started.snapshot),
        drill: d.drill,
        detectedAt: toIso(d.detectedAt),
        occurredAt: d.occurredAt ? toIso(d.occurredAt) : null,
        affectedSystems: d.affectedSystems,
        affectedBusiness: d.affectedBusiness,
        impact: d.impact,
        workflowId: workflow.id,
        workflowVersion: workflow.version,
        snapshot: this.runtime.serialise(started.snapshot),
        version: 1,
        createdBy: actorId(actor),
        createdAt: now,
        updatedAt: now,
      });
      await em.getRepository(Incident).insert(incident);
      // The step definitions, once: the snapshot keeps only the steps' progress (WorkflowRuntime.serialise).
      // Stored once per distinct text (every incident of a playbook version has the same), named by its hash.
      const definitions = (started.snapshot.context as IncidentContext).steps.map(stepDefinition);
      const steps = JSON.stringify(definitions);
      const stepsHash = createHash('sha256').update(steps, 'utf8').digest('hex');
      await sql(em, 'INSERT INTO playbook_steps (hash, steps) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING', [
        stepsHash,
        steps,
      ]);
      await sql(em, 'INSERT INTO incident_playbook (incident_id, playbook, steps_hash) VALUES (?, ?, ?)', [
        id,
        playbookRef,
        stepsHash,
      ]);
      // A plan version with incidents on it cannot be deleted.
      if (plan) await this.plans.pin(em, plan.versionId, id);
      this.tx.afterCommit(em, () => {
        this.definitions.set(id, 0, definitions);
        this.remember(incident, started.snapshot);
      });
      const entry = await this.audit.append(em, {
        actor,
        action: 'incident.declared',
        incidentId: id,
        payload: {
          reference: incident.reference,
          title: incident.title,
          category: incident.category,
          grade: incident.grade,
          drill: incident.drill,
          detectedAt: incident.detectedAt,
          playbook: playbookRef,
          workflow: `${workflow.id}@${workflow.version}`,
        },
      });
      // After the declaration's own entry: the plan's approval, notification and service-provider steps,
      // those of the first phase started.
      const started0: OutboxItem[] = [];
      if (plan?.actions.length) {
        await this.actions.declared(em, incident, plan.actions);
        const phase = phaseOf(started.snapshot.value);
        if (phase) started0.push(...(await this.actions.reached(em, incident, phase, actor)));
      }
      if (d.within) await d.within(em, incident);
      const items = await this.effectsToOutbox(
        em,
        incident,
        { operatorKind: org.operatorKind, sector: org.sector },
        started,
        entry.seq,
      );
      items.push(this.notification(incident, 'incident.declared', {}, entry.seq, 'declared'));
      items.push(...started0);
      await this.outbox.add(em, items);
      return { incident, snapshot: started.snapshot };
    });
    return result;
  }

  /**
   * Applies one event. 404 for an incident of another organisation, 403 when the actor's role may
   * not send this event type, 409 when the machine does not accept it now (with the events it does
   * accept) or when `expectedVersion` is stale.
   */
  async apply(
    actor: Actor,
    incidentId: string,
    orgId: string,
    event: EngineEvent,
    opts: ApplyOptions = {},
  ): Promise<Applied> {
    const result = await this.tx.run((em) => this.applyInTransaction(em, actor, incidentId, orgId, event, opts));
    return result;
  }

  /**
   * `apply` inside the caller's transaction, so another domain can commit its own change and the
   * workflow event together (a report marked submitted and INITIAL_REPORT_SUBMITTED). Same checks
   * and errors as `apply`; a thrown error rolls the caller's whole transaction back. The outbox
   * rows it writes wake the relay when the caller's transaction commits.
   */
  async applyInTransaction(
    em: EntityManager,
    actor: Actor,
    incidentId: string,
    orgId: string,
    event: EngineEvent,
    opts: ApplyOptions = {},
  ): Promise<Applied> {
    const timer = REPORT_TIMERS[event.type];
    if (timer && typeof event.submittedAt === 'string')
      await this.missLateReportOnOldVersions(em, incidentId, orgId, timer, event.submittedAt);
    const t = await this.engine.applyIn(em, this.kind(), actor, { id: incidentId, orgId }, event, opts);
    return { incident: t.instance, snapshot: t.after };
  }

  /**
   * Workflow versions 1 and 2 cannot tell a late report from one in time (version 3 can: `late`): for
   * an incident on them, a report submitted after its due time whose deadline is still pending (the due
   * timer has not run yet) first records the miss, as the timer would have, in the same transaction.
   */
  private async missLateReportOnOldVersions(
    em: EntityManager,
    incidentId: string,
    orgId: string,
    timer: string,
    submittedAt: string,
  ): Promise<void> {
    const [row] = await sql<{ workflow_version: number | string }>(
      em,
      `SELECT workflow_version FROM incident WHERE id = ? AND org_id = ?${rowLock(em)}`,
      [incidentId, orgId],
    );
    if (!row || Number(row.workflow_version) >= 3) return;
    const deadline = await this.deadlines.state(em, incidentId, timer);
    if (!deadline || deadline.status !== 'pending' || submittedAt <= deadline.dueAt) return;
    try {
      await this.engine.applyIn(
        em,
        this.kind(),
        { system: 'timers', orgId },
        { id: incidentId, orgId },
        { type: 'DEADLINE_MISSED', timer, generation: deadline.generation },
      );
    } catch (err) {
      // Not accepted now (the incident left the state that owns the deadline): the report event decides.
      if (!(err instanceof ConflictException)) throw err;
    }
  }

  /** The incident as a registration of the workflow engine. */
  private kind(): WorkflowKind<Incident, { id: string; orgId: string }> {
    // The organisation's terms, read at most once per event (enrich and effects both need them).
    let terms: OrgTerms | undefined;
    const termsOnce = async (em: EntityManager, actor: Actor, orgId: string) =>
      (terms ??= await this.termsFor(em, actor, orgId));
    return {
      noun: 'Incident',
      load: (em, key) => this.loadIncident(em, key.id, key.orgId),
      snapshotOf: (em, incident) => this.snapshotOf(em, incident),
      authorise: (_incident, snapshot, event, role) => {
        if (event.type !== 'COMPLETE_STEP' && event.type !== 'REOPEN_STEP') return;
        // A clearer answer than the machine's 409: the step does not exist (404) or is not this role's (403).
        const steps = (snapshot.context as IncidentContext).steps;
        const step = findStep(steps, String(event.stepId));
        if (!step) {
          const ids = steps.map((s) => s.id);
          throw new NotFoundException({
            message:
              `Step ${JSON.stringify(String(event.stepId).slice(0, 100))} ` +
              `is not in this incident's playbook; its steps: ${ids.join(', ')}`,
            steps: ids,
          });
        }
        if (!step.roles.includes(role)) {
          throw new ForbiddenException(
            `Role ${role} may not ${event.type === 'COMPLETE_STEP' ? 'complete' : 'reopen'} ` +
              `step ${step.id} (allowed: ${step.roles.join(', ')})`,
          );
        }
      },
      enrich: async (em, incident, event, actor) => {
        const terms = await termsOnce(em, actor, incident.orgId);
        const enriched = this.enrich(event, terms.operatorKind, actor);
        // A report meets its deadline by its submission time (workflow version 3 reads `late`).
        const timer = REPORT_TIMERS[event.type];
        if (!timer || typeof event.submittedAt !== 'string') return enriched;
        const deadline = await this.deadlines.state(em, incident.id, timer);
        return deadline ? { ...enriched, late: event.submittedAt > deadline.dueAt } : enriched;
      },
      refusal: (incident, snapshot, event, role) => {
        const allowedEvents = this.allowedEvents(incident, snapshot, role);
        // An event held back by open mandatory steps says which, so the caller knows what to finish.
        const phase = phaseGating(event.type, snapshot.value);
        const open = phase ? openMandatorySteps((snapshot.context as IncidentContext).steps, phase) : [];
        if (open.length === 0)
          return new ConflictException({
            message: `${event.type} is not accepted in state ${JSON.stringify(snapshot.value)}`,
            allowedEvents,
            state: snapshot.value,
          });
        return new ConflictException({
          message:
            `${event.type} is not accepted while mandatory steps are open: ` +
            `${open.map((s) => `${s.id} (${s.title.en} / ${s.title.zh})`).join(', ')}`,
          allowedEvents,
          state: snapshot.value,
          openMandatorySteps: open.map((s) => ({ id: s.id, phase: s.phase, title: s.title, roles: s.roles })),
        });
      },
      audited: (t, opts) => ({
        actor: t.actor,
        orgId: t.instance.orgId,
        incidentId: t.instance.id,
        action: `incident.event.${t.sent.type}`,
        payload: {
          event: { ...t.sent, ...(opts.auditPayload ?? {}) },
          // Whether a report met its deadline, as decided from its submission time (metrics rebuild it from here).
          ...('late' in t.event && typeof t.event.late === 'boolean' ? { late: t.event.late } : {}),
          fromState: t.fromState,
          toState: this.runtime.topState(t.after),
          stateValue: t.after.value as never,
          version: t.previousVersion + 1,
          drill: t.instance.drill,
        },
      }),
      effects: async (em, t, auditSeq) => {
        const incident = t.instance;
        const context = t.after.context as IncidentContext;
        incident.grade = context.grade;
        const terms = await termsOnce(em, t.actor, incident.orgId);
        const items = await this.effectsToOutbox(em, incident, terms, t, auditSeq);
        await this.deadlines.syncStatuses(
          em,
          incident.id,
          (t.before.context as IncidentContext).deadlines as never,
          context.deadlines as never,
        );
        // A passed deadline takes the first escalation step in the transaction that records it (the
        // row is marked missed just above); the later steps are timer jobs.
        for (const e of t.effects) {
          if (e.type !== 'notify' || e.params.event !== 'deadline.missed' || !e.params.data) continue;
          const { timer, generation } = e.params.data as { timer: string; generation: number };
          const escalation = await this.deadlines.firstEscalation(
            em,
            { incidentId: incident.id, timer, generation },
            { orgId: incident.orgId, drill: incident.drill, grade: incident.grade },
          );
          if (escalation) items.push(...escalation);
        }
        // Reaching a phase starts its approval, notification and service-provider steps (a plan's).
        const phase = phaseOf(t.after.value);
        if (phase && phase !== phaseOf(t.before.value))
          items.push(...(await this.actions.reached(em, incident, phase, t.actor)));
        return items;
      },
      save: async (em, t) => {
        const incident = t.instance;
        incident.snapshot = this.runtime.serialise(t.after);
        incident.state = this.runtime.topState(t.after);
        incident.version = t.previousVersion + 1;
        incident.updatedAt = nowIso();
        const updated = await sql(
          em,
          'UPDATE incident SET snapshot = ?, state = ?, grade = ?, version = ?, ' +
            'updated_at = ? WHERE id = ? AND version = ? RETURNING id',
          [
            incident.snapshot,
            incident.state,
            incident.grade,
            incident.version,
            incident.updatedAt,
            incident.id,
            t.previousVersion,
          ],
        );
        return updated.length > 0;
      },
      committed: (t) => this.remember(t.instance, t.after),
    };
  }

  /**
   * The event types POST /incidents/:id/events accepts now from `role`. Completing and reopening a
   * step are machine events too, but they have their own endpoints, which that route refuses.
   */
  allowedEvents(incident: Incident, snapshot: AnyMachineSnapshot, role: WorkflowRole): string[] {
    return this.runtime
      .allowed(incident.workflowId, incident.workflowVersion, snapshot, role)
      .filter((t) => t !== 'COMPLETE_STEP' && t !== 'REOPEN_STEP');
  }

  /** Step completion, with 404 for an unknown step and 403 for a role the playbook does not allow. */
  async stepEvent(
    actor: Actor,
    incidentId: string,
    orgId: string,
    stepId: string,
    kind: 'COMPLETE_STEP' | 'REOPEN_STEP',
    fields: { note?: string; evidence?: string[]; reason?: string; expectedVersion?: number },
  ): Promise<Applied> {
    const role = actorRole(actor);
    const at = nowIso();
    const event: EngineEvent =
      kind === 'COMPLETE_STEP'
        ? {
            type: kind,
            stepId,
            role,
            actorId: actorId(actor),
            at,
            ...(fields.note !== undefined ? { note: fields.note } : {}),
            ...(fields.evidence ? { evidence: fields.evidence } : {}),
          }
        : { type: kind, stepId, role, actorId: actorId(actor), at };
    return this.apply(actor, incidentId, orgId, event, {
      expectedVersion: fields.expectedVersion,
      auditPayload: fields.reason ? { reason: fields.reason } : undefined,
    });
  }

  /** Adds what only the runtime knows: whether the rules require reports at the new grade. */
  private enrich(event: EngineEvent, operatorKind: OperatorKind | null, actor: Actor): EngineEvent {
    if (event.type === 'CONFIRM' || event.type === 'REGRADE') {
      return { ...event, reportingRequired: this.reportingRequired(operatorKind, event.grade as Grade) };
    }
    if (event.type === 'COMPLETE_STEP' || event.type === 'REOPEN_STEP') return { ...event, role: actorRole(actor) };
    // The machine keeps no clock: the moment a police report was recorded travels in the event.
    if (event.type === 'POLICE_REPORT_FILED')
      return { ...event, at: typeof event.submittedAt === 'string' ? event.submittedAt : nowIso() };
    return event;
  }

  private async effectsToOutbox(
    em: EntityManager,
    incident: Incident,
    terms: OrgTerms,
    stepped: { effects: WorkflowEffect[] },
    auditSeq: number,
  ): Promise<OutboxItem[]> {
    const subject = {
      id: incident.id,
      orgId: incident.orgId,
      grade: incident.grade,
      detectedAt: incident.detectedAt,
      operatorKind: terms.operatorKind ?? 'other',
      sector: terms.sector,
    };
    const items = await this.deadlines.plan(em, subject, stepped.effects);
    stepped.effects.forEach((e, i) => {
      if (e.type === 'notify')
        items.push(this.notification(incident, e.params.event, e.params.data ?? {}, auditSeq, String(i)));
    });
    return items;
  }

  /** One fan-out item per notable event; FanoutService resolves it into deliveries in this transaction. */
  private notification(
    incident: Incident,
    event: string,
    data: Record<string, unknown>,
    auditSeq: number,
    tag: string,
  ): OutboxItem {
    return {
      id: jobId('nt', incident.id, auditSeq, tag),
      queue: QUEUES.notifications,
      kind: 'fanout',
      payload: {
        orgId: incident.orgId,
        incidentId: incident.id,
        event,
        data,
        drill: incident.drill,
        grade: incident.grade,
      },
    };
  }

  /**
   * The workflow snapshot of `incident` at its version: from memory when it was committed or
   * restored recently, else from the row, with the step definitions it was declared with.
   */
  async snapshotOf(em: EntityManager, incident: Incident): Promise<AnyMachineSnapshot> {
    const known = this.runtime.cached(incident.id, incident.version);
    if (known) return known;
    const stored = incident.snapshot ?? (await loadSnapshot(em, incident.id));
    if (!stored) throw new NotFoundException('Incident not found');
    return this.runtime.restore(
      incident.workflowId,
      incident.workflowVersion,
      stored,
      await this.stepDefinitions(em, incident.id),
    );
  }

  /** Immutable once declared, so kept by incident id; null for an incident without a row (none now). */
  private async stepDefinitions(em: EntityManager, incidentId: string): Promise<StepDefinition[] | null> {
    const known = this.definitions.get(incidentId, 0);
    if (known) return known;
    const [row] = await sql<{ steps: string }>(
      em,
      'SELECT s.steps AS steps FROM incident_playbook p JOIN playbook_steps s ON s.hash = p.steps_hash ' +
        'WHERE p.incident_id = ?',
      [incidentId],
    );
    if (!row) return null;
    const definitions = JSON.parse(row.steps) as StepDefinition[];
    this.definitions.set(incidentId, 0, definitions);
    return definitions;
  }

  /**
   * The incident row, as of its current version, in one statement (taking the row lock on Postgres).
   * Only the engine changes an incident and every change bumps `version`, so a row seen at a version
   * is that version's row: a committed row is remembered with its snapshot, and the snapshot is read
   * only when the row's version is not the remembered one (another process changed the incident, or
   * this one never saw it).
   */
  private async loadIncident(em: EntityManager, id: string, orgId: string): Promise<Incident | null> {
    const remembered = this.rows.versionOf(id) ?? -1;
    const [row] = await sql<Record<string, unknown>>(
      em,
      `SELECT ${INCIDENT_COLUMNS}, CASE WHEN version = ? THEN NULL ELSE snapshot END AS snapshot ` +
        `FROM incident WHERE id = ? AND org_id = ?${rowLock(em)}`,
      [remembered, id, orgId],
    );
    if (!row) return null;
    const known = this.rows.get(id, Number(row.version));
    // A copy: the caller sets the new state, grade and version on it.
    return known ? Object.assign(new Incident(), known) : incidentFromRow(row);
  }

  /** Call once the row is committed at `incident.version`, with the snapshot it holds. */
  private remember(incident: Incident, snapshot: AnyMachineSnapshot): void {
    this.runtime.remember(incident.id, incident.version, snapshot);
    this.rows.set(incident.id, incident.version, Object.assign(new Incident(), incident, { snapshot: null }));
  }

  /** The caller's own terms when it belongs to the organisation (no read), else the organisation's. */
  private termsFor(em: EntityManager, actor: Actor, orgId: string): Promise<OrgTerms> {
    return !isSystemActor(actor) && actor.orgId === orgId
      ? Promise.resolve({ operatorKind: actor.operatorKind, sector: actor.sector })
      : this.orgTerms(em, orgId);
  }

  private orgTerms(em: EntityManager, orgId: string): Promise<OrgTerms> {
    return this.organisations.terms(orgId, em);
  }
}

/**
 * Postgres: lock the row, so concurrent events on one incident queue up here and each sees the
 * version the previous one wrote (SQLite transactions are already serialised by the write queue).
 */
const rowLock = (em: EntityManager): string => (em.connection.options.type === 'postgres' ? ' FOR UPDATE' : '');

/** Every incident column but the snapshot, which the hot path usually has in memory already. */
const INCIDENT_COLUMNS =
  'id, org_id, reference, title, description, category, grade, state, ' +
  'drill, detected_at, occurred_at, affected_systems, affected_business, ' +
  'impact, workflow_id, workflow_version, version, created_by, ' +
  'created_at, updated_at';

async function loadSnapshot(em: EntityManager, id: string): Promise<string | null> {
  const rows = await sql<{ snapshot: string | null }>(em, 'SELECT snapshot FROM incident WHERE id = ?', [id]);
  return rows[0]?.snapshot ?? null;
}

/** An incident from its columns as read by raw SQL (INCIDENT_COLUMNS, and the snapshot or null). */
function incidentFromRow(r: Record<string, unknown>): Incident {
  const i = new Incident();
  Object.assign(i, {
    id: r.id,
    orgId: r.org_id,
    reference: r.reference,
    title: r.title,
    description: r.description,
    category: r.category,
    grade: r.grade,
    state: r.state,
    drill: bool(r.drill),
    detectedAt: r.detected_at,
    occurredAt: r.occurred_at,
    affectedSystems: JSON.parse(String(r.affected_systems)),
    affectedBusiness: JSON.parse(String(r.affected_business)),
    impact: r.impact == null ? null : JSON.parse(String(r.impact)),
    workflowId: r.workflow_id,
    workflowVersion: Number(r.workflow_version),
    snapshot: r.snapshot == null ? null : String(r.snapshot),
    version: Number(r.version),
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
  return i;
}

/**
 * The phase whose mandatory steps gate `type` in the state `value` (the machine's phaseComplete
 * guards), or null when the event is not one of those there.
 */
function phaseGating(type: string, value: unknown): Phase | null {
  const v = value as string | { response?: { handling?: string } };
  if (type === 'CONFIRM' && v === 'triage') return 'triage';
  if (type === 'REVIEW_COMPLETED' && v === 'review') return 'review';
  if (type === 'REIDENTIFICATION_COMPLETED' && v === 'reidentification') return 'reidentification';
  const handling = typeof v === 'object' ? v.response?.handling : undefined;
  if (type === 'ADVANCE' && (handling === 'containment' || handling === 'eradication' || handling === 'recovery'))
    return handling;
  return null;
}
