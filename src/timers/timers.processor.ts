import { Processor } from '@nestjs/bullmq';
import { ConflictException, Inject, NotFoundException } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { IncidentEngine } from '../engine/incident-engine.service';
import { AppConfig } from '../config/app-config';
import { sql } from '../database/sql';
import { LOGGER } from '../logging/logging.module';
import { LoggedWorkerHost } from '../queues/logged-worker-host';
import { QUEUES } from '../queues/queue-names';
import { EscalationService } from './escalation.service';
import { TimerRegistry } from './timer-registry';

export interface TimerJobData {
  incidentId: string;
  timer: string;
  generation: number;
  fraction?: number;
  level?: number;
}

/** Records when each timer job ran against when it was due (read by the benchmark). */
export type LatenessListener = (job: { id: string; name: string; dueAt: number; ranAt: number }) => void;

/**
 * Fires deadline timers. A reminder or a passed deadline becomes a workflow event sent through
 * the engine like any caller's; the workflow ignores it when the generation is stale or the state
 * has moved on (a 409 from the engine here means "nothing to do", not a failure to retry).
 * Job names owned by other domains (warnings, reports) are dispatched through TimerRegistry.
 */
@Processor(QUEUES.timers)
export class TimersProcessor extends LoggedWorkerHost {
  static latenessListener?: LatenessListener;

  constructor(
    private readonly dataSource: DataSource,
    private readonly engine: IncidentEngine,
    private readonly escalation: EscalationService,
    private readonly registry: TimerRegistry,
    @Inject(LOGGER) protected readonly logger: Logger,
    private readonly config: AppConfig,
  ) {
    super();
  }

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    this.worker.concurrency = this.config.TIMERS_CONCURRENCY;
  }

  async process(job: Job<TimerJobData>): Promise<string> {
    const ranAt = Date.now();
    TimersProcessor.latenessListener?.({
      id: job.id ?? '',
      name: job.name,
      dueAt: job.timestamp + (job.opts.delay ?? 0),
      ranAt,
    });
    const other = this.registry.handler(job.name);
    if (other) return other(job);
    const d = job.data;
    if (job.name === 'deadline-escalate')
      return this.escalation.escalate(d.incidentId, d.timer, d.generation, d.level ?? 1);
    // Only the organisation is needed here; the engine loads the rest.
    const [incident] = await sql<{ id: string; orgId: string }>(
      this.dataSource.manager,
      'SELECT id, org_id AS "orgId" FROM incident WHERE id = ?',
      [d.incidentId],
    );
    if (!incident) return 'incident-gone';
    const event =
      job.name === 'deadline-reminder'
        ? { type: 'DEADLINE_REMINDER', timer: d.timer, generation: d.generation, fraction: d.fraction }
        : job.name === 'deadline-due'
          ? { type: 'DEADLINE_MISSED', timer: d.timer, generation: d.generation }
          : undefined;
    if (!event) {
      this.logger.error({ job: job.id, name: job.name }, 'unknown timer job');
      return 'unknown-job';
    }
    try {
      await this.engine.apply({ system: 'timers', orgId: incident.orgId }, incident.id, incident.orgId, event);
      return 'applied';
    } catch (err) {
      if (err instanceof ConflictException || err instanceof NotFoundException) return 'stale';
      throw err;
    }
  }
}
