import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { insertEach } from '../database/insert-each';
import { DataSource, EntityManager, In } from 'typeorm';
import type { IncidentContext } from '../../workflows/incident/types';
import { AuditService } from '../audit/audit.service';
import { Organisation } from '../accounts/organisation.entity';
import type { Principal } from '../auth/principal';
import { User } from '../accounts/user.entity';
import { badField } from '../common/bad-field';
import { nextSequenceValue } from '../database/sequence';
import { TransactionRunner } from '../database/transaction-runner';
import { Clocks, ONWARD_REPORT, REPORT_ACKNOWLEDGEMENT } from '../clocks';
import { IncidentEngine, type EngineEvent } from '../incidents/incident-engine';
import { Incident } from '../incidents/incident.entity';
import type { FanoutPayload } from '../notifications/fanout-payload';
import { OutboxService, type OutboxItem } from '../outbox/outbox.service';
import { QUEUES, jobId } from '../queues/queue-names';
import { Catalogue } from '../requirements/catalogue';
import type { ReportingRule } from '../requirements/types';
import { contentDigest, draftFields, fieldSets, MAX_FIELD_CHARS, missing, renderReportHtml } from './report-content';
import type { CreateReportDto, OutOfBandDeliveryDto, SubmitReportDto, UpdateReportDto } from './report.dto';
import { Report, ReportDelivery, ReportInfoRequest, ReportRecipient, type RecipientKindCode } from './report.entities';
import {
  deliveryView,
  documentView,
  infoRequestView,
  type IncidentReportsView,
  type ReportDocumentView,
  type ReportView,
} from './report.view';
import { ReportsConfig } from './reports-config';
import { ReportingReadiness } from './reporting-readiness';

const WORKFLOW_EVENT: Record<Report['kind'], string> = {
  initial: 'INITIAL_REPORT_SUBMITTED',
  followUp: 'FOLLOWUP_REPORT_SUBMITTED',
  final: 'FINAL_REPORT_SUBMITTED',
};

export function fanout(id: string, payload: FanoutPayload): OutboxItem {
  return { id, queue: QUEUES.notifications, kind: 'fanout', payload: payload as unknown as Record<string, unknown> };
}

/**
 * The operator side of reporting: drafts generated from the incident, edited by the liaison,
 * approved by the commander or leader, submitted by the liaison. Submission marks the report,
 * addresses it (department inboxes at once, external recipients through delivery jobs), starts the
 * acknowledgement and onward clocks and moves the incident's reporting region — one transaction.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly engine: IncidentEngine,
    private readonly catalogue: Catalogue,
    private readonly clocks: Clocks,
    private readonly config: ReportsConfig,
    private readonly readiness: ReportingReadiness,
  ) {}

  labelOf = (code: string): string => this.catalogue.reportFields.find((f) => f.code === code)?.label.zh ?? code;

  async draft(p: Principal, incidentId: string, dto: CreateReportDto): Promise<ReportView> {
    if (dto.partial && dto.kind !== 'initial') throw badField('partial', 'only an initial report may be partial');
    const id = await this.tx.run(async (em) => {
      const incident = await this.incident(em, p, incidentId);
      const org = await em.getRepository(Organisation).findOneByOrFail({ id: p.orgId });
      const rule = this.rule(org, incident);
      let fields: Record<string, string>;
      if (dto.corrects) {
        const old = await em.getRepository(Report).findOneBy({ id: dto.corrects, orgId: p.orgId, incidentId });
        if (!old) throw badField('corrects', 'corrects must name a report of this incident');
        if (old.status !== 'submitted')
          throw badField('corrects', 'only a submitted report can be corrected; edit the draft instead');
        if (old.kind !== dto.kind)
          throw badField('kind', `a correction keeps the kind of the report it corrects (${old.kind})`);
        fields = { ...old.fields };
      } else if (dto.kind === 'initial' && (await this.lastInitial(em, incident.id))?.partial) {
        // Completing a partial initial report starts from what was already reported.
        fields = { ...(await this.lastInitial(em, incident.id))!.fields };
      } else {
        const user = await em.getRepository(User).findOneBy({ id: p.userId });
        const contact = user ? [user.name, user.email].filter(Boolean).join(' ') : '';
        fields = draftFields(
          incident,
          org,
          (await this.engine.snapshotOf(em, incident)).context as IncidentContext,
          contact,
          this.catalogue.gradeRules.facts,
        );
      }
      const sets = fieldSets(this.catalogue, rule, dto.kind, incident.category);
      const n = await nextSequenceValue(em, `report:${incident.id}`);
      const now = new Date().toISOString();
      const report: Report = {
        id: randomUUID(),
        orgId: p.orgId,
        incidentId: incident.id,
        reference: `${incident.reference}-R${n}`,
        kind: dto.kind,
        status: 'draft',
        partial: dto.partial ?? false,
        correctsId: dto.corrects ?? null,
        drill: incident.drill,
        grade: incident.grade,
        category: incident.category,
        ruleId: rule.id,
        fields,
        requiredFields: sets.required,
        owedFields: [],
        contentDigest: null,
        version: 1,
        createdBy: p.userId,
        createdAt: now,
        updatedAt: now,
        approvedBy: null,
        approvedAt: null,
        submittedBy: null,
        submittedAt: null,
        auditHeadSeq: null,
        auditHeadHash: null,
      };
      await em.getRepository(Report).insert(report);
      await this.audit.append(em, {
        actor: p,
        incidentId: incident.id,
        action: 'report.drafted',
        payload: {
          reportId: report.id,
          reference: report.reference,
          kind: report.kind,
          partial: report.partial,
          corrects: report.correctsId,
          drill: report.drill,
        },
      });
      return report.id;
    });
    return this.get(p, id);
  }

  async list(p: Principal, incidentId: string): Promise<IncidentReportsView> {
    const incident = await this.incident(this.dataSource.manager, p, incidentId);
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
    const org = await this.dataSource.getRepository(Organisation).findOneByOrFail({ id: incident.orgId });
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

  async get(p: Principal, id: string): Promise<ReportView> {
    const report = await this.find(this.dataSource.manager, p, id);
    const incident = await this.dataSource.getRepository(Incident).findOneByOrFail({ id: report.incidentId });
    return (await this.views([report], incident))[0]!;
  }

  async update(p: Principal, id: string, dto: UpdateReportDto): Promise<ReportView> {
    await this.tx.run(async (em) => {
      const report = await this.find(em, p, id);
      this.mutable(report);
      if (dto.expectedVersion !== undefined && dto.expectedVersion !== report.version) {
        throw new ConflictException(
          `Report is at version ${report.version}, not ${dto.expectedVersion}; reload and retry`,
        );
      }
      if (dto.partial !== undefined && dto.partial && report.kind !== 'initial')
        throw badField('partial', 'only an initial report may be partial');
      const known = new Set(this.catalogue.reportFields.map((f) => f.code));
      const fields = { ...report.fields };
      const changed: string[] = [];
      for (const [code, value] of Object.entries(dto.fields ?? {})) {
        if (!known.has(code))
          throw badField(
            `fields.${code}`,
            `${code} is not a report field (see reportFields in GET /api/v1/requirements/reporting-rules)`,
          );
        if (value === null) delete fields[code];
        else if (typeof value !== 'string') throw badField(`fields.${code}`, `fields.${code} must be a string or null`);
        else if (value.length > MAX_FIELD_CHARS)
          throw badField(`fields.${code}`, `fields.${code} must be at most ${MAX_FIELD_CHARS} characters`);
        else fields[code] = value;
        changed.push(code);
      }
      const wasApproved = report.status === 'approved';
      const patch: Partial<Report> = {
        fields,
        partial: dto.partial ?? report.partial,
        version: report.version + 1,
        updatedAt: new Date().toISOString(),
        // An edit after approval needs a fresh approval: the approver signed off other content.
        status: 'draft',
        approvedAt: null,
        approvedBy: null,
      };
      const res = await em
        .getRepository(Report)
        .update({ id: report.id, version: report.version, status: report.status }, patch);
      if (!res.affected) throw new ConflictException('Report changed concurrently; reload and retry');
      await this.audit.append(em, {
        actor: p,
        incidentId: report.incidentId,
        action: 'report.edited',
        payload: {
          reportId: report.id,
          changed,
          cleared: changed.filter((c) => !(c in fields)),
          partial: patch.partial,
          approvalWithdrawn: wasApproved,
          version: patch.version,
        },
      });
    });
    return this.get(p, id);
  }

  async approve(p: Principal, id: string): Promise<ReportView> {
    await this.tx.run(async (em) => {
      const report = await this.find(em, p, id);
      if (report.status !== 'draft')
        throw new ConflictException(
          report.status === 'approved' ? 'Report is already approved' : 'Report was submitted and cannot change',
        );
      // Separation of duties: whoever drafted a report does not approve it.
      if (report.createdBy === p.userId)
        throw new ForbiddenException('You drafted this report; another commander or leader approves it');
      const incident = await this.incident(em, p, report.incidentId);
      const org = await em.getRepository(Organisation).findOneByOrFail({ id: p.orgId });
      this.checkComplete(report, this.rule(org, incident), incident.category);
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
    return this.get(p, id);
  }

  async submit(p: Principal, id: string, dto: SubmitReportDto = {}): Promise<ReportView> {
    await this.tx.run(async (em) => {
      const report = await this.find(em, p, id);
      if (report.status === 'submitted')
        throw new ConflictException('Report was already submitted; draft a correction (corrects) instead');
      if (report.status !== 'approved')
        throw new ConflictException('Report must be approved by the commander or leader before it is submitted');
      if (report.approvedBy === p.userId)
        throw new ForbiddenException('You approved this report; someone else submits it');
      const incident = await this.incident(em, p, report.incidentId);
      const org = await em.getRepository(Organisation).findOneByOrFail({ id: p.orgId });
      const rule = this.rule(org, incident);
      const { required } = this.checkComplete(report, rule, incident.category);
      const now = new Date();
      const at = now.toISOString();
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
      const head = await this.audit.head(em);
      submitted.auditHeadSeq = head?.seq ?? null;
      submitted.auditHeadHash = head?.hash ?? null;
      submitted.contentDigest = contentDigest({
        ...documentView(
          submitted,
          incident.reference,
          org,
          corrects ? { id: corrects.id, reference: corrects.reference } : null,
          this.labelOf,
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
        },
      );
      if (!res.affected) throw new ConflictException('Report changed concurrently; reload and retry');

      const { deliveries, items } = await this.address(em, submitted, incident, org, rule, now, dto.outOfBand ?? [], p);
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
        },
      });
      await this.outbox.add(em, items);
      // A correction repeats content already reported: the obligation was met by the report it corrects.
      if (!report.correctsId) {
        const event: EngineEvent =
          report.kind === 'initial'
            ? { type: WORKFLOW_EVENT.initial, partial: report.partial, reportId: id }
            : { type: WORKFLOW_EVENT[report.kind], reportId: id };
        await this.engine.applyInTransaction(em, p, incident.id, p.orgId, event);
      }
    });
    return this.get(p, id);
  }

  /** Liaison records that an external recipient confirmed receipt (phone, reply mail): stops escalation. */
  async acknowledgeExternal(p: Principal, reportId: string, deliveryId: string, note?: string): Promise<ReportView> {
    await this.tx.run(async (em) => {
      const report = await this.find(em, p, reportId);
      const d = await em
        .getRepository(ReportDelivery)
        .findOneBy({ id: deliveryId, reportId: report.id, orgId: p.orgId });
      if (!d || d.departmentOrgId) throw new NotFoundException('No such external delivery on this report');
      if (d.acknowledgedAt) return;
      const at = new Date().toISOString();
      await em
        .getRepository(ReportDelivery)
        .update({ id: d.id }, { acknowledgedAt: at, acknowledgedBy: p.userId, ackNote: note ?? null, updatedAt: at });
      await this.audit.append(em, {
        actor: p,
        incidentId: report.incidentId,
        action: 'report.acknowledgement-recorded',
        payload: { reportId, deliveryId, recipient: d.recipientName, note: note ?? null },
      });
      await this.outbox.add(em, [this.clocks.stop(REPORT_ACKNOWLEDGEMENT, { deliveryId: d.id }, new Date(at))]);
    });
    return this.get(p, reportId);
  }

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
    const incident = await em.getRepository(Incident).findOneByOrFail({ id: report.incidentId });
    const org = await em.getRepository(Organisation).findOneByOrFail({ id: report.orgId });
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
    const incident = await em.getRepository(Incident).findOneByOrFail({ id: report.incidentId });
    const org = await em.getRepository(Organisation).findOneByOrFail({ id: report.orgId });
    const corrects = report.correctsId ? await em.getRepository(Report).findOneBy({ id: report.correctsId }) : null;
    return documentView(
      report,
      incident.reference,
      org,
      corrects ? { id: corrects.id, reference: corrects.reference } : null,
      this.labelOf,
    );
  }

  // ---- internals --------------------------------------------------------------------------------

  /**
   * Who receives the report: the protection departments of the operator's sector in this
   * deployment (inbox) and the operator's external recipients of the kinds the rule names. A drill
   * goes to departments marked drill, and to external recipients only when they opted in.
   */
  private async address(
    em: EntityManager,
    report: Report,
    incident: Incident,
    org: Organisation,
    rule: ReportingRule,
    now: Date,
    outOfBand: readonly OutOfBandDeliveryDto[],
    p: Principal,
  ): Promise<{ deliveries: ReportDelivery[]; items: OutboxItem[] }> {
    const kinds = this.readiness.recipientKinds(org, rule, report.grade);
    const at = now.toISOString();
    const ackDueAt = new Date(now.getTime() + this.config.ackWithinMs);
    const departments = await this.readiness.departmentsFor(em, org, kinds);
    const externals = (
      await em
        .getRepository(ReportRecipient)
        .find({ where: { orgId: org.id, active: true, kind: In(kinds) }, order: { createdAt: 'ASC' } })
    ).filter((r) => !report.drill || r.drill);
    const onward = rule.reports.onward;
    // The authority that must pass a grade I/II initial report on (protection department for CII
    // operators, provincial cyberspace department for the others) gets the onward clock.
    const onwardFor = (kind: string): boolean =>
      report.kind === 'initial' && !!onward && onward.from === kind && onward.grades.includes(report.grade);
    const base = {
      reportId: report.id,
      orgId: org.id,
      incidentId: incident.id,
      kind: report.kind,
      grade: report.grade,
      category: report.category,
      drill: report.drill,
      attempts: 0,
      attemptLog: [],
      lastError: null,
      ackDueAt: ackDueAt.toISOString(),
      ackEscalationLevel: 0,
      acknowledgedAt: null,
      acknowledgedBy: null,
      ackNote: null,
      onwardEscalationLevel: 0,
      onwardReminded: [],
      onwardReference: null,
      onwardAt: null,
      onwardBy: null,
      createdAt: at,
      updatedAt: at,
    };
    const deliveries: ReportDelivery[] = [
      ...departments.map((d): ReportDelivery => {
        const kind = (d.departmentKind ?? 'protection-department') as RecipientKindCode;
        return {
          ...base,
          id: randomUUID(),
          departmentOrgId: d.id,
          recipientId: null,
          recipientKind: kind,
          recipientName: d.name,
          channel: 'inbox',
          status: 'delivered',
          deliveredAt: at,
          receivedAt: at,
          onwardStatus: onwardFor(kind) ? 'pending' : 'none',
          onwardDueAt: onwardFor(kind) ? this.catalogue.reportDeadline(rule, 'onward', now).toISOString() : null,
        };
      }),
      ...externals.map((r): ReportDelivery => ({
        ...base,
        id: randomUUID(),
        departmentOrgId: null,
        recipientId: r.id,
        recipientKind: r.kind,
        recipientName: r.name,
        channel: r.channel,
        status: 'pending',
        deliveredAt: null,
        receivedAt: null,
        onwardStatus: 'none',
        onwardDueAt: null,
      })),
    ];
    deliveries.push(...outOfBand.map((o, i) => this.outOfBandDelivery(base, o, i, kinds, now, p)));
    // A report is on time only if it reached every kind of recipient the rules require: one that
    // reached nobody of a kind must not meet the deadline (the workflow event below would). Drills are
    // exempt: their reports go to external recipients only by opt-in.
    const missing = kinds.filter((k) => !deliveries.some((d) => d.recipientKind === k));
    if (missing.length && !report.drill) {
      throw new ConflictException({
        message:
          `Nobody here receives ${missing.join(', ')}: report to them ` +
          `another way (e.g. the national channels) and list each in ` +
          `outOfBand, or configure a recipient`,
        missingRecipientKinds: missing,
        nationalChannels: this.catalogue.nationalChannels.channels,
      });
    }
    await insertEach(em.getRepository(ReportDelivery), deliveries);
    const vars = {
      reference: incident.reference,
      title: incident.title,
      reportKind: report.kind,
      reportReference: report.reference,
      category: report.category,
      grade: report.grade,
    };
    const items: OutboxItem[] = [
      fanout(jobId('nt', 'rpt', report.id, 'submitted'), {
        orgId: org.id,
        event: 'report.submitted',
        data: vars,
        drill: report.drill,
        incidentId: incident.id,
        grade: report.grade,
        reportId: report.id,
      }),
    ];
    for (const d of deliveries) {
      const ref = { deliveryId: d.id };
      if (!d.acknowledgedAt)
        items.push(...this.clocks.start(REPORT_ACKNOWLEDGEMENT, ref, { start: now, due: ackDueAt, now }));
      if (d.channel === 'out-of-band') continue; // already reported by the liaison: nothing to send
      if (d.departmentOrgId) {
        items.push(
          fanout(jobId('nt', 'rpt', d.id, 'received'), {
            orgId: d.departmentOrgId,
            event: 'report.submitted',
            data: { ...vars, orgName: org.name, recipient: 'protection-department' },
            drill: report.drill,
            incidentId: null,
            grade: report.grade,
            reportId: report.id,
          }),
        );
      } else {
        items.push({
          id: jobId('rpt', d.id, 'try', 1),
          queue: QUEUES.deliveries,
          kind: 'report-delivery',
          payload: { deliveryId: d.id },
        });
      }
      if (d.onwardStatus === 'pending' && d.onwardDueAt)
        items.push(...this.clocks.start(ONWARD_REPORT, ref, { start: now, due: new Date(d.onwardDueAt), now }));
    }
    return { deliveries, items };
  }

  /** A report the liaison made outside the product (phone, fax, the 12387 website…), recorded with the submission. */
  private outOfBandDelivery(
    base: Omit<
      ReportDelivery,
      | 'id'
      | 'departmentOrgId'
      | 'recipientId'
      | 'recipientKind'
      | 'recipientName'
      | 'channel'
      | 'status'
      | 'deliveredAt'
      | 'receivedAt'
      | 'onwardStatus'
      | 'onwardDueAt'
    >,
    o: OutOfBandDeliveryDto,
    i: number,
    kinds: readonly string[],
    now: Date,
    p: Principal,
  ): ReportDelivery {
    if (!kinds.includes(o.recipientKind))
      throw badField(
        `outOfBand.${i}.recipientKind`,
        `the rules for this report require ${kinds.join(', ')}, not ${o.recipientKind}`,
      );
    const at = o.deliveredAt ? new Date(o.deliveredAt) : now;
    if (at.getTime() > now.getTime())
      throw badField(`outOfBand.${i}.deliveredAt`, 'deliveredAt cannot be in the future');
    // A call or a visit is its own acknowledgement; a fax or an email still waits for one.
    const spoken = o.means === 'phone' || o.means === 'in-person';
    return {
      ...base,
      id: randomUUID(),
      departmentOrgId: null,
      recipientId: null,
      recipientKind: o.recipientKind,
      recipientName: o.recipientName,
      channel: 'out-of-band',
      status: 'delivered',
      deliveredAt: at.toISOString(),
      receivedAt: at.toISOString(),
      onwardStatus: 'none',
      onwardDueAt: null,
      attemptLog: [
        { at: at.toISOString(), ok: true, means: o.means, reference: o.reference ?? null, recordedBy: p.userId },
      ],
      acknowledgedAt: spoken ? at.toISOString() : null,
      acknowledgedBy: spoken ? p.userId : null,
      ackNote: spoken ? (o.reference ?? o.means) : null,
    };
  }

  private async lastInitial(em: EntityManager, incidentId: string): Promise<Report | null> {
    return em
      .getRepository(Report)
      .findOne({ where: { incidentId, kind: 'initial', status: 'submitted' }, order: { submittedAt: 'DESC' } });
  }

  private checkComplete(report: Report, rule: ReportingRule, category: string): { required: string[] } {
    const sets = fieldSets(this.catalogue, rule, report.kind, category);
    if (report.partial && !rule.reports.initial.minimumFields.length)
      throw badField('partial', `rule ${rule.id} does not allow a partial report`);
    const gaps = missing(report.partial ? sets.minimum : sets.required, report.fields);
    if (gaps.length) {
      const what = report.partial ? 'a partial initial report (minimumFields)' : `a complete ${report.kind} report`;
      throw new BadRequestException({
        message: `${gaps.join(', ')} must be filled for ${what}`,
        details: gaps.map((g) => ({
          field: `fields.${g}`,
          messages: [`${this.labelOf(g)} (${g}) is required for ${what}`],
        })),
      });
    }
    return { required: sets.required };
  }

  private mutable(report: Report): void {
    if (report.status === 'submitted')
      throw new ConflictException('A submitted report cannot change; draft a correction that references it (corrects)');
  }

  private rule(org: Organisation, incident: Incident): ReportingRule {
    const rule = this.catalogue.ruleFor(org.operatorKind ?? 'other', incident.grade);
    if (!rule)
      throw new ConflictException(
        `No reporting rule applies to a grade ${incident.grade} incident of a ${org.operatorKind ?? 'other'} operator`,
      );
    return rule;
  }

  private async incident(em: EntityManager, p: Principal, id: string): Promise<Incident> {
    const incident = await em.getRepository(Incident).findOneBy({ id, orgId: p.orgId });
    if (!incident || !incident.snapshot) throw new NotFoundException('Incident not found');
    return incident;
  }

  private async find(em: EntityManager, p: Principal, id: string): Promise<Report> {
    const report = await em.getRepository(Report).findOneBy({ id, orgId: p.orgId });
    if (!report) throw new NotFoundException('Report not found');
    return report;
  }

  private async views(reports: Report[], incident: Incident): Promise<ReportView[]> {
    if (!reports.length) return [];
    const ids = reports.map((r) => r.id);
    const deliveries = await this.dataSource
      .getRepository(ReportDelivery)
      .find({ where: { reportId: In(ids) }, order: { createdAt: 'ASC', recipientName: 'ASC' } });
    const requests = await this.dataSource
      .getRepository(ReportInfoRequest)
      .find({ where: { reportId: In(ids) }, order: { requestedAt: 'DESC' } });
    const org = await this.dataSource.getRepository(Organisation).findOneByOrFail({ id: incident.orgId });
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
        this.labelOf,
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
