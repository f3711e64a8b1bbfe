import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit';
import {
  Clocks,
  type DeliveryRef,
  EscalationLadder,
  type LadderBinding,
  type LadderState,
  ONWARD_REPORT,
  REPORT_ACKNOWLEDGEMENT,
  TimerHandlers,
  reminderPercent,
} from '../clocks';
import { TransactionRunner } from '../database';
import { OutboxService, type OutboxItem } from '../outbox';
import { jobId } from '../queues';
import { Report, ReportDelivery } from './report.entities';
import { fanout } from './report-jobs';

interface DeliveryState extends LadderState {
  delivery: ReportDelivery;
}

const SYSTEM = (orgId: string) => ({ system: 'timers', orgId });

/**
 * Report clocks. An unacknowledged report escalates on the operator side like a missed deadline
 * (the product's escalation ladder, its first step when the window closes), and the department that
 * received a grade I/II initial report gets reminders, a missed notice and escalation
 * (department-officer → admin) until it records the onward report. Every handler re-reads the
 * delivery and does nothing when the work is done or already done, so a job that fires late or
 * twice changes nothing twice.
 */
@Injectable()
export class ReportClocks implements OnModuleInit {
  constructor(
    private readonly handlers: TimerHandlers,
    private readonly ladder: EscalationLadder,
    private readonly clocks: Clocks,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  onModuleInit(): void {
    const owner = ReportClocks.name;
    // The acknowledgement window closing is the first escalation step.
    this.handlers.on(REPORT_ACKNOWLEDGEMENT, 'due', (ref) => this.ladder.run(REPORT_ACKNOWLEDGEMENT, ref, 1), owner);
    this.ladder.bind(REPORT_ACKNOWLEDGEMENT, this.acknowledgement, owner);
    this.handlers.on(ONWARD_REPORT, 'reminder', (ref, d) => this.onwardReminder(ref, d.fraction ?? 0), owner);
    this.handlers.on(ONWARD_REPORT, 'due', (ref) => this.onwardDue(ref), owner);
    this.ladder.bind(ONWARD_REPORT, this.onward, owner);
  }

  private readonly acknowledgement: LadderBinding<DeliveryRef, DeliveryState> = {
    load: async (em, ref) => {
      const d = await em.getRepository(ReportDelivery).findOneBy({ id: ref.deliveryId });
      return d ? { level: d.ackEscalationLevel, overdue: !d.acknowledgedAt, delivery: d } : null;
    },
    record: async (em, _ref, { delivery: d }, { level, role, now }) => {
      const report = await em.getRepository(Report).findOneByOrFail({ id: d.reportId });
      await em
        .getRepository(ReportDelivery)
        .update({ id: d.id }, { ackEscalationLevel: level, updatedAt: now.toISOString() });
      await this.audit.append(em, {
        actor: SYSTEM(d.orgId),
        orgId: d.orgId,
        incidentId: d.incidentId,
        action: level === 1 ? 'report.ack-overdue' : 'report.ack-escalated',
        payload: {
          reportId: d.reportId,
          deliveryId: d.id,
          recipient: d.recipientName,
          ackDueAt: d.ackDueAt,
          level,
          role,
          drill: d.drill,
        },
      });
      const data = {
        timer: 'report-ack',
        level,
        role,
        dueAt: d.ackDueAt,
        reference: incidentRef(report),
        reportReference: report.reference,
        reportKind: d.kind,
        recipient: d.recipientName,
      };
      const items: OutboxItem[] = [
        fanout(jobId('nt', 'rpt', d.id, 'ack', 'esc', level), {
          orgId: d.orgId,
          event: 'escalation',
          data,
          drill: d.drill,
          incidentId: d.incidentId,
          grade: d.grade,
          reportId: d.reportId,
          role,
        }),
      ];
      // The department that has not acknowledged is told once, when the window closes.
      if (level === 1 && d.departmentOrgId) {
        items.push(
          fanout(jobId('nt', 'rpt', d.id, 'ack', 'dept'), {
            orgId: d.departmentOrgId,
            event: 'escalation',
            data,
            drill: d.drill,
            incidentId: null,
            grade: d.grade,
            reportId: d.reportId,
            role: 'department-officer',
          }),
        );
      }
      return items;
    },
  };

  private readonly onward: LadderBinding<DeliveryRef, DeliveryState> = {
    load: async (em, ref) => {
      const d = await em.getRepository(ReportDelivery).findOneBy({ id: ref.deliveryId });
      if (!d || !d.departmentOrgId) return null;
      return { level: d.onwardEscalationLevel, overdue: d.onwardStatus === 'missed' && !d.onwardAt, delivery: d };
    },
    record: async (em, _ref, { delivery: d }, { level, role, now }) => {
      const department = d.departmentOrgId!; // load returns departments' deliveries only
      const report = await em.getRepository(Report).findOneByOrFail({ id: d.reportId });
      await em
        .getRepository(ReportDelivery)
        .update({ id: d.id }, { onwardEscalationLevel: level, updatedAt: now.toISOString() });
      await this.audit.append(em, {
        actor: SYSTEM(department),
        orgId: department,
        action: 'report.onward-escalated',
        payload: { reportId: d.reportId, deliveryId: d.id, level, role, dueAt: d.onwardDueAt },
      });
      return [
        fanout(jobId('nt', 'rpt', d.id, 'onw', 'esc', level), {
          orgId: department,
          event: 'escalation',
          drill: d.drill,
          incidentId: null,
          grade: d.grade,
          reportId: d.reportId,
          role,
          data: {
            timer: 'onward-report',
            level,
            role,
            dueAt: d.onwardDueAt,
            reference: incidentRef(report),
            reportReference: report.reference,
          },
        }),
      ];
    },
  };

  async onwardReminder(ref: DeliveryRef, fraction: number): Promise<string> {
    return this.run(async (em) => {
      const d = await em.getRepository(ReportDelivery).findOneBy({ id: ref.deliveryId });
      const pct = reminderPercent(fraction);
      if (!d || !d.departmentOrgId || d.onwardStatus !== 'pending' || d.onwardAt || d.onwardReminded.includes(pct))
        return null;
      const report = await em.getRepository(Report).findOneByOrFail({ id: d.reportId });
      await em
        .getRepository(ReportDelivery)
        .update({ id: d.id }, { onwardReminded: [...d.onwardReminded, pct], updatedAt: new Date().toISOString() });
      await this.audit.append(em, {
        actor: SYSTEM(d.departmentOrgId),
        orgId: d.departmentOrgId,
        action: 'report.onward-reminder',
        payload: { reportId: d.reportId, deliveryId: d.id, fraction, dueAt: d.onwardDueAt },
      });
      await this.outbox.add(em, [
        fanout(jobId('nt', 'rpt', d.id, 'onw', `r${pct}`), {
          orgId: d.departmentOrgId,
          event: 'deadline.reminder',
          drill: d.drill,
          incidentId: null,
          grade: d.grade,
          reportId: d.reportId,
          data: {
            timer: 'onward-report',
            dueAt: d.onwardDueAt,
            fraction,
            reference: incidentRef(report),
            reportReference: report.reference,
          },
        }),
      ]);
      return 'reminded';
    });
  }

  /** The onward deadline passed: marks it missed, tells the department, queues the first escalation step at once. */
  async onwardDue(ref: DeliveryRef): Promise<string> {
    return this.run(async (em) => {
      const d = await em.getRepository(ReportDelivery).findOneBy({ id: ref.deliveryId });
      if (!d || !d.departmentOrgId || d.onwardStatus !== 'pending' || d.onwardAt) return null;
      const report = await em.getRepository(Report).findOneByOrFail({ id: d.reportId });
      const now = new Date();
      await em
        .getRepository(ReportDelivery)
        .update({ id: d.id }, { onwardStatus: 'missed', updatedAt: now.toISOString() });
      await this.audit.append(em, {
        actor: SYSTEM(d.departmentOrgId),
        orgId: d.departmentOrgId,
        action: 'report.onward-missed',
        payload: { reportId: d.reportId, deliveryId: d.id, dueAt: d.onwardDueAt },
      });
      await this.outbox.add(em, [
        fanout(jobId('nt', 'rpt', d.id, 'onw', 'missed'), {
          orgId: d.departmentOrgId,
          event: 'deadline.missed',
          drill: d.drill,
          incidentId: null,
          grade: d.grade,
          reportId: d.reportId,
          data: {
            timer: 'onward-report',
            dueAt: d.onwardDueAt,
            reference: incidentRef(report),
            reportReference: report.reference,
          },
        }),
        this.clocks.escalation(ONWARD_REPORT, ref, 1, now),
      ]);
      return 'missed';
    });
  }

  private async run(work: (em: EntityManager) => Promise<string | null>): Promise<string> {
    const outcome = await this.tx.run(work);
    return outcome ?? 'skipped';
  }
}

const incidentRef = (r: Report) => r.reference.replace(/-R\d+$/, '');
