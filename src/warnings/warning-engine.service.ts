import { ConflictException, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AnyMachineSnapshot } from 'xstate';
import type { EntityManager } from 'typeorm';
import { EARLY_WARNING_WORKFLOW_ID, latestWorkflow } from '../../workflows';
import type { EarlyWarningContext } from '../../workflows/early-warning/types';
import type { WarningLevel, WorkflowEffect } from '../../workflows/types';
import { AuditService } from '../audit';
import { Organisations } from '../accounts';
import type { Actor, Principal } from '../auth';
import { Clocks, WARNING_FEEDBACK, type WarningFeedbackRef } from '../clocks';
import { chunks, nextSequenceValue, placeholders, sql, TransactionRunner } from '../database';
import { actorId, WorkflowEngine, WorkflowRuntime, type WorkflowInstance, type WorkflowKind } from '../engine';
import type { FanoutPayload } from '../notifications';
import { OutboxService, type OutboxItem } from '../outbox';
import { QUEUES, jobId } from '../queues';
import { Warning, type WarningIndicator } from './warning.entity';
import { WarningTarget } from './warning-target.entity';

export interface WarningSpec {
  title: string;
  level: WarningLevel;
  sectors: string[];
  threatDescription: string;
  recommendedActions: string[];
  indicators: WarningIndicator[];
  feedbackWithin: string | null;
  feedbackDueAt: string;
  drill: boolean;
  /** Resolved, validated operator organisation ids (all of the department's sector), sorted. */
  operators: string[];
  /** Recorded in the audit entry when the indicators came (partly) from a STIX bundle. */
  stixImport?: { imported: number; skipped: number };
  /** More work in the issuing transaction, once the warning row is written (publishing its indicators). */
  alsoInTransaction?: (em: EntityManager, warning: Warning) => Promise<void>;
}

export interface WarningEvent {
  type: string;
  [key: string]: unknown;
}

export interface FeedbackRecord {
  text: string;
  measures: string[];
}

export interface AppliedTarget {
  warning: Warning;
  target: WarningTarget;
  snapshot: AnyMachineSnapshot;
}

interface WarningKey {
  warningId: string;
  operatorOrgId: string;
}

/** One warned operator's workflow actor: its target row, with the warning it belongs to. */
class WarningActor implements WorkflowInstance {
  constructor(
    readonly warning: Warning,
    readonly target: WarningTarget,
  ) {}

  get workflowId(): string {
    return this.target.workflowId;
  }

  get workflowVersion(): number {
    return this.target.workflowVersion;
  }

  get version(): number {
    return this.target.version;
  }
}

const TIMER = 'warning-feedback';

/** The BullMQ job name of one fan-out batch (queue `warnings`). */
export const FANOUT_JOB = 'warning-fanout';

/** What a fan-out job carries: its warning, its place among the warning's batches, and its operators. */
export interface FanoutJobData {
  warningId: string;
  batch: number;
  operatorIds: string[];
}

/** Ids per `IN (…)` list, and target rows (15 parameters each) per INSERT: far below SQLite's parameter limit. */
const IDS_PER_QUERY = 500;
const TARGET_ROWS_PER_INSERT = 200;

/**
 * Early warnings as a registration of the workflow engine (src/engine/workflow-engine.ts): one
 * persisted workflow actor per (warning, warned operator), whose side effects are the feedback
 * clock, cancellations and fan-out notifications. Timers call `apply` like anyone else.
 */
@Injectable()
export class WarningEngine {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly engine: WorkflowEngine,
    private readonly runtime: WorkflowRuntime,
    private readonly organisations: Organisations,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clocks: Clocks,
  ) {}

  /**
   * Records the warning and queues its fan-out: the request writes the warning row, its audit entry
   * and one `warning-fanout` job per WARNING_FANOUT_BATCH operators (through the outbox, so the jobs
   * exist exactly when the warning does). Each operator's workflow and feedback clock are created by
   * those jobs (`fanOut`), after the request has been answered.
   */
  async issue(p: Principal, spec: WarningSpec, batchSize: number): Promise<Warning> {
    const workflow = latestWorkflow(EARLY_WARNING_WORKFLOW_ID)!;
    return this.tx.run(async (em) => {
      const now = new Date();
      const at = now.toISOString();
      const year = at.slice(0, 4);
      const n = await nextSequenceValue(em, `warning:${p.orgId}:${year}`);
      const warning = em.getRepository(Warning).create({
        id: randomUUID(),
        orgId: p.orgId,
        reference: `WRN-${year}-${String(n).padStart(6, '0')}`,
        title: spec.title,
        level: spec.level,
        sectors: spec.sectors,
        threatDescription: spec.threatDescription,
        recommendedActions: spec.recommendedActions,
        indicators: spec.indicators,
        feedbackWithin: spec.feedbackWithin,
        feedbackDueAt: spec.feedbackDueAt,
        drill: spec.drill,
        fanoutTotal: spec.operators.length,
        createdBy: p.userId,
        createdAt: at,
        updatedAt: at,
      });
      await em.getRepository(Warning).insert(warning);
      await spec.alsoInTransaction?.(em, warning);
      // Which operators were warned is recorded batch by batch (`warning.fanned-out`), as each batch
      // creates their workflows: one entry here naming ten thousand operators would be most of the trail.
      await this.audit.append(em, {
        actor: p,
        action: 'warning.issued',
        payload: {
          warningId: warning.id,
          reference: warning.reference,
          title: warning.title,
          level: warning.level,
          sectors: warning.sectors,
          targets: spec.operators.length,
          indicators: warning.indicators.length,
          feedbackDueAt: warning.feedbackDueAt,
          feedbackWithin: warning.feedbackWithin,
          drill: warning.drill,
          workflow: `${workflow.id}@${workflow.version}`,
          ...(spec.stixImport ? { stixImport: spec.stixImport } : {}),
        },
      });
      const jobs: OutboxItem[] = chunks(spec.operators, batchSize).map((operatorIds, batch) => ({
        id: jobId('wfo', warning.id, batch),
        queue: QUEUES.warnings,
        kind: FANOUT_JOB,
        payload: { warningId: warning.id, batch, operatorIds } satisfies FanoutJobData,
      }));
      await this.outbox.add(em, jobs);
      return warning;
    });
  }

  /**
   * One fan-out batch: creates the early-warning workflow and feedback clock of each operator of the
   * batch that has none yet, in one short transaction with one audit entry naming them. Idempotent per
   * (warning, operator): the target row's key is the pair, and operators that already have one are
   * left out, so a batch run again (a retry, a worker that died after committing) adds nothing twice,
   * and one that died before committing left nothing behind.
   */
  async fanOut(data: FanoutJobData): Promise<'fanned-out' | 'already-done' | 'warning-gone'> {
    const workflow = latestWorkflow(EARLY_WARNING_WORKFLOW_ID)!;
    return this.tx.run(async (em) => {
      // Postgres: batches of one warning (a stalled job run again beside the first run) take turns.
      if (em.connection.options.type === 'postgres')
        await sql(em, 'SELECT id FROM warning WHERE id = ? FOR UPDATE', [data.warningId]);
      const warning = await em.getRepository(Warning).findOneBy({ id: data.warningId });
      if (!warning) return 'warning-gone';
      const have = new Set<string>();
      for (const ids of chunks(data.operatorIds, IDS_PER_QUERY)) {
        const rows = await sql<{ operator_org_id: string }>(
          em,
          'SELECT operator_org_id FROM warning_target WHERE warning_id = ? AND operator_org_id ' +
            `IN (${placeholders(ids.length)})`,
          [warning.id, ...ids],
        );
        for (const r of rows) have.add(r.operator_org_id);
      }
      const todo = data.operatorIds.filter((id) => !have.has(id));
      if (todo.length === 0) return 'already-done';
      const names = await this.organisations.names(todo, em);
      const entry = await this.audit.append(em, {
        actor: { system: 'warnings', orgId: warning.orgId },
        orgId: warning.orgId,
        action: 'warning.fanned-out',
        payload: {
          warningId: warning.id,
          reference: warning.reference,
          batch: data.batch,
          operators: todo,
          level: warning.level,
          issuedAt: warning.createdAt,
          feedbackDueAt: warning.feedbackDueAt,
          drill: warning.drill,
          workflow: `${workflow.id}@${workflow.version}`,
        },
        // Each operator's console hears of its new warning.
        concerns: todo.map((orgId) => ({ orgId })),
      });
      // Every operator's workflow starts alike (its input is the warning, not the operator): one start
      // serves the batch.
      const started = this.runtime.start(workflow.id, workflow.version, {
        warningId: warning.id,
        level: warning.level,
      });
      const snapshot = this.runtime.serialise(started.snapshot);
      const state = this.runtime.topState(started.snapshot);
      const now = new Date();
      const items: OutboxItem[] = [];
      const targets: WarningTarget[] = [];
      for (const operatorOrgId of todo) {
        const target = Object.assign(new WarningTarget(), {
          warningId: warning.id,
          operatorOrgId,
          departmentOrgId: warning.orgId,
          state,
          workflowId: workflow.id,
          workflowVersion: workflow.version,
          snapshot,
          version: 1,
          deadlineGeneration: 0,
          deadlineStatus: 'pending',
          // The operator was warned when the warning was issued: its clock runs from then, whenever its batch ran.
          clockStartedAt: warning.createdAt,
          dueAt: warning.feedbackDueAt,
          missedAt: null,
          escalationLevel: 0,
          feedbackId: null,
          feedback: null,
          feedbackMeasures: null,
          feedbackAt: null,
          feedbackBy: null,
          createdAt: warning.createdAt,
          updatedAt: now.toISOString(),
        } satisfies WarningTarget);
        items.push(
          ...this.effectsToOutbox(warning, target, names.get(operatorOrgId) ?? '', started.effects, entry.seq, now),
        );
        this.syncDeadline(target, started.snapshot);
        targets.push(target);
      }
      await this.insertTargets(em, targets);
      await this.outbox.add(em, items);
      return 'fanned-out';
    });
  }

  /** Raw multi-row INSERTs: a batch is up to a thousand rows, and TypeORM's insert mixes up keys on better-sqlite3. */
  private async insertTargets(em: EntityManager, targets: WarningTarget[]): Promise<void> {
    for (const chunk of chunks(targets, TARGET_ROWS_PER_INSERT)) {
      const params: unknown[] = [];
      for (const t of chunk)
        params.push(
          t.warningId,
          t.operatorOrgId,
          t.departmentOrgId,
          t.state,
          t.workflowId,
          t.workflowVersion,
          t.snapshot,
          t.version,
          t.deadlineGeneration,
          t.deadlineStatus,
          t.clockStartedAt,
          t.dueAt,
          t.escalationLevel,
          t.createdAt,
          t.updatedAt,
        );
      await sql(
        em,
        'INSERT INTO warning_target (warning_id, operator_org_id, department_org_id, state, workflow_id, ' +
          'workflow_version, snapshot, version, deadline_generation, deadline_status, clock_started_at, due_at, ' +
          `escalation_level, created_at, updated_at) VALUES ${chunk.map(() => `(${placeholders(15)})`).join(', ')}`,
        params,
      );
    }
  }

  /**
   * One event on one operator's warning workflow. 404 when the operator was not warned, 403 when
   * the role may not send the event, 409 when not accepted now (with allowedEvents) or when
   * `expectedVersion` is stale.
   */
  async apply(
    actor: Actor,
    warningId: string,
    operatorOrgId: string,
    event: WarningEvent,
    opts: { expectedVersion?: number; feedback?: FeedbackRecord; auditPayload?: Record<string, unknown> } = {},
  ): Promise<AppliedTarget> {
    const t = await this.engine.apply(this.kind(opts.feedback), actor, { warningId, operatorOrgId }, event, opts);
    return { warning: t.instance.warning, target: t.instance.target, snapshot: t.after };
  }

  /**
   * An operator's copy of a warning as a registration of the workflow engine. `feedback` is what
   * FEEDBACK_SENT records on the row beside the machine's state.
   */
  private kind(feedback: FeedbackRecord | undefined): WorkflowKind<WarningActor, WarningKey> {
    const now = new Date();
    return {
      noun: 'Warning',
      load: async (em, key) => {
        const target = await em.getRepository(WarningTarget).findOneBy(key);
        if (!target) return null;
        const warning = await em.getRepository(Warning).findOneByOrFail({ id: key.warningId });
        return new WarningActor(warning, target);
      },
      snapshotOf: async (_em, a) => this.runtime.restore(a.workflowId, a.workflowVersion, a.target.snapshot),
      enrich: (_em, _a, event) => (event.type === 'FEEDBACK_SENT' ? { ...event, feedbackId: randomUUID() } : event),
      refusal: (a, snapshot, event, role) =>
        new ConflictException({
          message: `${event.type} is not accepted in state ${JSON.stringify(snapshot.value)}`,
          allowedEvents: this.runtime.allowed(a.workflowId, a.workflowVersion, snapshot, role),
          state: snapshot.value,
        }),
      audited: (t, opts) => ({
        actor: t.actor,
        orgId: t.instance.target.operatorOrgId,
        action: `warning.event.${t.sent.type}`,
        payload: {
          warningId: t.instance.warning.id,
          reference: t.instance.warning.reference,
          event: { ...t.event, ...(opts.auditPayload ?? {}) },
          fromState: t.instance.target.state,
          toState: this.runtime.topState(t.after),
          stateValue: t.after.value as never,
          version: t.previousVersion + 1,
          drill: t.instance.warning.drill,
        },
        // The department that issued it follows every operator's progress (feedback above all).
        concerns: [{ orgId: t.instance.warning.orgId }],
      }),
      effects: async (em, t, auditSeq) => {
        const { warning, target } = t.instance;
        Object.assign(target, {
          snapshot: this.runtime.serialise(t.after),
          state: this.runtime.topState(t.after),
          version: t.previousVersion + 1,
          updatedAt: now.toISOString(),
        });
        if (t.event.type === 'FEEDBACK_SENT' && feedback) {
          Object.assign(target, {
            feedbackId: t.event.feedbackId as string,
            feedback: feedback.text,
            feedbackMeasures: feedback.measures,
            feedbackAt: now.toISOString(),
            feedbackBy: actorId(t.actor),
          });
        }
        const operator = await this.organisations.get(target.operatorOrgId, em);
        const items = this.effectsToOutbox(warning, target, operator.name, t.effects, auditSeq, now);
        this.syncDeadline(target, t.after);
        return items;
      },
      save: async (em, t) => {
        const { target } = t.instance;
        const res = await em.getRepository(WarningTarget).update(
          { warningId: target.warningId, operatorOrgId: target.operatorOrgId, version: t.previousVersion },
          {
            snapshot: target.snapshot,
            state: target.state,
            version: target.version,
            updatedAt: target.updatedAt,
            feedbackId: target.feedbackId,
            feedback: target.feedback,
            feedbackMeasures: target.feedbackMeasures,
            feedbackAt: target.feedbackAt,
            feedbackBy: target.feedbackBy,
            deadlineGeneration: target.deadlineGeneration,
            deadlineStatus: target.deadlineStatus,
            missedAt: target.missedAt,
            dueAt: target.dueAt,
            clockStartedAt: target.clockStartedAt,
          },
        );
        return !!res.affected;
      },
    };
  }

  /** Copies the feedback deadline's status and generation from the workflow context onto the row. */
  private syncDeadline(target: WarningTarget, snapshot: AnyMachineSnapshot): void {
    const entry = (snapshot.context as EarlyWarningContext).deadlines[TIMER];
    if (!entry) return;
    target.deadlineGeneration = entry.generation;
    target.deadlineStatus = entry.status;
  }

  private effectsToOutbox(
    warning: Warning,
    target: WarningTarget,
    operatorName: string,
    effects: WorkflowEffect[],
    auditSeq: number,
    now: Date,
  ): OutboxItem[] {
    const items: OutboxItem[] = [];
    const { warningId, operatorOrgId } = target;
    const fanout = (orgId: string, event: string, data: Record<string, unknown>, tag: string): OutboxItem => {
      const payload: FanoutPayload = {
        orgId,
        event,
        data: { reference: warning.reference, title: warning.title, level: warning.level, ...data },
        drill: warning.drill,
        warningId,
        incidentId: null,
      };
      return {
        id: jobId('nt', 'w', warningId, operatorOrgId, auditSeq, tag),
        queue: QUEUES.notifications,
        kind: 'fanout',
        payload: { ...payload },
      };
    };
    effects.forEach((e, i) => {
      if (e.type === 'scheduleDeadline') {
        items.push(...this.schedule(warning, target, e.params.timer, e.params.generation, now));
      } else if (e.type === 'cancelDeadline') {
        const { timer, generation } = e.params;
        const ref: WarningFeedbackRef = { warningId, operatorOrgId, timer, generation };
        items.push(this.clocks.stop(WARNING_FEEDBACK, ref, now));
      } else if (e.type === 'notify') {
        const data = e.params.data ?? {};
        switch (e.params.event) {
          case 'warning.received':
            items.push(fanout(operatorOrgId, 'warning.received', { dueAt: target.dueAt }, `${i}`));
            break;
          case 'deadline.reminder':
            items.push(
              fanout(
                operatorOrgId,
                'warning.feedback-reminder',
                { dueAt: target.dueAt, fraction: data.fraction ?? null },
                `${i}`,
              ),
            );
            break;
          case 'deadline.missed': {
            target.missedAt = now.toISOString();
            items.push(
              fanout(
                warning.orgId,
                'warning.feedback-overdue',
                { operatorOrgId, operatorName, dueAt: target.dueAt },
                `${i}d`,
              ),
            );
            items.push(fanout(operatorOrgId, 'warning.feedback-overdue', { dueAt: target.dueAt }, `${i}o`));
            const { timer, generation } = data as { timer: string; generation: number };
            // The first escalation step is a job due at once (WarningClocks takes it).
            items.push(
              this.clocks.escalation(WARNING_FEEDBACK, { warningId, operatorOrgId, timer, generation }, 1, now),
            );
            break;
          }
          case 'warning.feedback-sent':
            items.push(
              fanout(
                warning.orgId,
                'warning.feedback-received',
                { operatorOrgId, operatorName, late: target.deadlineStatus === 'missed' },
                `${i}`,
              ),
            );
            break;
          default:
            items.push(fanout(operatorOrgId, e.params.event, data, `${i}`));
        }
      }
    });
    return items;
  }

  /** The due time was fixed when the warning was issued; reminders fall at fractions of the window. */
  private schedule(
    warning: Warning,
    target: WarningTarget,
    timer: string,
    generation: number,
    now: Date,
  ): OutboxItem[] {
    const { warningId, operatorOrgId } = target;
    target.dueAt = warning.feedbackDueAt;
    return this.clocks.start(
      WARNING_FEEDBACK,
      { warningId, operatorOrgId, timer, generation },
      { start: new Date(target.clockStartedAt), due: new Date(warning.feedbackDueAt), now },
    );
  }
}
