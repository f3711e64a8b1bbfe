import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { IncidentContext } from '../../workflows/incident/types';
import { AuditEntry, AuditService } from '../audit';
import type { Principal } from '../auth';
import { badField, toIso, type Grade } from '../common';
import { inKeyOrder, keysetPage } from '../http';
import { IncidentDeadlines } from '../clocks';
import { IncidentEngine, type Applied } from './incident-engine';
import { Catalogue } from '../requirements';
import { PlanStore } from '../plans';
import { sql } from '../database';
import { RecipientCoverageSource } from './recipient-coverage';
import { PlanActionDecisions } from './plan-action-decisions';
import type { CreateIncidentDto, ListIncidentsQuery } from './incident.dto';
import { Incident } from './incident.entity';
import { parseUserEvent } from './incident-event.dto';
import {
  eventResult,
  incidentView,
  summaryView,
  type IncidentEventResult,
  type IncidentPage,
  type IncidentView,
} from './incident.view';

const REPORT_EVENTS = new Set([
  'INITIAL_REPORT_SUBMITTED',
  'FOLLOWUP_REPORT_SUBMITTED',
  'FINAL_REPORT_SUBMITTED',
  'POLICE_REPORT_FILED',
]);

/** Clock skew tolerated between a reporter's clock and ours for "detected in the future". */
const FUTURE_SKEW_MS = 5 * 60_000;

/** What a list page shows of an incident (summaryView): never the snapshot, the largest column. */
const SUMMARY_COLUMNS = [
  'id',
  'orgId',
  'reference',
  'title',
  'category',
  'grade',
  'drill',
  'state',
  'detectedAt',
  'version',
  'createdAt',
  'updatedAt',
] as const;

@Injectable()
export class IncidentsService {
  constructor(
    private readonly deadlines: IncidentDeadlines,
    private readonly dataSource: DataSource,
    private readonly engine: IncidentEngine,
    private readonly audit: AuditService,
    private readonly catalogue: Catalogue,
    private readonly readiness: RecipientCoverageSource,
    private readonly plans: PlanStore,
    private readonly planActions: PlanActionDecisions,
  ) {}

  async declare(p: Principal, dto: CreateIncidentDto): Promise<IncidentView> {
    const detected = new Date(dto.detectedAt);
    if (detected.getTime() > Date.now() + FUTURE_SKEW_MS)
      throw badField('detectedAt', 'detectedAt must not be in the future');
    if (dto.occurredAt && new Date(dto.occurredAt).getTime() > detected.getTime()) {
      throw badField('occurredAt', 'occurredAt must not be later than detectedAt');
    }
    const applied = await this.engine.declare(p, {
      title: dto.title,
      description: dto.description ?? '',
      category: dto.category,
      grade: dto.grade,
      detectedAt: dto.detectedAt,
      occurredAt: dto.occurredAt ?? null,
      affectedSystems: dto.affectedSystems ?? [],
      affectedBusiness: dto.affectedBusiness ?? [],
      drill: dto.drill ?? false,
      impact: dto.impact ? { ...dto.impact } : null,
    });
    return this.view(p, applied);
  }

  async get(p: Principal, id: string): Promise<IncidentView> {
    const incident = await this.find(p, id);
    // Only the engine remembers snapshots (after commit); a read just uses one it may have.
    const snapshot = await this.engine.snapshotOf(this.dataSource.manager, incident);
    return this.view(p, { incident, snapshot });
  }

  /** `minimal`: answer with the outcome only (RFC 7240 `Prefer: return=minimal`), not the whole incident. */
  async applyEvent(
    p: Principal,
    id: string,
    body: unknown,
    minimal = false,
    receivedAt = new Date(),
  ): Promise<IncidentView | IncidentEventResult> {
    const { type, expectedVersion, payload } = await parseUserEvent(body);
    const event: Record<string, unknown> & { type: string } = { type, ...payload };
    // A report recorded here (made outside the product, or to the police) was submitted when the request
    // arrived: its deadline is met or missed by that moment (IncidentEngine).
    if (REPORT_EVENTS.has(type)) event.submittedAt = receivedAt.toISOString();
    // A liaison records a report made outside the product (phone, paper) by its reference.
    if (typeof payload.reportReference === 'string') {
      delete event.reportReference;
      event.reportId = `external.${payload.reportReference}`;
    }
    return this.answer(p, await this.engine.apply(p, id, p.orgId, event, { expectedVersion }), minimal);
  }

  async step(
    p: Principal,
    id: string,
    stepId: string,
    kind: 'COMPLETE_STEP' | 'REOPEN_STEP',
    fields: { note?: string; evidence?: string[]; reason?: string; expectedVersion?: number },
    minimal = false,
  ): Promise<IncidentView | IncidentEventResult> {
    const own = await this.planActions.ownEndpoint(p.orgId, id, stepId);
    if (own)
      throw new ConflictException({
        message:
          `Step ${stepId} is ${own === 'approval' ? 'an approval' : "a service provider's report"}: ` +
          `POST /api/v1/incidents/${id}/steps/${stepId}/${own} ${own === 'approval' ? 'decides' : 'records'} it`,
        code: `use-${own}`,
      });
    return this.answer(p, await this.engine.stepEvent(p, id, p.orgId, stepId, kind, fields), minimal);
  }

  /** A decision on a plan's approval step (see PlanActionDecisions). */
  async decideApproval(
    p: Principal,
    id: string,
    stepId: string,
    body: { decision: 'approve' | 'reject'; reason: string; expectedVersion?: number },
  ): Promise<IncidentView> {
    return this.view(p, await this.planActions.decide(p, id, stepId, body));
  }

  /** The receipt of a service provider's report, which completes its step. */
  async providerReport(
    p: Principal,
    id: string,
    stepId: string,
    body: { reference: string; receivedAt?: string; note?: string; evidence: string[]; expectedVersion?: number },
  ): Promise<IncidentView> {
    return this.view(p, await this.planActions.providerReport(p, id, stepId, body));
  }

  private answer(p: Principal, applied: Applied, minimal: boolean): Promise<IncidentView> | IncidentEventResult {
    if (!minimal) return this.view(p, applied);
    const { incident, snapshot } = applied;
    return eventResult(incident, snapshot.value, this.engine.allowedEvents(incident, snapshot, p.role as never));
  }

  /**
   * A page of the organisation's incidents, newest first, by `page` or by `cursor` (keysetPage). Two steps, both on
   * an index that leads with the organisation and the filter (migration 1764500000000): the page's
   * keys (created_at, reference; detected_at, reference when a detection range is given), then those
   * rows' summary columns only (never the snapshot). The count stops at COUNT_CAP.
   */
  async list(p: Principal, q: ListIncidentsQuery): Promise<IncidentPage> {
    const filtered = () => {
      const qb = this.dataSource
        .getRepository(Incident)
        .createQueryBuilder('i')
        .where('i.org_id = :org', { org: p.orgId });
      if (q.state) qb.andWhere('i.state = :state', { state: q.state });
      if (q.grade) qb.andWhere('i.grade = :grade', { grade: q.grade });
      if (q.reference) qb.andWhere('i.reference = :reference', { reference: q.reference });
      if (q.category) qb.andWhere('i.category = :category', { category: q.category });
      // The bare column: the form that lets both databases use the partial index of drills (`WHERE drill`).
      if (q.drill !== undefined) qb.andWhere(q.drill ? 'i.drill' : 'NOT i.drill');
      if (q.detectedFrom) qb.andWhere('i.detected_at >= :from', { from: toIso(q.detectedFrom) });
      if (q.detectedTo) qb.andWhere('i.detected_at < :to', { to: toIso(q.detectedTo) });
      return qb;
    };
    // A detection range is answered in detection order, from the index that holds both (migration
    // 1765600000000): in declaration order, a range that matches little read every incident to find it.
    const time = q.detectedFrom || q.detectedTo ? 'i.detected_at' : 'i.created_at';
    const paged = await keysetPage(filtered, { time, tie: 'i.reference', tieOrder: 'DESC' }, q);
    const rows = paged.keys.length
      ? await this.dataSource
          .getRepository(Incident)
          .createQueryBuilder('i')
          .select(SUMMARY_COLUMNS.map((c) => `i.${c}`))
          .where('i.org_id = :org AND i.reference IN (:...refs)', {
            org: p.orgId,
            refs: paged.keys.map((k) => k.tie),
          })
          .getMany()
      : [];
    const items = inKeyOrder(paged, rows, (r) => r.reference).map((r) => summaryView(r));
    const { keys: _keys, ...paging } = paged;
    return { items, ...paging };
  }

  async timeline(p: Principal, id: string, limit: number, afterSeq: number): Promise<AuditEntry[]> {
    await this.find(p, id);
    return this.audit.timeline(id, limit, afterSeq);
  }

  /**
   * For an inspector: which requirements the incident's completed steps evidenced, with who, when
   * and what evidence; and which cited requirements still have no completed step.
   */
  async compliance(p: Principal, id: string) {
    const incident = await this.find(p, id);
    const context = (await this.engine.snapshotOf(this.dataSource.manager, incident)).context as IncidentContext;
    const byReq = new Map<
      string,
      Array<{ stepId: string; phase: string; completedAt?: string; completedBy?: string; evidence: string[] }>
    >();
    const open = new Set<string>();
    for (const s of context.steps) {
      for (const r of s.requirements) {
        if (s.status === 'done') {
          const list = byReq.get(r) ?? [];
          list.push({
            stepId: s.id,
            phase: s.phase,
            completedAt: s.completedAt,
            completedBy: s.completedBy,
            evidence: s.evidence ?? [],
          });
          byReq.set(r, list);
        } else open.add(r);
      }
    }
    const evidenced = [...byReq.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([requirementId, steps]) => ({
        requirementId,
        title: this.catalogue.requirement(requirementId)?.title,
        steps,
      }));
    const outstanding = [...open]
      .filter((r) => !byReq.has(r))
      .sort()
      .map((requirementId) => ({ requirementId, title: this.catalogue.requirement(requirementId)?.title }));
    return {
      incidentId: incident.id,
      reference: incident.reference,
      drill: incident.drill,
      state: incident.state,
      evidenced,
      outstanding,
      reports: context.reports,
    };
  }

  private async find(p: Principal, id: string): Promise<Incident> {
    // Another organisation's incident is "not found": existence must not leak across tenants.
    const incident = await this.dataSource.getRepository(Incident).findOneBy({ id, orgId: p.orgId });
    if (!incident || !incident.snapshot) throw new NotFoundException('Incident not found');
    return incident;
  }

  private async view(p: Principal, { incident, snapshot }: Applied): Promise<IncidentView> {
    const context = snapshot.context as IncidentContext;
    // Most events happen with no deadline running; skip the read then.
    const deadlines = Object.keys(context.deadlines).length ? await this.deadlines.forIncidents([incident.id]) : [];
    const allowed = this.engine.allowedEvents(incident, snapshot, p.role as never);
    // Told with every full answer while a report is owed (declaration and confirmation included): a
    // required recipient kind that nobody would receive must be reported another way, in time.
    const owed = context.reportingRequired && (incident.state === 'triage' || incident.state === 'response');
    const coverage = owed
      ? await this.readiness.coverageFor(
          this.dataSource.manager,
          incident.orgId,
          incident.grade as Grade,
          incident.drill,
        )
      : null;
    const templates = await this.planTemplates(incident.id);
    // Only an incident declared with an organisation's plan can have approval, notification or provider steps.
    const actions = templates ? await this.planActions.views(incident.orgId, incident.id) : [];
    return incidentView(
      incident,
      snapshot.value,
      context,
      allowed,
      deadlines,
      this.parentOf,
      coverage,
      templates,
      actions,
    );
  }

  /** The guidance of an incident declared with an organisation's plan: that plan version's (immutable). */
  private async planTemplates(incidentId: string) {
    const known = this.templates.get(incidentId);
    if (known !== undefined) return known;
    const [row] = await sql<{ playbook: string | null }>(
      this.dataSource.manager,
      'SELECT playbook FROM incident_playbook WHERE incident_id = ?',
      [incidentId],
    );
    const templates = await this.plans.templates(row?.playbook ?? null);
    if (this.templates.size > 1000) this.templates.clear();
    this.templates.set(incidentId, templates);
    return templates;
  }

  private readonly templates = new Map<string, Awaited<ReturnType<PlanStore['templates']>>>();

  private readonly parentOf = (code: string) => this.catalogue.category(code)?.parent ?? undefined;
}
