import { Injectable } from '@nestjs/common';
import { Organisations } from '../accounts';
import { Incidents, type IncidentRecord } from '../incidents';
import { DataSource, In } from 'typeorm';
import { inKeyOrder, keysetPage } from '../http';
import type { Principal } from '../auth';
import { Catalogue } from '../requirements';
import { fieldSets, missing } from './report-content';
import { Report, ReportDelivery, ReportInfoRequest } from './report.entities';
import type { ListReportsQuery } from './report.dto';
import {
  deliveryView,
  documentView,
  infoRequestView,
  type IncidentReportsView,
  type ReportPage,
  type ReportView,
} from './report.view';
import { ReportingReadiness } from './reporting-readiness';
import { operatorIncident, operatorReport, ReportRules } from './report-rules';

/** The operator's reports as the API shows them: each with its deliveries and requests, and what is still owed. */
@Injectable()
export class ReportViews {
  constructor(
    private readonly organisations: Organisations,
    private readonly incidents: Incidents,
    private readonly dataSource: DataSource,
    private readonly catalogue: Catalogue,
    private readonly rules: ReportRules,
    private readonly readiness: ReportingReadiness,
  ) {}

  async list(p: Principal, incidentId: string): Promise<IncidentReportsView> {
    const incident = await operatorIncident(this.incidents, this.dataSource.manager, p, incidentId);
    const reports = await this.dataSource
      .getRepository(Report)
      .find({ where: { orgId: p.orgId, incidentId: incident.id }, order: { createdAt: 'ASC', reference: 'ASC' } });
    const views = await this.views(reports, incident);
    // What is owed follows the latest submitted initial report: a partial one leaves its gaps, a complete one settles
    // them.
    const lastInitial = reports
      .filter((r) => r.kind === 'initial' && r.status === 'submitted')
      .sort((a, b) => (a.submittedAt! < b.submittedAt! ? -1 : 1))
      .pop();
    const owing = lastInitial && lastInitial.partial ? lastInitial : null;
    const infoRequests = views.flatMap((v) => v.infoRequests).sort((a, b) => (a.requestedAt < b.requestedAt ? 1 : -1));
    const org = await this.organisations.get(incident.orgId);
    const recipientCoverage = await this.readiness.coverage(
      this.dataSource.manager,
      org,
      incident.grade,
      incident.drill,
    );
    return {
      items: views,
      owedFields: owing ? owing.owedFields : [],
      owedSince: owing ? owing.id : null,
      infoRequests,
      recipientCoverage,
    };
  }

  /**
   * The organisation's reports across its incidents, newest first, with how their deliveries went; by
   * `page` or by `cursor` (keysetPage, as the incident list and the inbox). Two steps: the page's keys
   * (created_at, id) from an index that leads with the organisation and the filter and carries the
   * other filters (migration 1765500000000), then those reports by id. The count stops at COUNT_CAP.
   * With a million reports the whole set was read and sorted for every page (10 s, issue 19).
   */
  async page(p: Principal, q: ListReportsQuery): Promise<ReportPage> {
    const filtered = () => {
      const qb = this.dataSource
        .getRepository(Report)
        .createQueryBuilder('r')
        .where('r.org_id = :org', { org: p.orgId });
      if (q.status) qb.andWhere('r.status = :status', { status: q.status });
      if (q.kind) qb.andWhere('r.kind = :kind', { kind: q.kind });
      // The bare column: the form that lets both databases use the partial index of drills (`WHERE drill`).
      if (q.drill !== undefined) qb.andWhere(q.drill ? 'r.drill' : 'NOT r.drill');
      return qb;
    };
    const paged = await keysetPage(filtered, { time: 'r.created_at', tie: 'r.id', tieOrder: 'DESC' }, q);
    const found = paged.keys.length
      ? await this.dataSource.getRepository(Report).findBy({ orgId: p.orgId, id: In(paged.keys.map((k) => k.tie)) })
      : [];
    const reports = inKeyOrder(paged, found, (r) => r.id);
    const ids = reports.map((r) => r.id);
    const [deliveries, requests, incidents] = await Promise.all([
      ids.length
        ? this.dataSource.getRepository(ReportDelivery).find({
            where: { reportId: In(ids) },
            select: { reportId: true, status: true, acknowledgedAt: true },
          })
        : [],
      ids.length
        ? this.dataSource
            .getRepository(ReportInfoRequest)
            .find({ where: { reportId: In(ids) }, select: { reportId: true } })
        : [],
      this.incidents.findMany(reports.map((r) => r.incidentId)),
    ]);
    const incidentOf = new Map(incidents.map((i) => [i.id, i]));
    const items = reports.map((r) => {
      const own = deliveries.filter((d) => d.reportId === r.id);
      const incident = incidentOf.get(r.incidentId);
      return {
        id: r.id,
        reference: r.reference,
        incident: {
          id: r.incidentId,
          // A report's reference is its incident's followed by -R<n>.
          reference: incident?.reference ?? r.reference.replace(/-R\d+$/, ''),
          title: incident?.title ?? '',
        },
        kind: r.kind,
        partial: r.partial,
        drill: r.drill,
        grade: r.grade,
        status: r.status,
        correction: r.correctsId !== null,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
        approvedAt: r.approvedAt,
        submittedAt: r.submittedAt,
        deliveries: {
          total: own.length,
          delivered: own.filter((d) => d.status === 'delivered').length,
          failed: own.filter((d) => d.status === 'failed').length,
          acknowledged: own.filter((d) => d.acknowledgedAt !== null).length,
        },
        infoRequests: requests.filter((q) => q.reportId === r.id).length,
      };
    });
    const { keys: _keys, ...paging } = paged;
    return { items, ...paging };
  }

  async get(p: Principal, id: string): Promise<ReportView> {
    const report = await operatorReport(this.dataSource.manager, p, id);
    const incident = await this.incidents.get(report.incidentId);
    return (await this.views([report], incident))[0]!;
  }

  private async views(reports: Report[], incident: IncidentRecord): Promise<ReportView[]> {
    if (!reports.length) return [];
    const ids = reports.map((r) => r.id);
    const deliveries = await this.dataSource
      .getRepository(ReportDelivery)
      .find({ where: { reportId: In(ids) }, order: { createdAt: 'ASC', recipientName: 'ASC' } });
    const requests = await this.dataSource
      .getRepository(ReportInfoRequest)
      .find({ where: { reportId: In(ids) }, order: { requestedAt: 'DESC' } });
    const org = await this.organisations.get(incident.orgId);
    const all = await this.dataSource.getRepository(Report).find({
      where: { incidentId: incident.id },
      select: { id: true, reference: true, correctsId: true, status: true },
    });
    const rule = this.catalogue.ruleFor(org.operatorKind ?? 'other', incident.grade);
    return reports.map((r) => {
      const corrects = r.correctsId ? all.find((x) => x.id === r.correctsId) : undefined;
      const sets = rule
        ? fieldSets(this.catalogue, rule, r.kind, incident.category)
        : { required: r.requiredFields, minimum: r.requiredFields };
      const doc = documentView(
        r,
        incident.reference,
        org,
        corrects ? { id: corrects.id, reference: corrects.reference } : null,
        this.rules.labelOf,
      );
      return {
        ...doc,
        status: r.status,
        version: r.version,
        missingFields: r.status === 'submitted' ? [] : missing(r.partial ? sets.minimum : sets.required, r.fields),
        createdBy: r.createdBy,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
        approvedBy: r.approvedBy,
        approvedAt: r.approvedAt,
        submittedBy: r.submittedBy,
        correctedBy: all.filter((x) => x.correctsId === r.id && x.status === 'submitted').map((x) => x.id),
        deliveries: deliveries.filter((d) => d.reportId === r.id).map(deliveryView),
        infoRequests: requests.filter((q) => q.reportId === r.id).map(infoRequestView),
      };
    });
  }
}
