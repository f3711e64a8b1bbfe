import { Processor } from '@nestjs/bullmq';
import { Incidents } from '../incidents';
import { LoggedWorkerHost, isLastAttempt, jitteredBackoff, QUEUES, jobId } from '../queues';
import { Inject } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit';
import { SecretBox, joinConfigSecrets, openConfigSecrets } from '../common';
import { TransactionRunner } from '../database';
import { TimingPolicy } from '../clocks';
import { EgressPolicy } from '../egress';
import { LOGGER } from '../logging';
import {
  channelFor,
  type DeliveryResult,
  type RenderedMessage,
  renderMessage,
  RetryableDeliveryError,
} from '../notifications';
import { OutboxService } from '../outbox';
import { Report, ReportDelivery, ReportRecipient, type DeliveryAttempt } from './report.entities';
import { ReportDocuments } from './report-documents.service';
import { fanout } from './report-jobs';

const MAX_LOGGED_ATTEMPTS = 20;

/**
 * Delivers a submitted report to one external recipient: email with the printable report attached
 * (HTML, plus the JSON document), or a webhook carrying the JSON document, HMAC-signed by the
 * channel. Each attempt is recorded on the delivery row (attempts, the attempt log, the last error).
 * A retryable failure is retried by BullMQ, REPORT_DELIVERY_MAX_ATTEMPTS attempts in all with the
 * queue's backoff (queues.module.ts), the job waiting in Redis between them; a permanent failure, or
 * the last attempt, marks the delivery failed and tells the operator's commander.
 */
@Processor(QUEUES.deliveries, { concurrency: 4, settings: { backoffStrategy: jitteredBackoff } })
export class ReportDeliveryProcessor extends LoggedWorkerHost {
  constructor(
    private readonly incidents: Incidents,
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly documents: ReportDocuments,
    private readonly box: SecretBox,
    private readonly timing: TimingPolicy,
    private readonly egress: EgressPolicy,
    @Inject(LOGGER) protected readonly logger: Logger,
  ) {
    super();
  }

  async process(job: Job<{ deliveryId: string }>): Promise<string> {
    if (job.name !== 'report-delivery') return 'unknown-job';
    const d = await this.dataSource.getRepository(ReportDelivery).findOneBy({ id: job.data.deliveryId });
    if (!d || d.status !== 'pending' || !d.recipientId) return 'nothing-to-do';
    const recipient = await this.dataSource
      .getRepository(ReportRecipient)
      .findOneBy({ id: d.recipientId, orgId: d.orgId });
    const report = await this.dataSource.getRepository(Report).findOneByOrFail({ id: d.reportId });
    const result = recipient
      ? await this.send(d, report, recipient)
      : { ok: false, error: 'recipient was removed', retryable: false };
    const outcome = await this.record(d, result, isLastAttempt(job));
    // Thrown once the attempt is recorded: BullMQ schedules the next one, or keeps the failed job.
    if (outcome === 'pending') throw new RetryableDeliveryError(result.error ?? 'delivery failed');
    if (outcome === 'failed') throw new UnrecoverableError(result.error ?? 'delivery failed');
    return outcome;
  }

  private async send(d: ReportDelivery, report: Report, recipient: ReportRecipient): Promise<DeliveryResult> {
    try {
      const em = this.dataSource.manager;
      const incident = await this.incidents.get(report.incidentId, em);
      const document = await this.documents.document(em, report);
      const message: RenderedMessage = renderMessage('report.submitted', 'zh-CN', {
        reference: incident.reference,
        title: incident.title,
        grade: report.grade,
        category: report.category,
        reportKind: report.kind,
        recipient: recipient.kind,
        drill: report.drill,
      });
      const secret = recipient.secretSealed ? this.box.open(recipient.secretSealed, recipient.id) : undefined;
      const context = { deliveryId: d.id, event: 'report.submitted', egress: this.egress };
      const config = joinConfigSecrets(
        recipient.config,
        openConfigSecrets(this.box, recipient.id, recipient.configSealed),
      );
      if (recipient.channel === 'webhook') {
        const channel = channelFor('webhook');
        return await channel.send(channel.validateConfig(config), message, secret, {
          ...context,
          data: document as unknown as Record<string, unknown>,
        });
      }
      const channel = channelFor('email');
      const html = await this.documents.html(em, report);
      return await channel.send(channel.validateConfig(config), message, secret, {
        ...context,
        attachments: [
          { filename: `${report.reference}.html`, content: html, contentType: 'text/html; charset=utf-8' },
          {
            filename: `${report.reference}.json`,
            content: JSON.stringify(document, null, 2),
            contentType: 'application/json',
          },
        ],
      });
    } catch (err) {
      // A config or secret that no longer opens cannot get better by retrying.
      return { ok: false, error: err instanceof Error ? err.message : String(err), retryable: false };
    }
  }

  /** `lastAttempt`: no retry follows, so a retryable failure fails the delivery too. */
  private async record(d: ReportDelivery, result: DeliveryResult, lastAttempt: boolean): Promise<string> {
    const outcome = await this.tx.run(async (em) => {
      const row = await em.getRepository(ReportDelivery).findOneByOrFail({ id: d.id });
      if (row.status !== 'pending') return 'nothing-to-do';
      const now = new Date();
      const attempts = row.attempts + 1;
      const entry: DeliveryAttempt = {
        at: now.toISOString(),
        ok: result.ok,
        ...(result.status !== undefined ? { status: result.status } : {}),
        ...(result.error ? { error: result.error.slice(0, 500) } : {}),
      };
      const log = [...row.attemptLog, entry].slice(-MAX_LOGGED_ATTEMPTS);
      const retry = !result.ok && result.retryable && !lastAttempt;
      const status = result.ok ? 'delivered' : retry ? 'pending' : 'failed';
      const at = now.toISOString();
      await em.getRepository(ReportDelivery).update(
        { id: row.id },
        {
          attempts,
          attemptLog: log,
          status,
          lastError: result.ok ? null : (result.error ?? 'failed').slice(0, 1000),
          deliveredAt: result.ok ? at : null,
          receivedAt: result.ok ? at : null,
          updatedAt: at,
        },
      );
      const actor = { system: 'deliveries', orgId: row.orgId };
      const action = result.ok ? 'report.delivered' : retry ? 'report.delivery-retry' : 'report.delivery-failed';
      await this.audit.append(em, {
        actor,
        orgId: row.orgId,
        incidentId: row.incidentId,
        action,
        payload: {
          reportId: row.reportId,
          deliveryId: row.id,
          recipient: row.recipientName,
          attempt: attempts,
          status: result.status ?? null,
          error: result.error ?? null,
        },
      });
      if (status === 'failed') {
        const role = this.timing.escalationSteps[0] ?? 'commander';
        await this.outbox.add(em, [
          fanout(jobId('nt', 'rpt', row.id, 'failed'), {
            orgId: row.orgId,
            event: 'escalation',
            drill: row.drill,
            incidentId: row.incidentId,
            grade: row.grade,
            reportId: row.reportId,
            role,
            data: {
              timer: 'report-delivery',
              level: 1,
              role,
              recipient: row.recipientName,
              reason: result.error ?? 'delivery failed',
            },
          }),
        ]);
      }
      return status;
    });
    if (outcome !== 'delivered')
      this.logger.warn({ delivery: d.id, outcome, error: result.error }, 'report delivery attempt failed');
    return outcome;
  }
}
