import { ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { Incidents, IncidentEngine, type EngineEvent } from '../incidents';
import { Organisations } from '../accounts';
import { AuditService } from '../audit';
import type { Principal } from '../auth';
import { TransactionRunner } from '../database';
import { Clocks, IncidentDeadlines, REPORT_ACKNOWLEDGEMENT } from '../clocks';
import { OutboxService } from '../outbox';
import { contentDigest, missing } from './report-content';
import type { SubmitReportDto } from './report.dto';
import { acknowledgement, Report, ReportDelivery } from './report.entities';
import { documentView, type ReportView } from './report.view';
import { ReportAddressing } from './report-addressing';
import { operatorIncident, operatorReport, ReportRules } from './report-rules';
import { ReportViews } from './report-views.service';

const WORKFLOW_EVENT: Record<Report['kind'], string> = {
  initial: 'INITIAL_REPORT_SUBMITTED',
  followUp: 'FOLLOWUP_REPORT_SUBMITTED',
  final: 'FINAL_REPORT_SUBMITTED',
};

/**
 * Approval and submission. A draft is approved by the commander or leader (not by whoever drafted
 * it) and submitted by the liaison (not by whoever approved it). Submission marks the report,
 * addresses it (department inboxes at once, external recipients through delivery jobs), starts the
 * acknowledgement and onward clocks and moves the incident's reporting region — one transaction.
 */
@Injectable()
export class ReportSubmission {
  constructor(
    private readonly incidents: Incidents,
    private readonly organisations: Organisations,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly engine: IncidentEngine,
    private readonly clocks: Clocks,
    private readonly deadlines: IncidentDeadlines,
    private readonly rules: ReportRules,
    private readonly addressing: ReportAddressing,
    private readonly views: ReportViews,
  ) {}

  async approve(p: Principal, id: string): Promise<ReportView> {
    await this.tx.run(async (em) => {
      const report = await operatorReport(em, p, id);
      if (report.status !== 'draft')
        throw new ConflictException(
          report.status === 'approved' ? 'Report is already approved' : 'Report was submitted and cannot change',
        );
      // Separation of duties: whoever drafted a report does not approve it.
      if (report.createdBy === p.userId)
        throw new ForbiddenException('You drafted this report; another commander or leader approves it');
      const incident = await operatorIncident(this.incidents, em, p, report.incidentId);
      const org = await this.organisations.get(p.orgId, em);
      this.rules.checkComplete(report, this.rules.rule(org, incident), incident.category);
      const now = new Date().toISOString();
      const res = await em
        .getRepository(Report)
        .update(
          { id, version: report.version, status: 'draft' },
          { status: 'approved', approvedAt: now, approvedBy: p.userId, version: report.version + 1, updatedAt: now },
        );
      if (!res.affected) throw new ConflictException('Report changed concurrently; reload and retry');
      await this.audit.append(em, {
        actor: p,
        incidentId: report.incidentId,
        action: 'report.approved',
        payload: { reportId: id, version: report.version + 1 },
      });
    });
    return this.views.get(p, id);
  }

  /**
   * `receivedAt`: when the request arrived, before it waited for anything. The report is stamped with
   * it, and its deadline is met or missed by it (IncidentEngine), whenever the transaction gets to run.
   */
  async submit(p: Principal, id: string, dto: SubmitReportDto = {}, receivedAt = new Date()): Promise<ReportView> {
    await this.tx.run(async (em) => {
      const found = await operatorReport(em, p, id);
      // The incident row and its deadline rows first (README "Locks and transactions"): the workflow
      // event below changes them, and every other transaction takes them before report rows. Then the
      // report as it is now.
      await this.incidents.lock(p.orgId, found.incidentId, em);
      await this.deadlines.lock(em, found.incidentId);
      const report = await operatorReport(em, p, id);
      if (report.status === 'submitted')
        throw new ConflictException('Report was already submitted; draft a correction (corrects) instead');
      if (report.status !== 'approved')
        throw new ConflictException('Report must be approved by the commander or leader before it is submitted');
      if (report.approvedBy === p.userId)
        throw new ForbiddenException('You approved this report; someone else submits it');
      const incident = await operatorIncident(this.incidents, em, p, report.incidentId);
      const org = await this.organisations.get(p.orgId, em);
      const rule = this.rules.rule(org, incident);
      const { required } = this.rules.checkComplete(report, rule, incident.category);
      const now = new Date();
      const at = receivedAt.toISOString();
      const corrects = report.correctsId ? await em.getRepository(Report).findOneBy({ id: report.correctsId }) : null;
      const submitted: Report = {
        ...report,
        status: 'submitted',
        grade: incident.grade,
        category: incident.category,
        ruleId: rule.id,
        requiredFields: required,
        owedFields: report.partial ? missing(required, report.fields) : [],
        submittedAt: at,
        submittedBy: p.userId,
        updatedAt: at,
        version: report.version + 1,
      };
      // The recipients keep the operator's audit head as a witness of the trail (AuditService.verify).
      const head = await this.audit.head(em, p.orgId);
      submitted.auditHeadChain = head?.chain ?? null;
      submitted.auditHeadSeq = head?.seq ?? null;
      submitted.auditHeadHash = head?.hash ?? null;
      submitted.contentDigest = contentDigest({
        ...documentView(
          submitted,
          incident.reference,
          org,
          corrects ? { id: corrects.id, reference: corrects.reference } : null,
          this.rules.labelOf,
        ),
        contentDigest: null,
      });
      const res = await em.getRepository(Report).update(
        { id, version: report.version, status: 'approved' },
        {
          status: 'submitted',
          grade: submitted.grade,
          category: submitted.category,
          ruleId: submitted.ruleId,
          requiredFields: submitted.requiredFields,
          owedFields: submitted.owedFields,
          submittedAt: at,
          submittedBy: p.userId,
          updatedAt: at,
          version: submitted.version,
          contentDigest: submitted.contentDigest,
          auditHeadSeq: submitted.auditHeadSeq,
          auditHeadHash: submitted.auditHeadHash,
          auditHeadChain: submitted.auditHeadChain,
        },
      );
      if (!res.affected) throw new ConflictException('Report changed concurrently; reload and retry');

      const { deliveries, items } = await this.addressing.address(
        em,
        submitted,
        incident,
        org,
        rule,
        now,
        dto.outOfBand ?? [],
        p,
      );
      await this.audit.append(em, {
        actor: p,
        incidentId: incident.id,
        action: 'report.submitted',
        payload: {
          reportId: id,
          reference: report.reference,
          kind: report.kind,
          partial: report.partial,
          owedFields: submitted.owedFields,
          corrects: report.correctsId,
          drill: report.drill,
          contentDigest: submitted.contentDigest,
          recipients: deliveries.map((d) => ({ kind: d.recipientKind, name: d.recipientName, channel: d.channel })),
          // What a department receives, so figures about reporting can be rebuilt from the trail alone (metrics).
          incidentReference: incident.reference,
          grade: submitted.grade,
          category: submitted.category,
          inbox: deliveries.flatMap((d) =>
            d.departmentOrgId
              ? [
                  {
                    deliveryId: d.id,
                    departmentOrgId: d.departmentOrgId,
                    receivedAt: d.receivedAt,
                    onwardDueAt: d.onwardDueAt,
                  },
                ]
              : [],
          ),
        },
        // The departments whose inbox it reaches at once (their side knows no incident).
        concerns: deliveries.flatMap((d) => (d.departmentOrgId ? [{ orgId: d.departmentOrgId }] : [])),
      });
      await this.outbox.add(em, items);
      // A correction repeats content already reported: the obligation was met by the report it corrects.
      if (!report.correctsId) {
        const event: EngineEvent =
          report.kind === 'initial'
            ? { type: WORKFLOW_EVENT.initial, partial: report.partial, reportId: id, submittedAt: at }
            : { type: WORKFLOW_EVENT[report.kind], reportId: id, submittedAt: at };
        await this.engine.applyInTransaction(em, p, incident.id, p.orgId, event);
      }
    });
    return this.views.get(p, id);
  }

  /** Liaison records that an external recipient confirmed receipt (phone, reply mail): stops escalation. */
  async acknowledgeExternal(p: Principal, reportId: string, deliveryId: string, note?: string): Promise<ReportView> {
    await this.tx.run(async (em) => {
      const report = await operatorReport(em, p, reportId);
      const d = await em
        .getRepository(ReportDelivery)
        .findOneBy({ id: deliveryId, reportId: report.id, orgId: p.orgId });
      if (!d || d.departmentOrgId) throw new NotFoundException('No such external delivery on this report');
      if (d.acknowledgedAt) return;
      const at = new Date().toISOString();
      await em.getRepository(ReportDelivery).update({ id: d.id }, acknowledgement(d, at, p.userId, note));
      await this.audit.append(em, {
        actor: p,
        incidentId: report.incidentId,
        action: 'report.acknowledgement-recorded',
        payload: { reportId, deliveryId, recipient: d.recipientName, note: note ?? null },
      });
      await this.outbox.add(em, [this.clocks.stop(REPORT_ACKNOWLEDGEMENT, { deliveryId: d.id }, new Date(at))]);
    });
    return this.views.get(p, reportId);
  }
}
