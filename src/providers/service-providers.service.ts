import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit';
import type { Principal } from '../auth';
import { nowIso } from '../common';
import { TransactionRunner } from '../database';
import type { CreateServiceProviderDto, ServiceProviderView, UpdateServiceProviderDto } from './service-provider.dto';
import { ServiceProvider } from './service-provider.entity';

const view = (r: ServiceProvider): ServiceProviderView => ({
  id: r.id,
  name: r.name,
  services: r.services,
  contactName: r.contactName,
  phone: r.phone,
  email: r.email,
  contractReference: r.contractReference,
  reportingClause: r.reportingClause,
  notes: r.notes,
  active: r.active,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

/** The operator's register of service providers (NCIRM-2025-providers). */
@Injectable()
export class ServiceProvidersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  async list(p: Principal): Promise<ServiceProviderView[]> {
    const rows = await this.dataSource
      .getRepository(ServiceProvider)
      .find({ where: { orgId: p.orgId }, order: { name: 'ASC', createdAt: 'ASC' } });
    return rows.map(view);
  }

  async create(p: Principal, dto: CreateServiceProviderDto): Promise<ServiceProviderView> {
    const now = nowIso();
    const row: ServiceProvider = {
      id: randomUUID(),
      orgId: p.orgId,
      name: dto.name,
      services: [...new Set(dto.services)],
      contactName: dto.contactName,
      phone: dto.phone ?? null,
      email: dto.email ?? null,
      contractReference: dto.contractReference ?? null,
      reportingClause: dto.reportingClause ?? false,
      notes: dto.notes ?? null,
      active: true,
      createdAt: now,
      updatedAt: now,
    };
    await this.tx.run(async (em) => {
      await em.getRepository(ServiceProvider).insert(row);
      await this.audit.append(em, {
        actor: p,
        action: 'service-provider.created',
        payload: { providerId: row.id, provider: view(row) },
      });
    });
    return view(row);
  }

  async update(p: Principal, id: string, dto: UpdateServiceProviderDto): Promise<ServiceProviderView> {
    return this.tx.run(async (em) => {
      const row = await em.getRepository(ServiceProvider).findOneBy({ id, orgId: p.orgId });
      if (!row) throw new NotFoundException('Service provider not found');
      const changed: Partial<ServiceProvider> = {};
      for (const key of [
        'name',
        'contactName',
        'phone',
        'email',
        'contractReference',
        'reportingClause',
        'notes',
        'active',
      ] as const) {
        if (dto[key] !== undefined) (changed as Record<string, unknown>)[key] = dto[key];
      }
      if (dto.services !== undefined) changed.services = [...new Set(dto.services)];
      const next: ServiceProvider = { ...row, ...changed, updatedAt: nowIso() };
      await em.getRepository(ServiceProvider).save(next);
      await this.audit.append(em, {
        actor: p,
        action: 'service-provider.updated',
        payload: { providerId: id, changed },
      });
      return view(next);
    });
  }
}
