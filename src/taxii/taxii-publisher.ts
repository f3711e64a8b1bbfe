import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Organisations } from '../accounts';
import { AuditService } from '../audit';
import type { Actor } from '../auth';
import { exportIndicatorObjects, StixObjects, type SharedIndicatorType, type TlpLevel } from '../sharing';
import { sectorCollectionId } from './collections';
import { TaxiiStore } from './taxii-store';

/** What the publisher needs of a warning (plain data: the warnings module owns the entity). */
export interface PublishedWarning {
  id: string;
  reference: string;
  /** The issuing department. */
  orgId: string;
  /** Non-empty when the warning went to the whole sector. */
  sectors: string[];
  drill: boolean;
  createdAt: string;
  updatedAt: string;
  indicators: Array<{ type: SharedIndicatorType; value: string; description?: string; tlp?: TlpLevel }>;
}

/** TLP levels that never go into a collection a whole sector reads. */
const NOT_FOR_A_SECTOR = new Set<TlpLevel>(['red', 'amber+strict']);

/**
 * Puts a department's warning indicators into its sector's collection, in the warning's own
 * transaction. Only warnings to the whole sector are published (a warning to named operators is
 * for them alone), drills never (exercise data must not reach a blocklist), and indicators marked
 * TLP:RED or AMBER+STRICT never; the others carry their TLP, or AMBER (for the sector's operators
 * and their clients) when they came without one.
 */
@Injectable()
export class TaxiiPublisher {
  constructor(
    private readonly store: TaxiiStore,
    private readonly stixObjects: StixObjects,
    private readonly organisations: Organisations,
    private readonly audit: AuditService,
  ) {}

  async publishWarning(em: EntityManager, actor: Actor, warning: PublishedWarning): Promise<number> {
    if (warning.sectors.length === 0 || warning.drill) return 0;
    const indicators = warning.indicators.filter((i) => !i.tlp || !NOT_FOR_A_SECTOR.has(i.tlp));
    if (indicators.length === 0) return 0;
    const department = await this.organisations.get(warning.orgId, em);
    const objects = await exportIndicatorObjects(
      {
        source: {
          key: `warning:${warning.id}`,
          reference: warning.reference,
          createdAt: warning.createdAt,
          updatedAt: warning.updatedAt,
          drill: warning.drill,
        },
        publisher: { id: department.id, name: department.name, sector: department.sector },
        indicators,
        defaultTlp: 'amber',
      },
      this.stixObjects.registry(em, department.id),
    );
    const collectionId = sectorCollectionId(department.sector);
    const results = await this.store.add(em, collectionId, department.id, objects);
    const added = results.filter((r) => r.ok && !r.message).length;
    await this.audit.append(em, {
      actor,
      action: 'taxii.warning-published',
      payload: {
        warningId: warning.id,
        reference: warning.reference,
        collectionId,
        indicators: indicators.length,
        objectsAdded: added,
        failed: results.filter((r) => !r.ok).map((r) => ({ id: r.id, message: r.message })),
      },
    });
    return added;
  }
}
