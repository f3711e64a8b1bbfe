import { ConflictException, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, In } from 'typeorm';
import type { OrganisationRecord } from '../accounts';
import type { Principal } from '../auth';
import { badField } from '../common';
import { insertEach } from '../database';
import { Clocks, ONWARD_REPORT, REPORT_ACKNOWLEDGEMENT } from '../clocks';
import type { IncidentRecord } from '../incidents';
import type { OutboxItem } from '../outbox';
import { QUEUES, jobId } from '../queues';
import { Catalogue, type ReportingRule } from '../requirements';
import type { OutOfBandDeliveryDto } from './report.dto';
import { openDueAt, Report, ReportDelivery, ReportRecipient, type RecipientKindCode } from './report.entities';
import { fanout } from './report-jobs';
import { ReportsConfig } from './reports-config';
import { ReportingReadiness } from './reporting-readiness';

/** A delivery's fields that every recipient of one submission shares. */
type DeliveryBase = Omit<
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
>;

/**
 * Who receives a submitted report, and the work that follows: one delivery per recipient (a
 * department's inbox, an external recipient's delivery job, a report the liaison made outside the
 * product), the acknowledgement and onward clocks, and the notifications of the submission.
 */
@Injectable()
export class ReportAddressing {
  constructor(
    private readonly catalogue: Catalogue,
    private readonly clocks: Clocks,
    private readonly config: ReportsConfig,
    private readonly readiness: ReportingReadiness,
  ) {}

  /**
   * Who receives the report: the protection departments of the operator's sector in this
   * deployment (inbox) and the operator's external recipients of the kinds the rule names. A drill
   * goes to departments marked drill, and to external recipients only when they opted in.
   */
  async address(
    em: EntityManager,
    report: Report,
    incident: IncidentRecord,
    org: OrganisationRecord,
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
      infoRequestedAt: null,
      onwardEscalationLevel: 0,
      onwardReminded: [],
      onwardReference: null,
      onwardAt: null,
      onwardBy: null,
      openDueAt: null,
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
    for (const d of deliveries) d.openDueAt = openDueAt(d);
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
        items.push(...this.clocks.start(REPORT_ACKNOWLEDGEMENT, ref, { start: now, due: new Date(d.ackDueAt), now }));
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
    base: DeliveryBase,
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
}
