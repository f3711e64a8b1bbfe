import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit';
import type { Principal } from '../auth';
import {
  badField,
  SecretBox,
  carryOverSecrets,
  openConfigSecrets,
  sealConfigSecrets,
  splitConfigSecrets,
} from '../common';
import { TransactionRunner } from '../database';
import { EgressPolicy } from '../egress';
import { validateChannelConfig } from '../notifications';
import type { CreateRecipientDto, UpdateRecipientDto } from './report.dto';
import { ReportRecipient } from './report.entities';
import { recipientView, type RecipientView } from './report.view';

/** The operator's external report recipients (public security, a department outside this deployment…). */
@Injectable()
export class RecipientsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly box: SecretBox,
    private readonly egress: EgressPolicy,
  ) {}

  async list(p: Principal): Promise<RecipientView[]> {
    return (
      await this.dataSource
        .getRepository(ReportRecipient)
        .find({ where: { orgId: p.orgId }, order: { createdAt: 'ASC' } })
    ).map(recipientView);
  }

  async create(p: Principal, dto: CreateRecipientDto): Promise<RecipientView> {
    const full = validateChannelConfig(dto.channel, dto.config, this.egress);
    if (dto.channel === 'webhook' && !dto.secret)
      throw badField('secret', 'a webhook recipient needs a signing secret (HMAC-SHA256)');
    const now = new Date().toISOString();
    const id = randomUUID();
    // Header values and URL tokens are sealed apart; the row, the view and the audit entry show ***.
    const { shown: config, secrets } = splitConfigSecrets(full);
    const row: ReportRecipient = {
      id,
      orgId: p.orgId,
      kind: dto.kind,
      name: dto.name,
      channel: dto.channel,
      config,
      configSealed: sealConfigSecrets(this.box, id, secrets),
      secretSealed: dto.secret ? this.box.seal(dto.secret, id) : null,
      drill: dto.drill ?? false,
      active: true,
      createdAt: now,
      updatedAt: now,
    };
    await this.tx.run(async (em) => {
      // TypeORM's deep-partial type cannot describe a free-form JSON column (Record<string, unknown>).
      await em.getRepository(ReportRecipient).insert(row as never);
      await this.audit.append(em, {
        actor: p,
        action: 'report-recipient.created',
        payload: {
          recipientId: id,
          kind: row.kind,
          name: row.name,
          channel: row.channel,
          config,
          drill: row.drill,
          hasSecret: !!row.secretSealed,
        },
      });
    });
    return recipientView(row);
  }

  async update(p: Principal, id: string, dto: UpdateRecipientDto): Promise<RecipientView> {
    return this.tx.run(async (em) => {
      const row = await em.getRepository(ReportRecipient).findOneBy({ id, orgId: p.orgId });
      if (!row) throw new NotFoundException('Recipient not found');
      if (dto.config !== undefined) {
        const full = validateChannelConfig(
          row.channel,
          carryOverSecrets(dto.config, row.config, openConfigSecrets(this.box, row.id, row.configSealed)),
          this.egress,
        );
        const { shown, secrets } = splitConfigSecrets(full);
        row.config = shown;
        row.configSealed = sealConfigSecrets(this.box, row.id, secrets);
      }
      if (dto.name !== undefined) row.name = dto.name;
      if (dto.drill !== undefined) row.drill = dto.drill;
      if (dto.active !== undefined) row.active = dto.active;
      if (dto.secret !== undefined) row.secretSealed = this.box.seal(dto.secret, id);
      row.updatedAt = new Date().toISOString();
      await em.getRepository(ReportRecipient).save(row);
      const { secret, ...given } = dto;
      // The stored (masked) config, never the one given: it may carry header values and URL tokens.
      const changed = { ...given, ...(given.config !== undefined ? { config: row.config } : {}) };
      await this.audit.append(em, {
        actor: p,
        action: 'report-recipient.updated',
        payload: { recipientId: id, changed, secretChanged: secret !== undefined },
      });
      return recipientView(row);
    });
  }
}
