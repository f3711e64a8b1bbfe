import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { AnyMachineSnapshot } from 'xstate';
import type { EntityManager } from 'typeorm';
import { maySend } from '../../workflows';
import type { Role as WorkflowRole, WorkflowEffect } from '../../workflows/types';
import { AuditService, type AuditRecord } from '../audit';
import { isSystemActor, type Actor } from '../auth';
import { TransactionRunner } from '../database';
import { OutboxService, type OutboxItem } from '../outbox';
import { WorkflowRuntime } from './workflow-runtime';

/** An event for a machine, before the registration adds what only the service knows. */
export interface EngineEvent {
  type: string;
  [key: string]: unknown;
}

/** What every persisted workflow actor carries: which machine runs it, and its optimistic version. */
export interface WorkflowInstance {
  workflowId: string;
  workflowVersion: number;
  version: number;
}

export interface ApplyOptions {
  /** The version the caller last saw; a different current version is a 409. */
  expectedVersion?: number;
  /** Recorded with the event in the audit entry (e.g. the reason given for reopening a step). */
  auditPayload?: Record<string, unknown>;
}

/** One accepted transition, as the registration's hooks see it. */
export interface Transition<I> {
  instance: I;
  actor: Actor;
  /** The event as the caller sent it. */
  sent: EngineEvent;
  /** The event as the machine received it (after `enrich`). */
  event: EngineEvent;
  before: AnyMachineSnapshot;
  after: AnyMachineSnapshot;
  effects: WorkflowEffect[];
  /** The top-level state before the event. */
  fromState: string;
  /** The instance's version before the event (the row is updated only where it still holds it). */
  previousVersion: number;
}

/**
 * How one kind of persisted workflow actor (an incident, an operator's copy of an early warning)
 * is loaded, checked, saved and turned into side effects. The engine owns the order of things and
 * the transaction; a registration owns its table and what its events mean.
 */
export interface WorkflowKind<I extends WorkflowInstance, K> {
  /** For messages: "Incident not found", "Warning is at version 3". */
  readonly noun: string;
  /** The instance (its row, locked where the database supports it), or null when the caller may not see it. */
  load(em: EntityManager, key: K): Promise<I | null>;
  /** Its workflow snapshot at its current version. */
  snapshotOf(em: EntityManager, instance: I): Promise<AnyMachineSnapshot>;
  /** Checks the machine's role table cannot express (e.g. a step's own roles); throws a 403 or 404. */
  authorise?(instance: I, snapshot: AnyMachineSnapshot, event: EngineEvent, role: WorkflowRole): void;
  /** Adds what only the service knows (a derived flag, the time, a new id) before the machine sees the event. */
  enrich?(em: EntityManager, instance: I, event: EngineEvent, actor: Actor): Promise<EngineEvent> | EngineEvent;
  /** The 409 for an event the machine does not accept now. */
  refusal(instance: I, snapshot: AnyMachineSnapshot, event: EngineEvent, role: WorkflowRole): ConflictException;
  /** The audit entry of an accepted event. */
  audited(t: Transition<I>, opts: ApplyOptions): AuditRecord;
  /**
   * The side effects of an accepted event as outbox rows (it may also update rows the registration
   * owns, such as deadline rows); `auditSeq` makes job ids unique per event.
   */
  effects(em: EntityManager, t: Transition<I>, auditSeq: number): Promise<OutboxItem[]>;
  /**
   * Writes the new snapshot and version, only where the row still holds `t.previousVersion`;
   * false when another transaction got there first (Postgres), which the engine answers with a 409.
   */
  save(em: EntityManager, t: Transition<I>): Promise<boolean>;
  /** After the transaction commits (e.g. remember the snapshot for the next event). */
  committed?(t: Transition<I>): void;
}

/**
 * The 409 of an event whose row another transaction changed first (Postgres): unlike the machine's
 * refusal, it comes after the event's audit entry and side effects were written, so the transaction
 * must roll back, never commit with it caught.
 */
export class ConcurrentChangeException extends ConflictException {}

export const actorRole = (a: Actor): WorkflowRole => (isSystemActor(a) ? 'system' : (a.role as WorkflowRole));
export const actorId = (a: Actor): string => (isSystemActor(a) ? `system:${a.system}` : a.userId);

/**
 * The one engine of every persisted workflow in workflows/ (README "Design notes"): load the
 * snapshot → pure transition → one transaction that saves the snapshot with an optimistic version,
 * appends the audit entry and writes the outbox rows of the side effects. Incidents and early
 * warnings are two registrations (WorkflowKind) of it; timers and workers call `apply` like any
 * other caller.
 */
@Injectable()
export class WorkflowEngine {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly runtime: WorkflowRuntime,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Applies one event in a transaction of its own. 404 when the instance is not the caller's to
   * see, 403 when the actor's role may not send the event, 409 when the machine does not accept it
   * now or when `expectedVersion` is stale.
   */
  apply<I extends WorkflowInstance, K>(
    kind: WorkflowKind<I, K>,
    actor: Actor,
    key: K,
    event: EngineEvent,
    opts: ApplyOptions = {},
  ): Promise<Transition<I>> {
    return this.tx.run((em) => this.applyIn(em, kind, actor, key, event, opts));
  }

  /**
   * `apply` inside the caller's transaction, so another domain can commit its own change and the
   * workflow event together (a report marked submitted and INITIAL_REPORT_SUBMITTED). A thrown
   * error rolls the caller's whole transaction back.
   */
  async applyIn<I extends WorkflowInstance, K>(
    em: EntityManager,
    kind: WorkflowKind<I, K>,
    actor: Actor,
    key: K,
    event: EngineEvent,
    opts: ApplyOptions = {},
  ): Promise<Transition<I>> {
    const role = actorRole(actor);
    const instance = await kind.load(em, key);
    if (!instance) throw new NotFoundException(`${kind.noun} not found`);
    const before = await kind.snapshotOf(em, instance);
    kind.authorise?.(instance, before, event, role);
    if (!maySend(instance.workflowId, event.type, role)) {
      throw new ForbiddenException(`Role ${role} may not send ${event.type}`);
    }
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== instance.version) {
      throw new ConflictException({
        message: `${kind.noun} is at version ${instance.version}, not ${opts.expectedVersion}; reload and retry`,
        currentVersion: instance.version,
      });
    }
    const enriched = kind.enrich ? await kind.enrich(em, instance, event, actor) : event;
    const stepped = this.runtime.step(instance.workflowId, instance.workflowVersion, before, enriched);
    if (!stepped.accepted) throw kind.refusal(instance, before, event, role);
    const t: Transition<I> = {
      instance,
      actor,
      sent: event,
      event: enriched,
      before,
      after: stepped.snapshot,
      effects: stepped.effects,
      fromState: this.runtime.topState(before),
      previousVersion: instance.version,
    };
    const entry = await this.audit.append(em, kind.audited(t, opts));
    const items = await kind.effects(em, t, entry.seq);
    // On Postgres two transactions may load the same version; the loser updates nothing.
    if (!(await kind.save(em, t)))
      throw new ConcurrentChangeException({ message: `${kind.noun} changed concurrently; reload and retry` });
    await this.outbox.add(em, items);
    if (kind.committed) this.tx.afterCommit(em, () => kind.committed!(t));
    return t;
  }
}
