import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Job } from 'bullmq';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Role } from '../common/roles';
import { TransactionRunner } from '../database/transaction-runner';
import { reminderPercent } from '../deadlines/deadline-planner';
import { TimingPolicy } from '../deadlines/timing-policy';
import { OutboxService, type OutboxItem } from '../outbox/outbox.service';
import { QUEUES, jobId } from '../queues/queue-names';
import { TimerRegistry } from '../timers/timer-registry';
import { Report, ReportDelivery } from './report.entities';
import { fanout } from './report-jobs';

/** Department side of an onward deadline: the officer first, then the department's admin. */
export const ONWARD_ESCALATION: readonly Role[] = ['department-officer', 'admin'];

export function onwardJobIds(deliveryId: string, reminders: readonly number[]): string[] {
  return [
    ...reminders.map((f) => jobId('rpt', deliveryId, 'onw', `r${reminderPercent(f)}`)),
    jobId('rpt', deliveryId, 'onw', 'due'),
    ...ONWARD_ESCALATION.map((_, i) => jobId('rpt', deliveryId, 'onw', 'esc', i + 1)),
  ];
}

interface ReportTimerData {
  deliveryId: string;
  fraction?: number;
  level?: number;
}

const SYSTEM = (orgId: string) => ({ system: 'timers', orgId });

/**
 * Report clocks on the single timers-queue worker (TimerRegistry): an unacknowledged report
 * escalates on the operator side like a missed deadline (commander → leader → admin, the product's
 * escalation steps), and the department that received a grade I/II initial report gets reminders,
 * a missed notice and escalation (department-officer → admin) until it records the onward report.
 * Every handler re-reads the row and does nothing when the work is done or already done, so a job
 * that fires late or twice changes nothing twice.
 */
@Injectable()
export class ReportTimers implements OnModuleInit {
  constructor(
    private readonly registry: TimerRegistry,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly timing: TimingPolicy,
  ) {}

  onModuleInit(): void {
    this.registry.register('report-ack-due', (job) =>
      this.ackEscalate((job as Job<ReportTimerData>).data.deliveryId, 1),
    );
    this.registry.register('report-ack-escalate', (job) =>
      this.ackEscalate((job as Job<ReportTimerData>).data.deliveryId, (job as Job<ReportTimerData>).data.level ?? 1),
    );
    this.registry.register('report-onward-reminder', (job) =>
      this.onwardReminder(
        (job as Job<ReportTimerData>).data.deliveryId,
        (job as Job<ReportTimerData>).data.fraction ?? 0,
      ),
    );
    this.registry.register('report-onward-due', (job) => this.onwardDue((job as Job<ReportTimerData>).data.deliveryId));
    this.registry.register('report-onward-escalate', (job) =>
      this.onwardEscalate((job as Job<ReportTimerData>).data.deliveryId, (job as Job<ReportTimerData>).data.level ?? 1),
    );
  }

  async ackEscalate(deliveryId: string, level: number): Promise<string> {
    return this.run(async (em) => {
      const d = await em.getRepository(ReportDelivery).findOneBy({ id: deliveryId });
      const steps = this.timing.escalationSteps;
      if (!d || d.acknowledgedAt || d.ackEscalationLevel >= level || level > steps.length) return null;
      const report = await em.getRepository(Report).findOneByOrFail({ id: d.reportId });
      const role = steps[level - 1]!;
      const now = new Date();
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
      if (level < steps.length) {
        items.push({
          id: jobId('rpt', d.id, 'ack', 'esc', level + 1),
          queue: QUEUES.timers,
          kind: 'report-ack-escalate',
          payload: { deliveryId: d.id, level: level + 1 },
          dueAt: new Date(now.getTime() + this.timing.escalationStepDelayMs),
        });
      }
      await this.outbox.add(em, items);
      return 'escalated';
    });
  }

  async onwardReminder(deliveryId: string, fraction: number): Promise<string> {
    return this.run(async (em) => {
      const d = await em.getRepository(ReportDelivery).findOneBy({ id: deliveryId });
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

  async onwardDue(deliveryId: string): Promise<string> {
    return this.run(async (em) => {
      const d = await em.getRepository(ReportDelivery).findOneBy({ id: deliveryId });
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
        {
          id: jobId('rpt', d.id, 'onw', 'esc', 1),
          queue: QUEUES.timers,
          kind: 'report-onward-escalate',
          payload: { deliveryId: d.id, level: 1 },
          dueAt: now,
        },
      ]);
      return 'missed';
    });
  }

  async onwardEscalate(deliveryId: string, level: number): Promise<string> {
    return this.run(async (em) => {
      const d = await em.getRepository(ReportDelivery).findOneBy({ id: deliveryId });
      if (
        !d ||
        !d.departmentOrgId ||
        d.onwardStatus !== 'missed' ||
        d.onwardAt ||
        d.onwardEscalationLevel >= level ||
        level > ONWARD_ESCALATION.length
      )
        return null;
      const report = await em.getRepository(Report).findOneByOrFail({ id: d.reportId });
      const role = ONWARD_ESCALATION[level - 1]!;
      const now = new Date();
      await em
        .getRepository(ReportDelivery)
        .update({ id: d.id }, { onwardEscalationLevel: level, updatedAt: now.toISOString() });
      await this.audit.append(em, {
        actor: SYSTEM(d.departmentOrgId),
        orgId: d.departmentOrgId,
        action: 'report.onward-escalated',
        payload: { reportId: d.reportId, deliveryId: d.id, level, role, dueAt: d.onwardDueAt },
      });
      const items: OutboxItem[] = [
        fanout(jobId('nt', 'rpt', d.id, 'onw', 'esc', level), {
          orgId: d.departmentOrgId,
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
      if (level < ONWARD_ESCALATION.length) {
        items.push({
          id: jobId('rpt', d.id, 'onw', 'esc', level + 1),
          queue: QUEUES.timers,
          kind: 'report-onward-escalate',
          payload: { deliveryId: d.id, level: level + 1 },
          dueAt: new Date(now.getTime() + this.timing.escalationStepDelayMs),
        });
      }
      await this.outbox.add(em, items);
      return 'escalated';
    });
  }

  private async run(work: (em: EntityManager) => Promise<string | null>): Promise<string> {
    const outcome = await this.tx.run(work);
    return outcome ?? 'skipped';
  }
}

const incidentRef = (r: Report) => r.reference.replace(/-R\d+$/, '');
