import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { AuditService, type CommittedAuditEntry } from '../audit';
import type { Actor } from '../auth';
import { chunks, placeholders, sql, TransactionRunner } from '../database';
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
const SUM_TABLES = ['metrics_delivery_week', 'metrics_sector_operator', 'metrics_warning_week'];

/** What a batch changed, so the sums of exactly those keys are computed again. */
interface Touched {
  deliveries: Set<string>;
  reports: Set<string>;
  /** `<warning id> <operator id>` */
  targets: Set<string>;
}

const DELIVERY_WEEK_SUMS =
  'SELECT department_org_id, week, operator_org_id, drill, COUNT(*), ' +
  'SUM(CASE WHEN on_time = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN on_time = 0 THEN 1 ELSE 0 END), ' +
  'SUM(CASE WHEN onward_required = ? THEN 1 ELSE 0 END), ' +
  "SUM(CASE WHEN onward_required = ? AND onward_status = 'met' THEN 1 ELSE 0 END), " +
  "SUM(CASE WHEN onward_required = ? AND (onward_status = 'missed' OR " +
  '(onward_status IS NULL AND onward_missed = ?)) THEN 1 ELSE 0 END) FROM metrics_delivery';
const SECTOR_SUMS =
  'SELECT department_org_id, operator_org_id, drill, COUNT(DISTINCT incident_reference), COUNT(*), ' +
  'SUM(CASE WHEN on_time = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN on_time = 0 THEN 1 ELSE 0 END), MAX(received_at) ' +
  'FROM metrics_delivery';
const WARNING_WEEK_SUMS =
  'SELECT department_org_id, week, operator_org_id, drill, COUNT(*), ' +
  'SUM(CASE WHEN feedback_at IS NOT NULL AND feedback_at <= due_at THEN 1 ELSE 0 END), ' +
  'SUM(CASE WHEN feedback_at IS NOT NULL AND feedback_at > due_at THEN 1 ELSE 0 END) FROM metrics_warning_target';
const INSERT_DELIVERY_WEEK =
  'INSERT INTO metrics_delivery_week (department_org_id, week, operator_org_id, drill, received, on_time, late, ' +
  'onward_due, onward_met, onward_missed) ';
const INSERT_SECTOR =
  'INSERT INTO metrics_sector_operator (department_org_id, operator_org_id, drill, incidents, received, on_time, ' +
  'late, last_at) ';
const INSERT_WARNING_WEEK =
  'INSERT INTO metrics_warning_week (department_org_id, week, operator_org_id, drill, targeted, ' +
  'answered_on_time, answered_late) ';
const TRUES = [true, true, true, true];

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
      await sumAll(em);
      await this.audit.append(em, { actor, action: 'metrics.rebuilt', payload: { entries } });
      return { entries };
    });
  }

  /** Projects the entries after the cursor (all of them on a first start). */
  async catchUp(): Promise<{ entries: number }> {
    return this.tx.run(async (em) => {
      const [row] = await sql<{ seq: number | string }>(em, "SELECT seq FROM metrics_cursor WHERE name = 'trail'");
      const entries = await this.projectFrom(em, row ? Number(row.seq) : 0);
      if (entries) await sumAll(em);
      return { entries };
    });
  }

  private async projectFrom(em: EntityManager, after: number): Promise<number> {
    let cursor = after;
    let count = 0;
    for (;;) {
      const rows = await this.audit.entriesAfter(em, cursor, PROJECTED_ACTIONS_LIKE, PAGE);
      if (!rows.length) break;
      const entries: ProjectedEntry[] = rows.map((r) => ({
        ...r,
        payload: JSON.parse(r.payload) as Record<string, unknown>,
      }));
      await this.applyAll(em, entries, false);
      count += entries.length;
      cursor = entries[entries.length - 1].seq;
      if (rows.length < PAGE) break;
    }
    // The cursor covers the whole trail read, not only projected actions.
    await this.moveCursor(em, Math.max(cursor, await this.audit.lastSeq(em)));
    return count;
  }

  /** Applies the entries' changes; `sums`: then computes the sums of the keys they touched again. */
  private async applyAll(em: EntityManager, entries: readonly ProjectedEntry[], sums = true): Promise<void> {
    let top = 0;
    const touched: Touched = { deliveries: new Set(), reports: new Set(), targets: new Set() };
    for (const e of entries) {
      for (const change of project(e)) {
        await apply(em, change);
        touch(touched, change);
      }
      top = Math.max(top, e.seq);
    }
    if (sums) await sumTouched(em, touched);
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

function touch(t: Touched, c: FactChange): void {
  if (c.kind === 'delivery' || c.kind === 'onward-missed' || c.kind === 'onward-forwarded')
    t.deliveries.add(c.deliveryId);
  else if (c.kind === 'report-timing') t.reports.add(c.reportId);
  else if (c.kind === 'warning-target' || c.kind === 'warning-feedback')
    t.targets.add(`${c.warningId} ${c.operatorOrgId}`);
}

/** The statements that compute every sum from the facts (a rebuild, a catch-up; the benchmark's seeding). */
export const SUM_ALL: Array<[string, unknown[]]> = [
  ...SUM_TABLES.map((t): [string, unknown[]] => [`DELETE FROM ${t}`, []]),
  [`${INSERT_DELIVERY_WEEK}${DELIVERY_WEEK_SUMS} GROUP BY department_org_id, week, operator_org_id, drill`, TRUES],
  [`${INSERT_SECTOR}${SECTOR_SUMS} GROUP BY department_org_id, operator_org_id, drill`, []],
  [`${INSERT_WARNING_WEEK}${WARNING_WEEK_SUMS} GROUP BY department_org_id, week, operator_org_id, drill`, []],
];

async function sumAll(em: EntityManager): Promise<void> {
  for (const [text, params] of SUM_ALL) await sql(em, text, params);
}

/** The sums of the (department, operator, week) keys a batch touched, from their facts. */
async function sumTouched(em: EntityManager, t: Touched): Promise<void> {
  const weeks = new Map<string, [string, string, string]>();
  const add = (rows: Array<Record<string, unknown>>) => {
    for (const r of rows) {
      const k: [string, string, string] = [String(r.d), String(r.o), String(r.w)];
      weeks.set(k.join(' '), k);
    }
  };
  const select = 'SELECT DISTINCT department_org_id AS d, operator_org_id AS o, week AS w FROM metrics_delivery WHERE ';
  for (const ids of chunks([...t.deliveries], 200))
    add(await sql(em, `${select}delivery_id IN (${placeholders(ids.length)})`, ids));
  for (const ids of chunks([...t.reports], 200))
    add(await sql(em, `${select}report_id IN (${placeholders(ids.length)})`, ids));
  const operators = new Map<string, [string, string]>();
  for (const [d, o, w] of weeks.values()) {
    operators.set(`${d} ${o}`, [d, o]);
    await sql(
      em,
      'DELETE FROM metrics_delivery_week WHERE department_org_id = ? AND week = ? AND operator_org_id = ?',
      [d, w, o],
    );
    await sql(
      em,
      `${INSERT_DELIVERY_WEEK}${DELIVERY_WEEK_SUMS} WHERE department_org_id = ? AND operator_org_id = ? AND week = ? ` +
        'GROUP BY department_org_id, week, operator_org_id, drill',
      [...TRUES, d, o, w],
    );
  }
  for (const [d, o] of operators.values()) {
    await sql(em, 'DELETE FROM metrics_sector_operator WHERE department_org_id = ? AND operator_org_id = ?', [d, o]);
    await sql(
      em,
      `${INSERT_SECTOR}${SECTOR_SUMS} WHERE department_org_id = ? AND operator_org_id = ? ` +
        'GROUP BY department_org_id, operator_org_id, drill',
      [d, o],
    );
  }
  const warningWeeks = new Map<string, [string, string, string]>();
  for (const key of t.targets) {
    const [warningId, operatorId] = key.split(' ');
    for (const r of await sql<Record<string, unknown>>(
      em,
      'SELECT department_org_id AS d, week AS w FROM metrics_warning_target ' +
        'WHERE warning_id = ? AND operator_org_id = ?',
      [warningId, operatorId],
    ))
      warningWeeks.set(`${String(r.d)} ${operatorId} ${String(r.w)}`, [String(r.d), operatorId, String(r.w)]);
  }
  for (const [d, o, w] of warningWeeks.values()) {
    await sql(em, 'DELETE FROM metrics_warning_week WHERE department_org_id = ? AND week = ? AND operator_org_id = ?', [
      d,
      w,
      o,
    ]);
    await sql(
      em,
      `${INSERT_WARNING_WEEK}${WARNING_WEEK_SUMS} WHERE department_org_id = ? AND operator_org_id = ? AND week = ? ` +
        'GROUP BY department_org_id, week, operator_org_id, drill',
      [d, o, w],
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
