import { ConflictException, Injectable, NotFoundException, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Job } from 'bullmq';
import {
  ArrivalHolds,
  INCIDENT_DEADLINE,
  IncidentDeadlines,
  type IncidentDeadlineRef,
  TimerHandlers,
  TimerTransactions,
} from '../clocks';
import { sql } from '../database';
import { ConcurrentChangeException } from '../engine';
import { IncidentEngine, type EngineEvent } from './incident-engine';

/**
 * An incident deadline's reminder and due time become workflow events sent through the engine like
 * any caller's. The workflow ignores one whose generation is stale or whose state has moved on; a 409
 * or 404 from the engine here means "nothing to do", not a failure to retry. (The escalation steps
 * after the due time are the clocks module's.)
 */
@Injectable()
export class IncidentClocks implements OnModuleInit {
  constructor(
    private readonly handlers: TimerHandlers,
    private readonly engine: IncidentEngine,
    private readonly dataSource: DataSource,
    private readonly timerTx: TimerTransactions,
    private readonly holds: ArrivalHolds,
    private readonly deadlines: IncidentDeadlines,
  ) {}

  onModuleInit(): void {
    const owner = IncidentClocks.name;
    this.handlers.on(
      INCIDENT_DEADLINE,
      'reminder',
      (ref, d) =>
        this.send(ref, {
          type: 'DEADLINE_REMINDER',
          timer: ref.timer,
          generation: ref.generation,
          fraction: d.fraction,
        }),
      owner,
    );
    this.handlers.on(
      INCIDENT_DEADLINE,
      'due',
      async (ref, _d, job) => {
        // Decided already (usually with the deadlines due together, DeadlineSweeper.dueTogether): one
        // read instead of the wait and the refused event below, which come to the same answer.
        const now = await this.deadlines.state(this.dataSource.manager, ref.incidentId, ref.timer);
        if (now && (now.generation !== ref.generation || now.status !== 'pending')) return 'stale';
        // A report submission that arrived in time decides this deadline `met`: wait for any still in
        // flight (ArrivalHolds), so the deadline is decided once. The job's scheduled time is the due
        // time; the sweeper's synthetic job has none and runs long after it anyway.
        const dueAt = scheduledAt(job);
        if (dueAt !== undefined) await this.holds.settled(dueAt);
        return this.send(ref, { type: 'DEADLINE_MISSED', timer: ref.timer, generation: ref.generation });
      },
      owner,
    );
  }

  private async send(ref: IncidentDeadlineRef, event: EngineEvent): Promise<string> {
    // Only the organisation is needed here; the engine loads the rest.
    const [incident] = await sql<{ id: string; orgId: string }>(
      this.dataSource.manager,
      'SELECT id, org_id AS "orgId" FROM incident WHERE id = ?',
      [ref.incidentId],
    );
    if (!incident) return 'incident-gone';
    // Deadlines falling due together share transactions (TimerTransactions). When another transaction
    // changed the incident first (Postgres: a step completed, say), ConcurrentChangeException propagates:
    // the deadline is still undecided, so BullMQ runs the job again (with backoff) on the incident as it is
    // now; answering "stale" would leave it pending until the sweeper.
    return await this.timerTx.run(async (em) => {
      try {
        await this.engine.applyInTransaction(
          em,
          { system: 'timers', orgId: incident.orgId },
          incident.id,
          incident.orgId,
          event,
        );
        return 'applied';
      } catch (err) {
        // The workflow's refusal (a stale generation, a state moved on) comes before anything is written.
        if (isRefusal(err)) return 'stale';
        throw err;
      }
    });
  }
}

/** A 409 or 404 thrown before the event wrote anything (not a concurrent change, which comes after). */
const isRefusal = (err: unknown): boolean =>
  (err instanceof ConflictException && !(err instanceof ConcurrentChangeException)) || err instanceof NotFoundException;

/** When a delayed job was due to run (ms): added at `timestamp` with `delay`. Undefined for a job made up in code. */
const scheduledAt = (job: Job): number | undefined =>
  typeof job.timestamp === 'number' ? job.timestamp + (job.opts?.delay ?? 0) : undefined;
