import { getQueueToken } from '@nestjs/bullmq';
import { IncidentsModule } from '../../src/incidents';
import { OutboxModule } from '../../src/outbox';
import { Body, Controller, Get, HttpCode, Module, OnModuleInit, Post } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CurrentPrincipal } from '../../src/auth/decorators';
import { AppConfig } from '../../src/config/app-config';
import type { Principal } from '../../src/auth/principal';
import { sql } from '../../src/database/sql';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { IncidentEngine } from '../../src/incidents/incident-engine';
import { OutboxService, type OutboxItem } from '../../src/outbox/outbox.service';
import { QUEUES, jobId } from '../../src/queues/queue-names';
import { INCIDENT_DEADLINE } from '../../src/clocks';
import type { Incident } from '../../src/incidents/incident.entity';
import type { IncidentContext } from '../../workflows/incident/types';

/**
 * Benchmark-only endpoints, mounted into the real app by test/bench/server.ts (never by the product):
 * the floor (same bearer-token check through the global guard, then one bare insert through the same
 * write queue), and helpers that set up load for the queue benchmarks.
 */
@Controller('bench')
class BenchController {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly dataSource: DataSource,
    private readonly engine: IncidentEngine,
    private readonly outbox: OutboxService,
    private readonly moduleRef: ModuleRef,
    private readonly config: AppConfig,
  ) {}

  @Post('floor')
  @HttpCode(201)
  async floor(@CurrentPrincipal() p: Principal) {
    const id = randomUUID();
    // The same write queue and statement path (sql()) as the product's hot path.
    await this.tx.run((em) =>
      sql(em, 'INSERT INTO bench_floor (id, org_id, at) VALUES (?, ?, ?)', [id, p.orgId, new Date().toISOString()]),
    );
    return { id };
  }

  /**
   * 1,000 real incidents whose initial-report deadlines fall due within `spreadMs`, starting `leadMs`
   * from now; answers the ids of their due jobs, whose lateness the runner reads from BullMQ.
   */
  @Post('deadlines')
  async deadlines(@CurrentPrincipal() p: Principal, @Body() body: { count: number; spreadMs: number; leadMs: number }) {
    const dueJobIds: string[] = [];
    const t0 = Date.now() + body.leadMs;
    for (let i = 0; i < body.count; i++) {
      const due = t0 + Math.floor((i * body.spreadMs) / body.count);
      const detectedAt = new Date(due - 3600_000).toISOString();
      const { incident, snapshot } = await this.engine.declare(p, {
        title: `bench deadline ${i}`,
        description: '',
        category: 'ddos',
        grade: 'II',
        detectedAt,
        occurredAt: null,
        affectedSystems: [],
        affectedBusiness: [],
        drill: true,
        impact: null,
      });
      await this.confirm(p, incident, snapshot.context as IncidentContext);
      dueJobIds.push(
        INCIDENT_DEADLINE.jobId({ incidentId: incident.id, timer: 'initial-report', generation: 1 }, 'due'),
      );
    }
    return { scheduled: body.count, firstDueAt: new Date(t0).toISOString(), dueJobIds };
  }

  /** Unsent outbox rows and queued/running jobs: the runner waits for zero between runs. */
  @Get('idle')
  async idle() {
    const [{ n }] = await this.dataSource.query('SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL');
    let jobs = 0;
    for (const name of Object.values(QUEUES)) {
      const c = await this.moduleRef
        .get<Queue>(getQueueToken(name), { strict: false })
        .getJobCounts('waiting', 'active', 'prioritized');
      jobs += c.waiting + c.active + c.prioritized;
    }
    return { outbox: Number(n), jobs, notifyConcurrency: this.config.NOTIFY_CONCURRENCY };
  }

  /** CPU time this process has used (all threads), in µs: the runner takes it before and after each run. */
  @Get('cpu')
  cpu() {
    const { user, system } = process.cpuUsage();
    return { micros: user + system };
  }

  /**
   * Writes `count` fan-out items as if `count` events had happened, `chunk` per transaction (the
   * raw worker's side enqueues with addBulk in chunks of the same size); each commit wakes the relay.
   */
  @Post('notifications')
  async notifications(
    @CurrentPrincipal() p: Principal,
    @Body() body: { count: number; chunk: number; incidentId: string; runId: string },
  ) {
    for (let start = 0; start < body.count; start += body.chunk) {
      const items: OutboxItem[] = Array.from({ length: Math.min(body.chunk, body.count - start) }, (_, j) => ({
        id: jobId('bench', body.runId, start + j),
        queue: QUEUES.notifications,
        kind: 'fanout',
        payload: {
          orgId: p.orgId,
          incidentId: body.incidentId,
          event: 'incident.confirmed',
          data: { seq: start + j },
          drill: true,
          grade: 'II',
        },
      }));
      await this.tx.run((em) => this.outbox.add(em, items));
    }
    return { enqueued: body.count };
  }

  private async confirm(p: Principal, incident: Incident, context: IncidentContext) {
    const steps = context.steps.filter((s) => s.phase === 'triage' && s.mandatory);
    for (const s of steps) {
      const role = s.roles.includes(p.role) ? p.role : s.roles[0];
      await this.engine.stepEvent(
        { ...p, role: role as Principal['role'] },
        incident.id,
        p.orgId,
        s.id,
        'COMPLETE_STEP',
        {},
      );
    }
    await this.engine.apply(p, incident.id, p.orgId, { type: 'CONFIRM', grade: 'II' });
  }
}

// Like any module of the service, it imports what it uses (no module but config, logging and the database is global).
@Module({ imports: [IncidentsModule, OutboxModule], controllers: [BenchController] })
export class BenchFloorModule implements OnModuleInit {
  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit() {
    await this.dataSource.query(
      'CREATE TABLE IF NOT EXISTS bench_floor (id varchar(36) PRIMARY KEY, ' +
        'org_id varchar(36) NOT NULL, at varchar(32) NOT NULL)',
    );
  }
}
