import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { badField } from '../common/bad-field';
import { nowIso, toIso } from '../common/time';
import { nextSequenceValue } from '../database/sequence';
import { TransactionRunner } from '../database/transaction-runner';
import type { CreateIncidentDto, ListIncidentsQuery } from './incident.dto';
import { Incident } from './incident.entity';

/** Clock skew tolerated between a reporter's clock and ours for "detected in the future". */
const FUTURE_SKEW_MS = 5 * 60_000;

@Injectable()
export class IncidentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  async declare(p: Principal, dto: CreateIncidentDto): Promise<Incident> {
    const detected = new Date(dto.detectedAt);
    if (detected.getTime() > Date.now() + FUTURE_SKEW_MS) throw badField('detectedAt', 'detectedAt must not be in the future');
    if (dto.occurredAt && new Date(dto.occurredAt).getTime() > detected.getTime()) {
      throw badField('occurredAt', 'occurredAt must not be later than detectedAt');
    }
    return this.tx.run(async (em) => {
      const now = nowIso();
      const year = now.slice(0, 4);
      const n = await nextSequenceValue(em, `incident:${p.orgId}:${year}`);
      const incident = em.getRepository(Incident).create({
        id: randomUUID(),
        orgId: p.orgId,
        reference: `INC-${year}-${String(n).padStart(6, '0')}`,
        title: dto.title,
        description: dto.description ?? '',
        category: dto.category,
        grade: dto.grade,
        state: 'triage',
        drill: dto.drill ?? false,
        detectedAt: toIso(dto.detectedAt),
        occurredAt: dto.occurredAt ? toIso(dto.occurredAt) : null,
        affectedSystems: dto.affectedSystems ?? [],
        affectedBusiness: dto.affectedBusiness ?? [],
        impact: dto.impact ? { ...dto.impact } : null,
        workflowId: 'incident',
        workflowVersion: 1,
        snapshot: null,
        version: 1,
        createdBy: p.userId,
        createdAt: now,
        updatedAt: now,
      });
      await em.getRepository(Incident).insert(incident);
      await this.audit.append(em, {
        actor: p,
        action: 'incident.declared',
        incidentId: incident.id,
        payload: { reference: incident.reference, title: incident.title, category: incident.category, grade: incident.grade, drill: incident.drill, detectedAt: incident.detectedAt },
      });
      return incident;
    });
  }

  /** Another organisation's incident is "not found": existence must not leak across tenants. */
  async get(p: Principal, id: string): Promise<Incident> {
    const incident = await this.dataSource.getRepository(Incident).findOneBy({ id, orgId: p.orgId });
    if (!incident) throw new NotFoundException('Incident not found');
    return incident;
  }

  async list(p: Principal, q: ListIncidentsQuery): Promise<{ items: Incident[]; total: number; page: number; pageSize: number }> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const qb = this.dataSource.getRepository(Incident).createQueryBuilder('i').where('i.org_id = :org', { org: p.orgId });
    if (q.state) qb.andWhere('i.state = :state', { state: q.state });
    if (q.grade) qb.andWhere('i.grade = :grade', { grade: q.grade });
    if (q.category) qb.andWhere('i.category = :category', { category: q.category });
    if (q.drill !== undefined) qb.andWhere('i.drill = :drill', { drill: q.drill });
    if (q.detectedFrom) qb.andWhere('i.detected_at >= :from', { from: toIso(q.detectedFrom) });
    if (q.detectedTo) qb.andWhere('i.detected_at < :to', { to: toIso(q.detectedTo) });
    const [items, total] = await qb.orderBy('i.created_at', 'DESC').addOrderBy('i.reference', 'DESC').skip((page - 1) * pageSize).take(pageSize).getManyAndCount();
    return { items, total, page, pageSize };
  }
}
