import { Injectable, NotFoundException } from '@nestjs/common';
import { Organisations } from '../accounts';
import { Incidents } from '../incidents';
import { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../auth';
import { Catalogue } from '../requirements';
import { renderReportHtml } from './report-content';
import { Report, ReportDelivery } from './report.entities';
import { documentView, type ReportDocumentView } from './report.view';
import { ReportRules } from './report-rules';

/**
 * A report as its readers get it: the recipients' document (inbox, webhook JSON, email attachment)
 * and the printable HTML page.
 */
@Injectable()
export class ReportDocuments {
  constructor(
    private readonly organisations: Organisations,
    private readonly incidents: Incidents,
    private readonly dataSource: DataSource,
    private readonly catalogue: Catalogue,
    private readonly rules: ReportRules,
  ) {}

  /** Printable HTML: the operator's own reports, or a submitted report addressed to the calling department. */
  async renderHtml(p: Principal, id: string): Promise<string> {
    let report: Report | null;
    if (p.orgKind === 'operator')
      report = await this.dataSource.getRepository(Report).findOneBy({ id, orgId: p.orgId });
    else {
      const d = await this.dataSource
        .getRepository(ReportDelivery)
        .findOneBy({ reportId: id, departmentOrgId: p.orgId });
      report = d ? await this.dataSource.getRepository(Report).findOneBy({ id, status: 'submitted' }) : null;
    }
    if (!report) throw new NotFoundException('Report not found');
    return this.html(this.dataSource.manager, report);
  }

  async html(em: EntityManager, report: Report): Promise<string> {
    const incident = await this.incidents.get(report.incidentId, em);
    const org = await this.organisations.get(report.orgId, em);
    const corrects = report.correctsId ? await em.getRepository(Report).findOneBy({ id: report.correctsId }) : null;
    const deliveries = await em
      .getRepository(ReportDelivery)
      .find({ where: { reportId: report.id }, order: { createdAt: 'ASC' } });
    return renderReportHtml(
      {
        id: report.id,
        reference: report.reference,
        incidentReference: incident.reference,
        kind: report.kind,
        status: report.status,
        partial: report.partial,
        drill: report.drill,
        grade: report.grade,
        category: report.category,
        organisation: org.name,
        fields: report.fields,
        requiredFields: report.requiredFields,
        owedFields: report.owedFields,
        correctsReference: corrects?.reference ?? null,
        submittedAt: report.submittedAt,
        contentDigest: report.contentDigest,
        recipients: deliveries.map((d) => ({ kind: d.recipientKind, name: d.recipientName })),
      },
      this.catalogue,
    );
  }

  /** The recipients' view of a submitted report (inbox, webhook JSON, email attachment). */
  async document(em: EntityManager, report: Report): Promise<ReportDocumentView> {
    const incident = await this.incidents.get(report.incidentId, em);
    const org = await this.organisations.get(report.orgId, em);
    const corrects = report.correctsId ? await em.getRepository(Report).findOneBy({ id: report.correctsId }) : null;
    return documentView(
      report,
      incident.reference,
      org,
      corrects ? { id: corrects.id, reference: corrects.reference } : null,
      this.rules.labelOf,
    );
  }
}
