import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { TransactionRunner } from '../database';

/**
 * Decisions per shared transaction, so one transaction stays short (a few tens of milliseconds, for which
 * it holds the event loop); 100 rather than 50 halves the commits of a burst (npm run bench:fanout).
 */
export const MAX_TIMER_BATCH = 100;

interface Waiting {
  work: (em: EntityManager) => Promise<string>;
  resolve: (outcome: string) => void;
  reject: (err: unknown) => void;
}

/**
 * The transactions of timer jobs, shared by the jobs that fall due together (group commit).
 *
 * On SQLite every transaction waits its turn on the one connection, and each costs more than the
 * decision inside it: BEGIN and COMMIT, linking its audit entries to the chain head, waking the outbox
 * relay (which then writes a transaction of its own). With a thousand deadlines due at once, one
 * transaction each put the last of them seconds late. So the timers worker takes many jobs at once
 * (TIMERS_CONCURRENCY), and their decisions queue here: whatever has queued while the previous
 * transaction ran is decided together in the next one, up to MAX_TIMER_BATCH. A job that arrives
 * alone runs at once, alone; nothing waits for a batch to fill.
 *
 * A decision that throws rolls the shared transaction back; then each decision of that batch runs
 * again in a transaction of its own, so only the failing job fails (and retries) and the others
 * commit. Handlers answer "stale" (a timer whose state moved on) by catching the workflow's refusal,
 * which is thrown before the event writes anything, so a shared transaction never keeps half a
 * decision. On Postgres transactions run side by side on pooled connections, and a shared one would
 * take several incidents' row locks in no fixed order: there each decision has its own transaction.
 */
@Injectable()
export class TimerTransactions {
  private readonly shared: boolean;
  private readonly waiting: Waiting[] = [];
  private draining = false;

  constructor(
    private readonly tx: TransactionRunner,
    dataSource: DataSource,
  ) {
    this.shared = dataSource.options.type === 'better-sqlite3';
  }

  /** Runs `work` (one timer job's decision) in a transaction, possibly shared with other jobs'. */
  run(work: (em: EntityManager) => Promise<string>): Promise<string> {
    if (!this.shared) return this.tx.run(work);
    return new Promise<string>((resolve, reject) => {
      this.waiting.push({ work, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.waiting.length) {
        const batch = this.waiting.splice(0, MAX_TIMER_BATCH);
        if (batch.length === 1) {
          await this.alone(batch[0]!);
          continue;
        }
        let outcomes: string[];
        try {
          outcomes = await this.tx.run(async (em) => {
            const out: string[] = [];
            for (const w of batch) out.push(await w.work(em));
            return out;
          });
        } catch {
          for (const w of batch) await this.alone(w);
          continue;
        }
        batch.forEach((w, i) => w.resolve(outcomes[i]!));
      }
    } finally {
      this.draining = false;
    }
  }

  private async alone(w: Waiting): Promise<void> {
    try {
      w.resolve(await this.tx.run(w.work));
    } catch (err) {
      w.reject(err);
    }
  }
}
