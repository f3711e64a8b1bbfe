import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Organisations, type OrganisationRecord } from '../accounts';
import type { Principal } from '../auth';
import type { Role, Sector } from '../common';
import { uuidv5 } from '../sharing';

/**
 * TAXII collections follow the joint-defense roles (协同联防), and are not stored: they follow from
 * the organisations.
 * - `sector`: one per sector. Its protection departments publish their warnings' indicators there
 *   (through the warnings API, not by POST); the sector's operators and departments read it.
 * - `department`: one per protection department. The operators of its sector share incident
 *   bundles into it (POST, by the roles that may export STIX); the department reads it. Operators
 *   cannot read it, so they do not see each other's bundles.
 * Another sector's collections, and other departments', are invisible: not listed and 404.
 */
export type CollectionKind = 'sector' | 'department';

export interface TaxiiCollection {
  id: string;
  kind: CollectionKind;
  /** The sector (sector collections) or the department's organisation id. */
  key: string;
  title: string;
  description: string;
  canRead: boolean;
  canWrite: boolean;
}

/** Operator roles that may share an incident bundle (the same as may export one). */
export const SHARING_ROLES: readonly Role[] = ['admin', 'leader', 'commander', 'liaison'];

export function sectorCollectionId(sector: string): string {
  return uuidv5(`taxii-collection:sector:${sector}`);
}

export function departmentCollectionId(departmentOrgId: string): string {
  return uuidv5(`taxii-collection:department:${departmentOrgId}`);
}

function sectorCollection(sector: Sector): Omit<TaxiiCollection, 'canRead' | 'canWrite'> {
  return {
    id: sectorCollectionId(sector),
    kind: 'sector',
    key: sector,
    title: `Early-warning indicators: ${sector} sector`,
    description:
      "Indicators from the early warnings the sector's protection departments issued to the whole sector, " +
      "for the sector's operators.",
  };
}

function departmentCollection(department: OrganisationRecord): Omit<TaxiiCollection, 'canRead' | 'canWrite'> {
  return {
    id: departmentCollectionId(department.id),
    kind: 'department',
    key: department.id,
    title: `Shared with ${department.name}`,
    description: `Incident bundles the operators of the ${department.sector} sector share with ${department.name}.`,
  };
}

@Injectable()
export class TaxiiCollections {
  constructor(private readonly organisations: Organisations) {}

  /** The collections `p` may read or write, in a stable order. */
  async visible(p: Principal, em?: EntityManager): Promise<TaxiiCollection[]> {
    const out: TaxiiCollection[] = [{ ...sectorCollection(p.sector), canRead: true, canWrite: false }];
    if (p.orgKind === 'department') {
      const own = await this.organisations.get(p.orgId, em);
      if (own.departmentKind === 'protection-department')
        out.push({ ...departmentCollection(own), canRead: true, canWrite: false });
    } else if (SHARING_ROLES.includes(p.role)) {
      const departments = await this.organisations.departments(
        { departmentKinds: ['protection-department'], sector: p.sector },
        em,
      );
      for (const d of departments) out.push({ ...departmentCollection(d), canRead: false, canWrite: true });
    }
    return out;
  }

  /** The collection `id` if `p` may see it, else undefined (answered 404, like another tenant's record). */
  async find(p: Principal, id: string, em?: EntityManager): Promise<TaxiiCollection | undefined> {
    return (await this.visible(p, em)).find((c) => c.id === id);
  }
}
