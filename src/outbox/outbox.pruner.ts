import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditService } from '../audit';
import { AppConfig } from '../config';
import { TransactionRunner, placeholders, sql } from '../database';
import { LOGGER } from '../logging';

/** Rows deleted per transaction: short transactions, each with its audit entry. */
const BATCH = 1000;
const EVERY_MS = 3600_000;

/**
 * Deletes sent outbox rows older than OUTBOX_RETENTION_HOURS, in worker processes, at start-up and
 * hourly. A sent row's side effect is in BullMQ (and its outcome in the domain's own rows and the
 * audit trail), so the row is only a record of the hand-over; without pruning the table grew by
 * every timer, notification and delivery ever decided (issue 19). Unsent rows are never touched.
 * Each batch is one transaction with its audit entry (`outbox.pruned`, the system chain); two
 * workers pruning at once delete disjoint or already-deleted rows, which is harmless.
 */
@Injectable()
export class OutboxPruner implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private first?: NodeJS.Timeout;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.first = setTimeout(() => void this.pruneLogged(), 0);
    this.timer = setInterval(() => void this.pruneLogged(), EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearTimeout(this.first);
    clearInterval(this.timer);
  }

  private async pruneLogged(): Promise<void> {
    try {
      const n = await this.prune();
      if (n) this.logger.info({ deleted: n }, 'pruned sent outbox rows');
    } catch (err) {
      this.logger.warn({ err }, 'pruning sent outbox rows failed; the next run tries again');
    }
  }

  /** Deletes the rows sent before `now` minus the retention; returns how many. */
  async prune(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.config.OUTBOX_RETENTION_HOURS * 3600_000).toISOString();
    let total = 0;
    for (;;) {
      const deleted = await this.tx.run(async (em) => {
        const rows = await sql<{ seq: number | string }>(
          em,
          'SELECT seq FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ? ORDER BY sent_at, seq LIMIT ?',
          [before, BATCH],
        );
        if (!rows.length) return 0;
        const seqs = rows.map((r) => Number(r.seq));
        await sql(em, `DELETE FROM outbox WHERE seq IN (${placeholders(seqs.length)})`, seqs);
        await this.audit.append(em, {
          actor: { system: 'outbox', orgId: null },
          action: 'outbox.pruned',
          payload: { deleted: seqs.length, sentBefore: before, retentionHours: this.config.OUTBOX_RETENTION_HOURS },
        });
        return seqs.length;
      });
      total += deleted;
      if (deleted < BATCH) return total;
    }
  }
}
