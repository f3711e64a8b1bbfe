import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { AuditService, type CommittedAuditEntry } from '../audit';
import type { Actor } from '../auth';
import { sql, TransactionRunner } from '../database';
import { LOGGER } from '../logging';
import { project, weekOf, type FactChange, type ProjectedEntry } from './projector';

/** Entries read per page when catching up or rebuilding. */
const PAGE = 2000;

/** The actions the projection reads: a catch-up or rebuild reads only these entries. */
export const PROJECTED_ACTIONS_LIKE = ['incident.%', 'deadline.escalated', 'report.%', 'warning.%'];

const FACT_TABLES = [
  'metrics_incident',
  'metrics_deadline',
  'metrics_report_timing',
  'metrics_delivery',
  'metrics_warning_target',
];

/**
 * Keeps the metrics facts (metrics.entities.ts) from the audit trail. Every process that writes
 * listens to the entries it commits (AuditService.onCommitted) and applies what `project` makes of
 * them in one small transaction per event-loop turn, so a burst of events costs one write, not one
 * each. At start-up it catches up from its cursor (entries another process committed while this one
 * was down, or a crash between a commit and its projection), and `rebuild` empties the facts and
 * projects the whole trail again: the figures must come out the same (test/e2e/metrics.e2e-spec.ts).
 * The merges are order-independent, so entries projected twice or out of order change nothing.
 */
@Injectable()
export class MetricsProjection implements OnApplicationBootstrap, OnModuleDestroy {
  private queue: ProjectedEntry[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  private stop?: () => void;

  constructor(
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    @Optional() @Inject(LOGGER) private readonly logger?: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.stop = this.audit.onCommitted((entry) => this.enqueue(entry));
    try {
      await this.catchUp();
    } catch (err) {
      this.logger?.warn({ err }, 'metrics catch-up failed; the next start tries again');
    }
  }

  onModuleDestroy(): void {
    this.stop?.();
  }

  private enqueue(entry: CommittedAuditEntry): void {
    if (project(entry).length === 0) return;
    this.queue.push(entry);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  /** Resolves once every entry committed so far in this process has been projected. */
  async settled(): Promise<void> {
    while (this.queue.length || this.flushing || this.scheduled) {
      if (this.flushing) await this.flushing;
      else await this.flush();
    }
  }

  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    const batch = this.queue;
    if (!batch.length) return Promise.resolve();
    this.queue = [];
    this.flushing = this.tx
      .run((em) => this.applyAll(em, batch))
      .catch((err: unknown) => {
        // The next start catches up from the cursor; the figures lag until then.
        this.logger?.error({ err, entries: batch.length }, 'metrics projection failed');
      })
      .finally(() => {
        this.flushing = null;
        if (this.queue.length) void this.flush();
      });
    return this.flushing;
  }

  /** Empties the facts and projects the whole audit trail again (audited as `metrics.rebuilt`). */
  async rebuild(actor: Actor): Promise<{ entries: number }> {
    await this.settled();
    return this.tx.run(async (em) => {
      for (const t of FACT_TABLES) await sql(em, `DELETE FROM ${t}`);
      await sql(em, 'DELETE FROM metrics_cursor');
      const entries = await this.projectFrom(em, 0);
      await this.audit.append(em, { actor, action: 'metrics.rebuilt', payload: { entries } });
      return { entries };
    });
  }

  /** Projects the entries after the cursor (all of them on a first start). */
  async catchUp(): Promise<{ entries: number }> {
    return this.tx.run(async (em) => {
      const [row] = await sql<{ seq: number | string }>(em, "SELECT seq FROM metrics_cursor WHERE name = 'trail'");
      return { entries: await this.projectFrom(em, row ? Number(row.seq) : 0) };
    });
  }

  private async projectFrom(em: EntityManager, after: number): Promise<number> {
    const like = PROJECTED_ACTIONS_LIKE.map(() => 'action LIKE ?').join(' OR ');
    let cursor = after;
    let count = 0;
    for (;;) {
      const rows = await sql<Record<string, unknown>>(
        em,
        `SELECT seq, at, org_id, incident_id, action, payload FROM audit_entry WHERE seq > ? AND (${like}) ` +
          'ORDER BY seq LIMIT ?',
        [cursor, ...PROJECTED_ACTIONS_LIKE, PAGE],
      );
      if (!rows.length) break;
      const entries: ProjectedEntry[] = rows.map((r) => ({
        seq: Number(r.seq),
        at: String(r.at),
        orgId: (r.org_id as string | null) ?? null,
        incidentId: (r.incident_id as string | null) ?? null,
        action: String(r.action),
        payload: JSON.parse(String(r.payload)) as Record<string, unknown>,
      }));
      await this.applyAll(em, entries);
      count += entries.length;
      cursor = entries[entries.length - 1].seq;
      if (rows.length < PAGE) break;
    }
    // The cursor covers the whole trail read, not only projected actions.
    const [max] = await sql<{ seq: number | string | null }>(em, 'SELECT MAX(seq) AS seq FROM audit_entry');
    await this.moveCursor(em, Math.max(cursor, Number(max?.seq ?? 0)));
    return count;
  }

  private async applyAll(em: EntityManager, entries: readonly ProjectedEntry[]): Promise<void> {
    let top = 0;
    for (const e of entries) {
      for (const change of project(e)) await apply(em, change);
      top = Math.max(top, e.seq);
    }
    if (top) await this.moveCursor(em, top);
  }

  private async moveCursor(em: EntityManager, seq: number): Promise<void> {
    await sql(
      em,
      "INSERT INTO metrics_cursor (name, seq) VALUES ('trail', ?) " +
        'ON CONFLICT (name) DO UPDATE SET seq = CASE WHEN metrics_cursor.seq > excluded.seq ' +
        'THEN metrics_cursor.seq ELSE excluded.seq END',
      [seq],
    );
  }
}

/** The earlier of the stored time and `?` (null counts as later than anything). */
const earliest = (column: string) =>
  `${column} = CASE WHEN ${column} IS NULL OR ${column} > ? THEN ? ELSE ${column} END`;

async function apply(em: EntityManager, c: FactChange): Promise<void> {
  switch (c.kind) {
    case 'incident-declared':
      await sql(
        em,
        'INSERT INTO metrics_incident (incident_id, org_id, grade, grade_seq, category, drill, declared_at, week, ' +
          'dismissed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (incident_id) DO UPDATE SET ' +
          'org_id = excluded.org_id, category = excluded.category, drill = excluded.drill, ' +
          'declared_at = excluded.declared_at, week = excluded.week, ' +
          'grade = CASE WHEN metrics_incident.grade_seq > excluded.grade_seq THEN metrics_incident.grade ' +
          'ELSE excluded.grade END, grade_seq = CASE WHEN metrics_incident.grade_seq > excluded.grade_seq ' +
          'THEN metrics_incident.grade_seq ELSE excluded.grade_seq END',
        [c.incidentId, c.orgId, c.grade, c.seq, c.category, c.drill, c.at, weekOf(c.at), false],
      );
      return;
    case 'incident-grade':
      await sql(em, 'UPDATE metrics_incident SET grade = ?, grade_seq = ? WHERE incident_id = ? AND grade_seq < ?', [
        c.grade,
        c.seq,
        c.incidentId,
        c.seq,
      ]);
      return;
    case 'incident-time':
      await sql(em, `UPDATE metrics_incident SET ${earliest(c.column)} WHERE incident_id = ?`, [
        c.at,
        c.at,
        c.incidentId,
      ]);
      return;
    case 'incident-dismissed':
      await sql(em, 'UPDATE metrics_incident SET dismissed = ? WHERE incident_id = ?', [true, c.incidentId]);
      return;
    case 'deadline-missed':
      await sql(
        em,
        'INSERT INTO metrics_deadline (incident_id, timer, org_id, missed_seen, escalation_level) ' +
          'VALUES (?, ?, ?, ?, 0) ON CONFLICT (incident_id, timer) DO UPDATE SET missed_seen = excluded.missed_seen',
        [c.incidentId, c.timer, c.orgId, true],
      );
      return;
    case 'deadline-submitted':
      await sql(
        em,
        'INSERT INTO metrics_deadline (incident_id, timer, org_id, missed_seen, submission_seq, submission_late, ' +
          'escalation_level) VALUES (?, ?, ?, ?, ?, ?, 0) ON CONFLICT (incident_id, timer) DO UPDATE SET ' +
          'submission_late = CASE WHEN metrics_deadline.submission_seq IS NULL OR metrics_deadline.submission_seq > ' +
          'excluded.submission_seq THEN excluded.submission_late ELSE metrics_deadline.submission_late END, ' +
          'submission_seq = CASE WHEN metrics_deadline.submission_seq IS NULL OR metrics_deadline.submission_seq > ' +
          'excluded.submission_seq THEN excluded.submission_seq ELSE metrics_deadline.submission_seq END',
        [c.incidentId, c.timer, c.orgId, false, c.seq, c.late],
      );
      return;
    case 'deadline-escalated':
      await sql(
        em,
        'INSERT INTO metrics_deadline (incident_id, timer, org_id, missed_seen, escalation_level) ' +
          'VALUES (?, ?, ?, ?, ?) ON CONFLICT (incident_id, timer) DO UPDATE SET escalation_level = ' +
          'CASE WHEN metrics_deadline.escalation_level > excluded.escalation_level ' +
          'THEN metrics_deadline.escalation_level ELSE excluded.escalation_level END',
        [c.incidentId, c.timer, c.orgId, false, c.level],
      );
      return;
    case 'report-timing':
      // The first submission event of a report decides (a report is submitted once).
      await sql(
        em,
        'INSERT INTO metrics_report_timing (report_id, late) VALUES (?, ?) ON CONFLICT (report_id) DO NOTHING',
        [c.reportId, c.late],
      );
      await sql(em, 'UPDATE metrics_delivery SET on_time = ? WHERE report_id = ? AND on_time IS NULL', [
        c.late ? 0 : 1,
        c.reportId,
      ]);
      return;
    case 'delivery': {
      const [timing] = await sql<{ late: boolean | number }>(
        em,
        'SELECT late FROM metrics_report_timing WHERE report_id = ?',
        [c.reportId],
      );
      const onTime = timing ? (timing.late === true || timing.late === 1 ? 0 : 1) : null;
      await sql(
        em,
        'INSERT INTO metrics_delivery (delivery_id, department_org_id, operator_org_id, report_id, ' +
          'incident_reference, kind, grade, category, drill, received_at, week, on_time, onward_required, ' +
          'onward_missed, onward_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL) ' +
          'ON CONFLICT (delivery_id) DO NOTHING',
        [
          c.deliveryId,
          c.departmentOrgId,
          c.operatorOrgId,
          c.reportId,
          c.incidentReference,
          c.reportKind,
          c.grade,
          c.category,
          c.drill,
          c.receivedAt,
          weekOf(c.receivedAt),
          onTime,
          c.onwardRequired,
          false,
        ],
      );
      return;
    }
    case 'onward-missed':
      await sql(em, 'UPDATE metrics_delivery SET onward_missed = ? WHERE delivery_id = ?', [true, c.deliveryId]);
      return;
    case 'onward-forwarded':
      await sql(em, 'UPDATE metrics_delivery SET onward_status = ? WHERE delivery_id = ?', [c.status, c.deliveryId]);
      return;
    case 'warning-target':
      await sql(
        em,
        'INSERT INTO metrics_warning_target (warning_id, operator_org_id, department_org_id, reference, level, ' +
          'drill, issued_at, week, due_at, feedback_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL) ' +
          'ON CONFLICT (warning_id, operator_org_id) DO NOTHING',
        [
          c.warningId,
          c.operatorOrgId,
          c.departmentOrgId,
          c.reference,
          c.level,
          c.drill,
          c.issuedAt,
          weekOf(c.issuedAt),
          c.dueAt,
        ],
      );
      return;
    case 'warning-feedback':
      await sql(
        em,
        `UPDATE metrics_warning_target SET ${earliest('feedback_at')} WHERE warning_id = ? AND operator_org_id = ?`,
        [c.at, c.at, c.warningId, c.operatorOrgId],
      );
      return;
  }
}
