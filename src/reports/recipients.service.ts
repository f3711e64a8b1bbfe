import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { badField } from '../common/bad-field';
import { SecretBox } from '../common/crypto/secret-box';
import { TransactionRunner } from '../database/transaction-runner';
import { ChannelConfigError, channelFor } from '../notifications/channels';
import type { CreateRecipientDto, UpdateRecipientDto } from './report.dto';
import { ReportRecipient, type RecipientChannel } from './report.entities';
import { recipientView, type RecipientView } from './report.view';

/** The operator's external report recipients (public security, a department outside this deployment…). */
@Injectable()
export class RecipientsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly box: SecretBox,
  ) {}

  async list(p: Principal): Promise<RecipientView[]> {
    return (await this.dataSource.getRepository(ReportRecipient).find({ where: { orgId: p.orgId }, order: { createdAt: 'ASC' } })).map(recipientView);
  }

  async create(p: Principal, dto: CreateRecipientDto): Promise<RecipientView> {
    const config = this.validate(dto.channel, dto.config);
    if (dto.channel === 'webhook' && !dto.secret) throw badField('secret', 'a webhook recipient needs a signing secret (HMAC-SHA256)');
    const now = new Date().toISOString();
    const id = randomUUID();
    const row: ReportRecipient = {
      id, orgId: p.orgId, kind: dto.kind, name: dto.name, channel: dto.channel, config, secretSealed: dto.secret ? this.box.seal(dto.secret, id) : null,
      drill: dto.drill ?? false, active: true, createdAt: now, updatedAt: now,
    };
    await this.tx.run(async (em) => {
      // TypeORM's deep-partial type cannot describe a free-form JSON column (Record<string, unknown>).
      await em.getRepository(ReportRecipient).insert(row as never);
      await this.audit.append(em, { actor: p, action: 'report-recipient.created', payload: { recipientId: id, kind: row.kind, name: row.name, channel: row.channel, config, drill: row.drill, hasSecret: !!row.secretSealed } });
    });
    return recipientView(row);
  }

  async update(p: Principal, id: string, dto: UpdateRecipientDto): Promise<RecipientView> {
    return this.tx.run(async (em) => {
      const row = await em.getRepository(ReportRecipient).findOneBy({ id, orgId: p.orgId });
      if (!row) throw new NotFoundException('Recipient not found');
      if (dto.config !== undefined) row.config = this.validate(row.channel, dto.config);
      if (dto.name !== undefined) row.name = dto.name;
      if (dto.drill !== undefined) row.drill = dto.drill;
      if (dto.active !== undefined) row.active = dto.active;
      if (dto.secret !== undefined) row.secretSealed = this.box.seal(dto.secret, id);
      row.updatedAt = new Date().toISOString();
      await em.getRepository(ReportRecipient).save(row);
      const { secret, ...changed } = dto;
      await this.audit.append(em, { actor: p, action: 'report-recipient.updated', payload: { recipientId: id, changed, secretChanged: secret !== undefined } });
      return recipientView(row);
    });
  }

  private validate(channel: RecipientChannel, config: unknown): Record<string, unknown> {
    try {
      return channelFor(channel).validateConfig(config) as unknown as Record<string, unknown>;
    } catch (err) {
      if (err instanceof ChannelConfigError) throw badField(`config.${err.field}`, err.message);
      throw err;
    }
  }
}
