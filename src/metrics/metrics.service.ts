import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Organisations } from '../accounts';
import type { Principal } from '../auth';
import { badField } from '../common';
import { sql } from '../database';
import {
  DURATION_BUCKETS,
  type DepartmentFiguresView,
  type DepartmentMetricsView,
  type DurationStatsView,
  type MetricsQuery,
  type OnTimeView,
  type OperatorFiguresView,
  type OperatorMetricsQuery,
  type OperatorMetricsView,
  type SectorIncidentsView,
  type SectorView,
} from './metrics.dto';
import { MetricsProjection } from './metrics-projection';
import { weekOf } from './projector';

const DAY = 86_400_000;
/** One collator for every sort by name (localeCompare would build one per comparison). */
const BY_NAME = new Intl.Collator('zh-CN');
/** How long the sector's operators (names, ids) are kept between requests: they change seldom. */
const SECTOR_CACHE_MS = 10_000;
/** The warnings awaiting feedback listed (soonest due first); the total says how many there are. */
const PENDING_SHOWN = 200;
const GRADES = ['I', 'II', 'III', 'IV'];
/** Upper bounds of the duration buckets, seconds (the last is open). */
const BUCKET_LIMITS = [15 * 60, 3600, 4 * 3600, 24 * 3600, 7 * 24 * 3600, Infinity];

interface IncidentFact {
  incident_id: string;
  grade: string;
  category: string;
  drill: boolean | number;
  declared_at: string;
  week: string;
  confirmed_at: string | null;
  contained_at: string | null;
  closed_at: string | null;
}

interface DeadlineFact {
  incident_id: string;
  timer: string;
  missed_seen: boolean | number;
  submission_seq: number | string | null;
  submission_late: boolean | number | null;
  escalation_level: number | string;
}

type Status = 'met' | 'missed' | 'pending';

interface Period {
  from: string;
  to: string;
  /** ISO instants bounding the period: [start, end). */
  start: string;
  end: string;
  weeks: string[];
  includeDrills: boolean;
}

const truthy = (v: boolean | number | null | undefined) => v === true || v === 1;
const rate = (met: number, missed: number) =>
  met + missed ? Math.round((met / (met + missed)) * 10_000) / 10_000 : null;
const onTime = (met: number, missed: number): OnTimeView => ({ met, missed, rate: rate(met, missed) });
const seconds = (from: string, to: string | null) =>
  to === null ? null : Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));

function deadlineStatus(d: DeadlineFact): Status {
  if (d.submission_seq !== null && d.submission_seq !== undefined) return truthy(d.submission_late) ? 'missed' : 'met';
  return truthy(d.missed_seen) ? 'missed' : 'pending';
}

function durationStats(values: number[]): DurationStatsView {
  if (!values.length) return { count: 0, meanSeconds: null, medianSeconds: null, maxSeconds: null };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    meanSeconds: Math.round(sorted.reduce((s, v) => s + v, 0) / sorted.length),
    medianSeconds: sorted[Math.floor((sorted.length - 1) / 2)],
    maxSeconds: sorted[sorted.length - 1],
  };
}

/**
 * The figures, computed on read from the metrics facts (kept from the audit trail by
 * MetricsProjection): an operator's own incidents, deadlines and escalations; a department's reports
 * received, their punctuality, its onward reports and its warnings' feedback — from reports only, so
 * a department never learns an operator's steps, notes, evidence or timeline.
 */
@Injectable()
export class MetricsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projection: MetricsProjection,
    private readonly organisations: Organisations,
  ) {}

  period(q: MetricsQuery, now = new Date()): Period {
    const to = q.to ?? now.toISOString().slice(0, 10);
    const toDay = Date.parse(`${to}T00:00:00.000Z`);
    if (Number.isNaN(toDay)) throw badField('to', 'to must be a real date');
    const from =
      q.from ?? new Date(Date.parse(weekOf(new Date(toDay).toISOString())) - 11 * 7 * DAY).toISOString().slice(0, 10);
    const fromDay = Date.parse(`${from}T00:00:00.000Z`);
    if (Number.isNaN(fromDay)) throw badField('from', 'from must be a real date');
    if (fromDay > toDay) throw badField('from', 'from must not be after to');
    if (toDay - fromDay > 3 * 366 * DAY) throw badField('from', 'a period is at most three years');
    const weeks: string[] = [];
    for (let w = Date.parse(weekOf(new Date(fromDay).toISOString())); w <= toDay; w += 7 * DAY)
      weeks.push(new Date(w).toISOString().slice(0, 10));
    return {
      from,
      to,
      start: new Date(fromDay).toISOString(),
      end: new Date(toDay + DAY).toISOString(),
      weeks,
      includeDrills: q.includeDrills === true,
    };
  }

  async operator(p: Principal, q: OperatorMetricsQuery): Promise<OperatorMetricsView> {
    const period = this.period(q);
    await this.projection.settled();
    const em = this.dataSource.manager;
    const params: unknown[] = [p.orgId, period.start, period.end];
    let where = 'org_id = ? AND declared_at >= ? AND declared_at < ?';
    if (!period.includeDrills) {
      where += ' AND drill = ?';
      params.push(false);
    }
    if (q.grade) {
      where += ' AND grade = ?';
      params.push(q.grade);
    }
    if (q.category) {
      where += ' AND category = ?';
      params.push(q.category);
    }
    const incidents = await sql<IncidentFact>(
      em,
      'SELECT incident_id, grade, category, drill, declared_at, week, confirmed_at, contained_at, closed_at ' +
        `FROM metrics_incident WHERE ${where} ORDER BY declared_at`,
      params,
    );
    const deadlines = new Map<string, DeadlineFact[]>();
    for (const d of await sql<DeadlineFact>(
      em,
      'SELECT incident_id, timer, missed_seen, submission_seq, submission_late, escalation_level ' +
        'FROM metrics_deadline WHERE org_id = ?',
      [p.orgId],
    )) {
      const list = deadlines.get(d.incident_id) ?? [];
      list.push(d);
      deadlines.set(d.incident_id, list);
    }
    // One pass: each incident is added to the totals, its week, its grade and its category.
    const groups = new Map<string, Accumulator>();
    const group = (key: string) => groups.get(key) ?? groups.set(key, new Accumulator()).get(key)!;
    for (const i of incidents) {
      const c = seconds(i.declared_at, i.confirmed_at);
      const k = seconds(i.declared_at, i.contained_at);
      const z = seconds(i.declared_at, i.closed_at);
      const own = deadlines.get(i.incident_id) ?? [];
      for (const key of ['all', `w:${i.week}`, `g:${i.grade}`, `c:${i.category}`]) group(key).add(c, k, z, own);
    }
    const figures = (key: string): OperatorFiguresView => (groups.get(key) ?? new Accumulator()).figures();
    const categories = [...new Set(incidents.map((i) => i.category))].sort();
    const bucketOf = (s: number) => DURATION_BUCKETS[BUCKET_LIMITS.findIndex((limit) => s <= limit)];
    const distribution = DURATION_BUCKETS.map((bucket) => ({ bucket, confirm: 0, contain: 0, close: 0 }));
    for (const i of incidents) {
      const add = (key: 'confirm' | 'contain' | 'close', s: number | null) => {
        if (s !== null) distribution.find((b) => b.bucket === bucketOf(s))![key]++;
      };
      add('confirm', seconds(i.declared_at, i.confirmed_at));
      add('contain', seconds(i.declared_at, i.contained_at));
      add('close', seconds(i.declared_at, i.closed_at));
    }
    return {
      orgId: p.orgId,
      from: period.from,
      to: period.to,
      includeDrills: period.includeDrills,
      totals: figures('all'),
      byWeek: period.weeks.map((week) => ({ week, ...figures(`w:${week}`) })),
      byGrade: GRADES.map((grade) => ({ grade, ...figures(`g:${grade}`) })),
      byCategory: categories.map((category) => ({ category, ...figures(`c:${category}`) })),
      distribution,
    };
  }

  async department(p: Principal, q: MetricsQuery, now = new Date()): Promise<DepartmentMetricsView> {
    const period = this.period(q, now);
    await this.projection.settled();
    const em = this.dataSource.manager;
    const drill = period.includeDrills ? '' : ' AND drill = ?';
    // Whole weeks: the sums are kept per week (MetricsDeliveryWeek), so a sector of 100,000 reports is
    // a sum over operators × weeks.
    const first = period.weeks[0];
    const last = period.weeks[period.weeks.length - 1];
    const base = [p.orgId, first, last, ...(period.includeDrills ? [] : [false])];
    const nowIso = now.toISOString();
    const empty = (): Counts => ({ ...ZERO });
    const byOp = new Map<string, Counts>();
    const byWeek = new Map<string, Counts>(period.weeks.map((w) => [w, empty()]));
    // Each sum twice, per operator and per week, so SQLite adds the rows up rather than this loop.
    for (const [dimension, into] of [
      ['operator_org_id', byOp],
      ['week', byWeek],
    ] as const) {
      const counts = (key: string) => into.get(key) ?? into.set(key, empty()).get(key)!;
      for (const r of await sql<Record<string, number | string | null>>(
        em,
        `SELECT ${dimension} AS k, SUM(received) AS received, SUM(on_time) AS on_time, SUM(late) AS late, ` +
          'SUM(onward_due) AS onward_due, SUM(onward_met) AS onward_met, SUM(onward_missed) AS onward_missed ' +
          `FROM metrics_delivery_week WHERE department_org_id = ? AND week >= ? AND week <= ?${drill} ` +
          `GROUP BY ${dimension}`,
        base,
      ))
        Object.assign(counts(String(r.k)), {
          received: Number(r.received),
          onTime: Number(r.on_time),
          late: Number(r.late),
          onwardDue: Number(r.onward_due),
          onwardMet: Number(r.onward_met),
          onwardMissed: Number(r.onward_missed),
        });
      for (const r of await sql<Record<string, number | string | null>>(
        em,
        `SELECT ${dimension} AS k, SUM(targeted) AS targeted, SUM(answered_on_time) AS on_time, ` +
          'SUM(answered_late) AS late FROM metrics_warning_week ' +
          `WHERE department_org_id = ? AND week >= ? AND week <= ?${drill} GROUP BY ${dimension}`,
        base,
      ))
        Object.assign(counts(String(r.k)), {
          targeted: Number(r.targeted),
          answeredOnTime: Number(r.on_time),
          answeredLate: Number(r.late),
        });
      for (const r of await sql<Record<string, number | string | null>>(
        em,
        `SELECT ${dimension} AS k, SUM(CASE WHEN due_at > ? THEN 1 ELSE 0 END) AS pending, ` +
          'SUM(CASE WHEN due_at <= ? THEN 1 ELSE 0 END) AS overdue FROM metrics_warning_target ' +
          `WHERE department_org_id = ? AND feedback_at IS NULL AND week >= ? AND week <= ?${drill} ` +
          `GROUP BY ${dimension}`,
        [nowIso, nowIso, ...base],
      ))
        Object.assign(counts(String(r.k)), { pending: Number(r.pending), overdue: Number(r.overdue) });
    }
    const totals = empty();
    for (const c of byWeek.values()) for (const k of Object.keys(totals) as Array<keyof Counts>) totals[k] += c[k];
    const sectorOps = await this.sectorOperators(p);
    const names = new Map(sectorOps.map((o) => [o.id, o.name]));
    const others = [...byOp.keys()].filter((id) => !names.has(id));
    for (const [id, name] of await this.organisations.names(others)) names.set(id, name);
    const operators = [...new Set([...sectorOps.map((o) => o.id), ...byOp.keys()])].map((id) => ({
      operatorOrgId: id,
      name: names.get(id) ?? id,
      ...departmentFigures(byOp.get(id) ?? empty()),
    }));
    // Punctuality ranking: best on-time rate first; operators with nothing decided last; then by name.
    operators.sort(
      (a, b) =>
        (b.reports.rate ?? -1) - (a.reports.rate ?? -1) ||
        b.reports.met - a.reports.met ||
        BY_NAME.compare(a.name, b.name),
    );
    return {
      orgId: p.orgId,
      sector: p.sector ?? null,
      from: period.from,
      to: period.to,
      includeDrills: period.includeDrills,
      totals: departmentFigures(totals),
      operators: operators.map((o, i) => ({ ...o, rank: i + 1 })),
      byWeek: period.weeks.map((week) => ({ week, ...departmentFigures(byWeek.get(week)!) })),
    };
  }

  async sector(p: Principal, q: { includeDrills?: boolean }, now = new Date()): Promise<SectorView> {
    await this.projection.settled();
    const em = this.dataSource.manager;
    const includeDrills = q.includeDrills === true;
    const drill = includeDrills ? '' : ' AND drill = ?';
    const base = [p.orgId, ...(includeDrills ? [] : [false])];
    const reports = await sql<Record<string, number | string | null>>(
      em,
      'SELECT operator_org_id AS op, SUM(incidents) AS incidents, SUM(received) AS received, ' +
        'MAX(last_at) AS last_at, SUM(on_time) AS on_time, SUM(late) AS late ' +
        `FROM metrics_sector_operator WHERE department_org_id = ?${drill} GROUP BY operator_org_id`,
      base,
    );
    const pendingCounts = await sql<{ op: string; n: number | string }>(
      em,
      'SELECT operator_org_id AS op, COUNT(*) AS n FROM metrics_warning_target ' +
        `WHERE department_org_id = ? AND feedback_at IS NULL${drill} GROUP BY operator_org_id`,
      base,
    );
    const pending = await sql<Record<string, string | number | boolean>>(
      em,
      'SELECT warning_id, operator_org_id, reference, level, due_at, drill FROM metrics_warning_target ' +
        `WHERE department_org_id = ? AND feedback_at IS NULL${drill} ORDER BY due_at, reference, operator_org_id ` +
        'LIMIT ?',
      [...base, PENDING_SHOWN],
    );
    const sectorOps = await this.sectorOperators(p);
    const names = new Map(sectorOps.map((o) => [o.id, o.name]));
    const ids = [
      ...new Set([
        ...sectorOps.map((o) => o.id),
        ...reports.map((r) => String(r.op)),
        ...pendingCounts.map((w) => String(w.op)),
      ]),
    ];
    for (const [id, name] of await this.organisations.names(ids.filter((id) => !names.has(id)))) names.set(id, name);
    const byOp = new Map(reports.map((r) => [String(r.op), r]));
    const pendingCount = new Map(pendingCounts.map((w) => [String(w.op), Number(w.n)]));
    const nowIso = now.toISOString();
    return {
      sector: p.sector ?? null,
      includeDrills,
      operators: ids
        .map((id) => {
          const r = byOp.get(id);
          return {
            operatorOrgId: id,
            name: names.get(id) ?? id,
            reportedIncidents: Number(r?.incidents ?? 0),
            reportsReceived: Number(r?.received ?? 0),
            lastReportAt: r?.last_at ? String(r.last_at) : null,
            reports: onTime(Number(r?.on_time ?? 0), Number(r?.late ?? 0)),
            warningsPendingFeedback: pendingCount.get(id) ?? 0,
          };
        })
        .sort((a, b) => b.reportedIncidents - a.reportedIncidents || BY_NAME.compare(a.name, b.name)),
      pendingWarningsTotal: pendingCounts.reduce((sum, w) => sum + Number(w.n), 0),
      pendingWarnings: pending.map((w) => ({
        warningId: String(w.warning_id),
        reference: String(w.reference),
        level: String(w.level),
        operatorOrgId: String(w.operator_org_id),
        operatorName: names.get(String(w.operator_org_id)) ?? String(w.operator_org_id),
        dueAt: String(w.due_at),
        overdue: String(w.due_at) <= nowIso,
        drill: truthy(w.drill as boolean | number),
      })),
    };
  }

  /** The incidents one operator reported to this department, from its reports only. */
  async sectorIncidents(
    p: Principal,
    operatorOrgId: string,
    q: { includeDrills?: boolean },
  ): Promise<SectorIncidentsView> {
    await this.projection.settled();
    const em = this.dataSource.manager;
    const includeDrills = q.includeDrills === true;
    const rows = await sql<Record<string, string | number | boolean | null>>(
      em,
      'SELECT incident_reference, grade, category, drill, kind, received_at, on_time FROM metrics_delivery ' +
        `WHERE department_org_id = ? AND operator_org_id = ?${includeDrills ? '' : ' AND drill = ?'} ` +
        'ORDER BY received_at',
      [p.orgId, operatorOrgId, ...(includeDrills ? [] : [false])],
    );
    const org = await this.organisations.find(operatorOrgId);
    const inSector = org && org.kind === 'operator' && org.sector === p.sector;
    // Neither another sector's operator nor an unknown id is shown: the same 404 for both.
    if (!org || (!inSector && rows.length === 0)) throw new NotFoundException('No such operator in your sector');
    const byIncident = new Map<string, SectorIncidentsView['items'][number]>();
    for (const r of rows) {
      const ref = String(r.incident_reference);
      const item = byIncident.get(ref) ?? {
        incidentReference: ref,
        grade: String(r.grade),
        category: String(r.category),
        drill: truthy(r.drill as boolean | number),
        reports: 0,
        kinds: [],
        firstReceivedAt: String(r.received_at),
        lastReceivedAt: String(r.received_at),
        initialOnTime: null,
      };
      item.reports++;
      item.grade = String(r.grade); // the newest report's grade
      if (!item.kinds.includes(String(r.kind))) item.kinds.push(String(r.kind));
      item.lastReceivedAt = String(r.received_at);
      if (r.kind === 'initial' && item.initialOnTime === null && r.on_time !== null)
        item.initialOnTime = Number(r.on_time) === 1;
      byIncident.set(ref, item);
    }
    return {
      operatorOrgId,
      name: org.name,
      items: [...byIncident.values()].sort((a, b) => b.lastReceivedAt.localeCompare(a.lastReceivedAt)),
    };
  }

  private readonly sectors = new Map<string, { at: number; operators: Promise<Array<{ id: string; name: string }>> }>();

  /** The sector's operators, kept SECTOR_CACHE_MS: a large sector's thousand rows are read once, not per request. */
  private sectorOperators(p: Principal): Promise<Array<{ id: string; name: string }>> {
    if (!p.sector) return Promise.resolve([]);
    const sector = p.sector;
    const kept = this.sectors.get(sector);
    if (kept && Date.now() - kept.at < SECTOR_CACHE_MS) return kept.operators;
    const operators = this.organisations
      .operatorsOfSector(sector)
      .then((list) => list.map((o) => ({ id: o.id, name: o.name })));
    this.sectors.set(sector, { at: Date.now(), operators });
    operators.catch(() => this.sectors.delete(sector));
    return operators;
  }
}

/** The operator figures of one group of incidents, added up one incident at a time. */
class Accumulator {
  private readonly confirm: number[] = [];
  private readonly contain: number[] = [];
  private readonly close: number[] = [];
  private incidents = 0;
  private initialMet = 0;
  private initialMissed = 0;
  private finalMet = 0;
  private finalMissed = 0;
  private misses = 0;
  private escalations = 0;

  add(confirm: number | null, contain: number | null, close: number | null, deadlines: DeadlineFact[]): void {
    this.incidents++;
    if (confirm !== null) this.confirm.push(confirm);
    if (contain !== null) this.contain.push(contain);
    if (close !== null) this.close.push(close);
    for (const d of deadlines) {
      const status = deadlineStatus(d);
      if (status === 'missed') this.misses++;
      this.escalations += Number(d.escalation_level);
      if (d.timer === 'initial-report' && status === 'met') this.initialMet++;
      if (d.timer === 'initial-report' && status === 'missed') this.initialMissed++;
      if (d.timer === 'final-report' && status === 'met') this.finalMet++;
      if (d.timer === 'final-report' && status === 'missed') this.finalMissed++;
    }
  }

  figures(): OperatorFiguresView {
    return {
      incidents: this.incidents,
      timeToConfirm: durationStats(this.confirm),
      timeToContain: durationStats(this.contain),
      timeToClose: durationStats(this.close),
      initialReports: onTime(this.initialMet, this.initialMissed),
      finalReports: onTime(this.finalMet, this.finalMissed),
      deadlineMisses: this.misses,
      escalations: this.escalations,
    };
  }
}

interface Counts {
  received: number;
  onTime: number;
  late: number;
  onwardDue: number;
  onwardMet: number;
  onwardMissed: number;
  targeted: number;
  answeredOnTime: number;
  answeredLate: number;
  pending: number;
  overdue: number;
}

const ZERO: Counts = {
  received: 0,
  onTime: 0,
  late: 0,
  onwardDue: 0,
  onwardMet: 0,
  onwardMissed: 0,
  targeted: 0,
  answeredOnTime: 0,
  answeredLate: 0,
  pending: 0,
  overdue: 0,
};

function departmentFigures(c: Counts): DepartmentFiguresView {
  return {
    reportsReceived: c.received,
    reports: onTime(c.onTime, c.late),
    onward: {
      due: c.onwardDue,
      met: c.onwardMet,
      missed: c.onwardMissed,
      pending: c.onwardDue - c.onwardMet - c.onwardMissed,
      rate: rate(c.onwardMet, c.onwardMissed),
    },
    warnings: {
      targeted: c.targeted,
      answeredOnTime: c.answeredOnTime,
      answeredLate: c.answeredLate,
      pending: c.pending,
      overdue: c.overdue,
      rate: rate(c.answeredOnTime, c.answeredLate + c.overdue),
    },
  };
}
