import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Role } from '../common';
import { TransactionRunner } from '../database';
import { OutboxService, type OutboxItem } from '../outbox';
import type { AnyClockKind, ClockKind } from './clock-kinds';
import { Clocks } from './clocks';
import { TimerHandlers } from './timer-handlers';

/** What the ladder needs to know of one clock before a step. */
export interface LadderState {
  /** Escalation steps already taken (0 = none). */
  level: number;
  /** Overdue and still owed: not acknowledged, not settled, and (for clocks with generations) this generation's. */
  overdue: boolean;
}

/** One step about to be taken. */
export interface LadderStep {
  level: number;
  role: Role;
  now: Date;
}

/** How a kind of clock keeps its escalation state and tells people; the ladder decides the rest. */
export interface LadderBinding<Ref, S extends LadderState = LadderState> {
  /** The clock's state now, or null when what owns it is gone. */
  load(em: EntityManager, ref: Ref): Promise<S | null>;
  /**
   * Records the step: raises the clock's level to `step.level`, appends the audit entry and returns
   * the notifications (the ladder adds the job of the next step after them).
   */
  record(em: EntityManager, ref: Ref, state: S, step: LadderStep): Promise<OutboxItem[]>;
}

/**
 * The one escalation ladder of every clock. After the due time, each step tells the next role of the
 * clock's ladder and queues the step after it ESCALATION_STEP_DELAY later, until someone
 * acknowledges or the obligation is settled. A step is idempotent: one that is stale (not overdue any
 * more, another generation, its level already reached, past the ladder's end) does nothing, so a job
 * that fires twice or late changes nothing twice.
 */
@Injectable()
export class EscalationLadder {
  private readonly bindings = new Map<AnyClockKind, LadderBinding<unknown, LadderState>>();

  constructor(
    private readonly clocks: Clocks,
    private readonly tx: TransactionRunner,
    private readonly outbox: OutboxService,
    private readonly handlers: TimerHandlers,
  ) {}

  /**
   * Gives a kind of clock its ladder: its escalation jobs are handled with `binding` from now on.
   * Called once per kind, at module init, by the module that owns the clock's state.
   */
  bind<Ref, S extends LadderState>(kind: ClockKind<Ref>, binding: LadderBinding<Ref, S>, owner: string): void {
    this.bindings.set(kind, binding);
    this.handlers.on(kind, 'escalate', (ref, data) => this.run(kind, ref, data.level ?? 1), owner);
  }

  /**
   * Takes step `level` inside the caller's transaction and returns the outbox items (notifications,
   * then the next step's job), or null when the step is stale. `binding` overrides the kind's own (a
   * caller that already holds what `load` would read).
   */
  async step<Ref, S extends LadderState>(
    em: EntityManager,
    kind: ClockKind<Ref>,
    ref: Ref,
    level: number,
    binding: LadderBinding<Ref, S> = this.bindingOf(kind) as LadderBinding<Ref, S>,
  ): Promise<OutboxItem[] | null> {
    const ladder = this.clocks.ladder(kind);
    const state = await binding.load(em, ref);
    if (!state || !state.overdue || state.level >= level || level > ladder.length) return null;
    const now = new Date();
    const items = await binding.record(em, ref, state, { level, role: ladder[level - 1]!, now });
    if (level < ladder.length)
      items.push(this.clocks.escalation(kind, ref, level + 1, new Date(now.getTime() + this.clocks.stepDelayMs)));
    return items;
  }

  /** Step `level` in a transaction of its own (a timer job). */
  async run<Ref>(kind: ClockKind<Ref>, ref: Ref, level: number): Promise<'escalated' | 'skipped'> {
    return this.tx.run(async (em) => {
      const items = await this.step(em, kind, ref, level);
      if (!items) return 'skipped' as const;
      await this.outbox.add(em, items);
      return 'escalated' as const;
    });
  }

  private bindingOf<Ref>(kind: ClockKind<Ref>): LadderBinding<Ref, LadderState> {
    const binding = this.bindings.get(kind);
    if (!binding) throw new Error(`no escalation ladder bound for the ${kind.title} clock`);
    // Stored by kind, and bound with that kind's own refs.
    return binding as LadderBinding<Ref, LadderState>;
  }
}
