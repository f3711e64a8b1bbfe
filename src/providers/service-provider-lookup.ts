import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { ServiceProvider } from './service-provider.entity';

/** What a plan's service-provider step and an incident show of a provider. */
export interface ProviderContact {
  id: string;
  name: string;
  contactName: string;
  phone: string | null;
  email: string | null;
  contractReference: string | null;
  reportingClause: boolean;
  active: boolean;
}

/** How other modules read the register (plans check the providers their steps name; incidents show them). */
@Injectable()
export class ServiceProviders {
  async byIds(em: EntityManager, orgId: string, ids: string[]): Promise<Map<string, ProviderContact>> {
    if (!ids.length) return new Map();
    const rows = await em.getRepository(ServiceProvider).findBy({ orgId, id: In([...new Set(ids)]) });
    return new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          name: r.name,
          contactName: r.contactName,
          phone: r.phone,
          email: r.email,
          contractReference: r.contractReference,
          reportingClause: r.reportingClause,
          active: r.active,
        },
      ]),
    );
  }
}
