import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config';
import { sql } from '../database';
import { LOGGER } from '../logging';
import { ArrivalHolds } from './arrival-holds';
import { INCIDENT_DEADLINE } from './clock-kinds';
import { TimerHandlers } from './timer-handlers';

/** Deadlines decided per round of `dueTogether` (a round repeats while it finds this many). */
const DUE_TOGETHER_ROUND = 2000;

/**
 * Pending, unresolved deadlines due before (`<`) or by (`<=`) a time, oldest first, `LIMIT ?` of them.
 * `resolved_at` is tested through COALESCE so that no index on it can serve the statement: with
 * statistics (after ANALYZE), SQLite chose (org_id, resolved_at, due_at) by a skip-scan, which reads
 * every unresolved deadline, the missed ones too, and looks up each one's status in the table. With
 * 50,000 missed deadlines that took 0.1–0.9 s on the event loop at every sweep (bench:scale's
 * million-incident seed, found with --cpu-prof). (status, due_at) reads only the pending ones that are
 * due. A resolved_at is never '' (it is a timestamp), so the test means IS NULL.
 */
export const pendingDueStatement = (op: '<' | '<='): string =>
  'SELECT incident_id, timer, generation, due_at FROM incident_deadline ' +
  `WHERE status = 'pending' AND COALESCE(resolved_at, '') = '' AND due_at ${op} ? ORDER BY due_at LIMIT ?`;

/**
 * No incident deadline stays `pending` past its due time unnoticed. Its due job decides it; when that
 * job was lost (Redis data lost, a job removed by hand) or failed on every attempt (a dead letter), a
 * worker process finds the deadline here — at start-up and every DEADLINE_SWEEP_SECONDS, for
 * deadlines due more than that long ago — logs it, and decides it exactly as the due job would have
 * (the same handler: a miss recorded through the workflow, the first escalation step, notifications).
 * The handlers are idempotent, so a sweep beside a late due job, or beside another worker's sweep,
 * decides each deadline once. Meanwhile the deadline dashboard marks such deadlines `undecided`.
 * The same class decides the deadlines due together with one whose due job runs (`dueTogether`).
 */
@Injectable()
export class DeadlineSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private first?: NodeJS.Timeout;
  /** Deadlines this process could not decide, said once each (the dashboard keeps showing them). */
  private readonly stuck = new Set<string>();
  private running?: Promise<number>;
  private together?: Promise<void>;
  private togetherAgain = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly handlers: TimerHandlers,
    private readonly holds: ArrivalHolds,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Deadlines fall due in crowds: incidents declared together (an import, a sector-wide event) have
   * initial-report deadlines due in the same second. Each has its due job, but fetching a job from
   * Redis and reporting it done cost more than deciding the deadline, so a thousand of them waited
   * about half a second for their turn (npm run bench:fanout). So when one due job runs, the timers
   * worker calls this: it decides, together, every deadline still pending whose due time has come,
   * without waiting for their jobs. Each of those jobs then finds its deadline decided and answers
   * `stale`. The decisions are the due handler's own (the same workflow event, escalation and
   * notifications) and the handlers are idempotent, so a deadline decided here and by its job, or by
   * two workers, is decided once. Report submissions still in flight are waited for first, once, up to
   * the latest due time of the round (ArrivalHolds), exactly as each due job would have.
   *
   * Never rejects and never runs twice at once: a call while a round runs asks for one more round.
   */
  dueTogether(): Promise<void> {
    if (this.together) {
      this.togetherAgain = true;
      return this.together;
    }
    this.together = (async () => {
      try {
        do {
          this.togetherAgain = false;
          while ((await this.decideDueRound()) === DUE_TOGETHER_ROUND);
        } while (this.togetherAgain);
      } catch (err) {
        // Nothing is lost: every deadline still has its own due job, and the periodic sweep behind it.
        this.logger.warn({ err }, 'deciding the deadlines due together failed; their own jobs decide them');
      } finally {
        this.together = undefined;
      }
    })();
    return this.together;
  }

  /** One round of dueTogether: returns how many pending deadlines it found due. */
  private async decideDueRound(): Promise<number> {
    const rows = await sql<{ incident_id: string; timer: string; generation: number | string; due_at: string }>(
      this.dataSource.manager,
      pendingDueStatement('<='),
      [new Date().toISOString(), DUE_TOGETHER_ROUND],
    );
    if (!rows.length) return 0;
    await this.holds.settled(Date.parse(rows[rows.length - 1]!.due_at));
    // All at once: TimerTransactions groups them into shared transactions (SQLite).
    await Promise.all(
      rows.map((r) => {
        const ref = { incidentId: r.incident_id, timer: r.timer, generation: Number(r.generation) };
        // A decision that failed here (a concurrent change on Postgres, say) is its own job's to retry.
        return this.handlers.fire(INCIDENT_DEADLINE, 'due', ref).catch(() => 'failed');
      }),
    );
    return rows.length;
  }

  onApplicationBootstrap(): void {
    const every = this.config.DEADLINE_SWEEP_SECONDS * 1000;
    // After the bootstrap, so the timers' handlers are known and verified (TimersProcessor).
    this.first = setTimeout(() => void this.sweepLogged(), 0);
    this.timer = setInterval(() => void this.sweepLogged(), every);
    this.first.unref();
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.first) clearTimeout(this.first);
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async sweepLogged(): Promise<void> {
    if (this.running) return;
    this.running = this.sweep();
    try {
      await this.running;
    } catch (err) {
      this.logger.warn({ err }, 'deadline sweep failed; next round');
    } finally {
      this.running = undefined;
    }
  }

  /** Decides the deadlines overdue without a decision; returns how many it decided. */
  async sweep(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.DEADLINE_SWEEP_SECONDS * 1000).toISOString();
    const rows = await sql<{ incident_id: string; timer: string; generation: number | string; due_at: string }>(
      this.dataSource.manager,
      pendingDueStatement('<'),
      [before, 200],
    );
    let decided = 0;
    for (const r of rows) {
      const ref = { incidentId: r.incident_id, timer: r.timer, generation: Number(r.generation) };
      const key = `${ref.incidentId}.${ref.timer}.${ref.generation}`;
      this.logger.warn(
        { incident: ref.incidentId, timer: ref.timer, generation: ref.generation, dueAt: r.due_at },
        'deadline still pending past its due time (its due job did not run): deciding it now',
      );
      const outcome = await this.handlers.fire(INCIDENT_DEADLINE, 'due', ref);
      if (outcome === 'applied') decided++;
      else if (!this.stuck.has(key)) {
        this.stuck.add(key);
        this.logger.error(
          { incident: ref.incidentId, timer: ref.timer, generation: ref.generation, dueAt: r.due_at, outcome },
          'deadline pending past its due time could not be decided',
        );
      }
    }
    return decided;
  }
}
