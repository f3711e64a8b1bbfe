import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { Organisations } from '../accounts';
import { randomUUID } from 'node:crypto';
import { DataSource, In, IsNull } from 'typeorm';
import { AuditService } from '../audit';
import type { Principal } from '../auth';
import { badField } from '../common';
import { TransactionRunner } from '../database';
import { inKeyOrder, keysetPage } from '../http';
import { Clocks, ONWARD_REPORT, REPORT_ACKNOWLEDGEMENT } from '../clocks';
import { OutboxService } from '../outbox';
import { jobId } from '../queues';
import { Catalogue } from '../requirements';
import type { InboxQuery } from './report.dto';
import {
  acknowledgement,
  INBOX_STATUS_CONDITIONS,
  openDueAt,
  Report,
  ReportDelivery,
  ReportInfoRequest,
} from './report.entities';
import { infoRequestView, type InboxItemView, type InboxPage } from './report.view';
import { ReportDocuments } from './report-documents.service';
import { fanout } from './report-jobs';

/**
 * The protection department's side. A department sees only deliveries addressed to it, and of
 * each only the submitted report (the recipients' document view) and its own dealings with it:
 * never the operator's drafts, steps, notes or evidence.
 */
@Injectable()
export class InboxService {
  constructor(
    private readonly organisations: Organisations,
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly documents: ReportDocuments,
    private readonly clocks: Clocks,
    private readonly catalogue: Catalogue,
  ) {}

  /**
   * A page of the department's inbox, newest first, by `page` or by `cursor` (keysetPage): the page's keys
   * (received_at, id) from an index that leads with the department and the filter (migration
   * 1764500000000), then those deliveries. The count stops at COUNT_CAP.
   */
  async list(p: Principal, q: InboxQuery): Promise<InboxPage> {
    const now = new Date().toISOString();
    const filtered = () => {
      const qb = this.dataSource
        .getRepository(ReportDelivery)
        .createQueryBuilder('d')
        .where('d.department_org_id = :org', { org: p.orgId });
      if (q.grade) qb.andWhere('d.grade = :grade', { grade: q.grade });
      if (q.category) qb.andWhere('d.category = :category', { category: q.category });
      if (q.incidentId) qb.andWhere('d.incident_id = :incident', { incident: q.incidentId });
      // The bare column: the form that lets both databases use the partial index of drills (`WHERE drill`).
      if (q.drill !== undefined) qb.andWhere(q.drill ? 'd.drill' : 'NOT d.drill');
      // Each status is its partial index's condition (INBOX_STATUS_CONDITIONS), so that index answers it.
      if (q.status) qb.andWhere(INBOX_STATUS_CONDITIONS[q.status]);
      // open_due_at: when the earliest open clock of the delivery falls due (null: none open).
      if (q.overdue === true) qb.andWhere('d.open_due_at IS NOT NULL AND d.open_due_at <= :now', { now });
      if (q.overdue === false) qb.andWhere('(d.open_due_at IS NULL OR d.open_due_at > :now)', { now });
      return qb;
    };
    const paged = await keysetPage(filtered, { time: 'd.received_at', tie: 'd.id', tieOrder: 'ASC' }, q);
    const rows = paged.keys.length
      ? await this.dataSource.getRepository(ReportDelivery).findBy({ id: In(paged.keys.map((k) => k.tie)) })
      : [];
    const ordered = inKeyOrder(paged, rows, (r) => r.id);
    const { keys: _keys, ...paging } = paged;
    return { items: await this.items(ordered), ...paging };
  }

  async get(p: Principal, reportId: string): Promise<InboxItemView> {
    return (await this.items([await this.delivery(p, reportId)]))[0]!;
  }

  async acknowledge(p: Principal, reportId: string, note?: string): Promise<InboxItemView> {
    await this.tx.run(async (em) => {
      const d = await this.delivery(p, reportId, em.getRepository(ReportDelivery));
      if (d.acknowledgedAt) return;
      const at = new Date().toISOString();
      await em.getRepository(ReportDelivery).update({ id: d.id }, acknowledgement(d, at, p.userId, note));
      await this.audit.append(em, {
        actor: p,
        action: 'report.acknowledged',
        payload: { reportId, deliveryId: d.id, operatorOrgId: d.orgId, note: note ?? null, late: at > d.ackDueAt },
        concerns: [{ orgId: d.orgId, incidentId: d.incidentId }],
      });
      const report = await em.getRepository(Report).findOneByOrFail({ id: reportId });
      await this.outbox.add(em, [
        this.clocks.stop(REPORT_ACKNOWLEDGEMENT, { deliveryId: d.id }, new Date(at)),
        fanout(jobId('nt', 'rpt', d.id, 'ack'), {
          orgId: d.orgId,
          event: 'report.acknowledged',
          drill: d.drill,
          incidentId: d.incidentId,
          grade: d.grade,
          reportId,
          data: {
            reference: report.reference.replace(/-R\d+$/, ''),
            reportKind: d.kind,
            reportReference: report.reference,
            recipient: p.orgName,
            note: note ?? null,
          },
        }),
      ]);
    });
    return this.get(p, reportId);
  }

  async requestInfo(p: Principal, reportId: string, message: string): Promise<InboxItemView> {
    await this.tx.run(async (em) => {
      const d = await this.delivery(p, reportId, em.getRepository(ReportDelivery));
      const report = await em.getRepository(Report).findOneByOrFail({ id: reportId });
      const req: ReportInfoRequest = {
        id: randomUUID(),
        reportId,
        deliveryId: d.id,
        orgId: d.orgId,
        incidentId: d.incidentId,
        departmentOrgId: p.orgId,
        departmentName: p.orgName,
        message,
        requestedBy: p.userId,
        requestedAt: new Date().toISOString(),
      };
      await em.getRepository(ReportInfoRequest).insert(req);
      await em
        .getRepository(ReportDelivery)
        .update({ id: d.id, infoRequestedAt: IsNull() }, { infoRequestedAt: req.requestedAt });
      await this.audit.append(em, {
        actor: p,
        action: 'report.info-requested',
        payload: { reportId, deliveryId: d.id, requestId: req.id, operatorOrgId: d.orgId, message },
        concerns: [{ orgId: d.orgId, incidentId: d.incidentId }],
      });
      await this.outbox.add(em, [
        fanout(jobId('nt', 'rpt', req.id, 'info'), {
          orgId: d.orgId,
          event: 'report.info-requested',
          drill: d.drill,
          incidentId: d.incidentId,
          grade: d.grade,
          reportId,
          data: {
            reference: report.reference.replace(/-R\d+$/, ''),
            reportKind: d.kind,
            reportReference: report.reference,
            recipient: p.orgName,
            note: message,
          },
        }),
      ]);
    });
    return this.get(p, reportId);
  }

  /** Records the onward report to the national level and stops its clock (a late one stays missed). */
  async forward(p: Principal, reportId: string, reference: string, forwardedAt?: string): Promise<InboxItemView> {
    await this.tx.run(async (em) => {
      const d = await this.delivery(p, reportId, em.getRepository(ReportDelivery));
      if (d.onwardStatus === 'none')
        throw new ConflictException(
          'This report does not have to be passed on (onward reporting applies to grade I and II initial reports)',
        );
      if (d.onwardAt) throw new ConflictException(`Already passed on at ${d.onwardAt} (${d.onwardReference})`);
      const at = forwardedAt ? new Date(forwardedAt) : new Date();
      if (at.getTime() > Date.now() + 5 * 60_000)
        throw badField('forwardedAt', 'forwardedAt must not be in the future');
      if (d.receivedAt && at.toISOString() < d.receivedAt)
        throw badField('forwardedAt', 'forwardedAt must not be before the report was received');
      const status = at.toISOString() <= d.onwardDueAt! && d.onwardStatus === 'pending' ? 'met' : 'missed';
      const now = new Date().toISOString();
      await em.getRepository(ReportDelivery).update(
        { id: d.id },
        {
          onwardStatus: status,
          onwardAt: at.toISOString(),
          onwardReference: reference,
          onwardBy: p.userId,
          openDueAt: openDueAt({ ...d, onwardStatus: status, onwardAt: at.toISOString() }),
          updatedAt: now,
        },
      );
      await this.audit.append(em, {
        actor: p,
        action: 'report.forwarded',
        payload: { reportId, deliveryId: d.id, reference, forwardedAt: at.toISOString(), dueAt: d.onwardDueAt, status },
        concerns: [{ orgId: d.orgId, incidentId: d.incidentId }],
      });
      await this.outbox.add(em, [this.clocks.stop(ONWARD_REPORT, { deliveryId: d.id }, new Date(now))]);
    });
    return this.get(p, reportId);
  }

  private async delivery(
    p: Principal,
    reportId: string,
    repo = this.dataSource.getRepository(ReportDelivery),
  ): Promise<ReportDelivery> {
    // Another department's (or another sector's) report is "not found": existence must not leak.
    const d = await repo.findOneBy({ reportId, departmentOrgId: p.orgId });
    if (!d) throw new NotFoundException('Report not found');
    return d;
  }

  private async items(rows: ReportDelivery[]): Promise<InboxItemView[]> {
    if (!rows.length) return [];
    const em = this.dataSource.manager;
    const reports = await em.getRepository(Report).findBy({ id: In(rows.map((r) => r.reportId)) });
    const requests = await em
      .getRepository(ReportInfoRequest)
      .find({ where: { deliveryId: In(rows.map((r) => r.id)) }, order: { requestedAt: 'DESC' } });
    const now = new Date().toISOString();
    const out: InboxItemView[] = [];
    for (const d of rows) {
      const report = reports.find((r) => r.id === d.reportId)!;
      const org = await this.organisations.get(d.orgId, em);
      const rule = this.catalogue.ruleFor(org.operatorKind ?? 'other', d.grade);
      const onwardPending = d.onwardStatus === 'pending' || d.onwardStatus === 'missed';
      out.push({
        report: await this.documents.document(em, report),
        receivedAt: d.receivedAt!,
        ackDueAt: d.ackDueAt,
        acknowledgedAt: d.acknowledgedAt,
        ackNote: d.ackNote,
        overdue:
          (!d.acknowledgedAt && d.ackDueAt <= now) ||
          (onwardPending && !d.onwardAt && !!d.onwardDueAt && d.onwardDueAt <= now),
        onward:
          d.onwardStatus === 'none'
            ? null
            : {
                status: d.onwardStatus,
                dueAt: d.onwardDueAt!,
                to: (rule?.reports.onward?.to ?? []).map((t) => t.zh),
                escalationLevel: d.onwardEscalationLevel,
                reminded: d.onwardReminded,
                reference: d.onwardReference,
                forwardedAt: d.onwardAt,
              },
        infoRequests: requests.filter((r) => r.deliveryId === d.id).map(infoRequestView),
      });
    }
    return out;
  }
}
