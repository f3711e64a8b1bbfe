import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { DeadlineIncidents, type DeadlineIncident } from '../clocks';
import { Incident } from './incident.entity';

/** An incident row as other modules see it: read-only (only the engine changes an incident). */
export type IncidentRecord = Readonly<Incident>;

/**
 * The incident table belongs to the incidents module; other modules read incidents through this
 * repository only. Pass the caller's EntityManager when the read belongs to its transaction.
 */
@Injectable()
export class Incidents {
  constructor(private readonly dataSource: DataSource) {}

  private repo(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(Incident);
  }

  /** The incident of organisation `orgId`, or null: another organisation's incident does not exist for it. */
  ofOrg(orgId: string, id: string, em?: EntityManager): Promise<IncidentRecord | null> {
    return this.repo(em).findOneBy({ id, orgId });
  }

  /**
   * Takes the row lock of an incident of `orgId` until the transaction `em` ends (Postgres; SQLite runs
   * one transaction at a time anyway), for a transaction that will change the incident after rows of its
   * own: the lock order (README "Locks and transactions") puts the incident row before deadline and
   * report rows. False when there is no such incident.
   */
  async lock(orgId: string, id: string, em: EntityManager): Promise<boolean> {
    if (em.connection.options.type !== 'postgres') return !!(await this.repo(em).existsBy({ id, orgId }));
    const rows = (await em.query('SELECT id FROM incident WHERE id = $1 AND org_id = $2 FOR UPDATE', [
      id,
      orgId,
    ])) as unknown[];
    return rows.length > 0;
  }

  /** The incident, or a 404 (for references held by other rows, e.g. a report's incident). */
  async get(id: string, em?: EntityManager): Promise<IncidentRecord> {
    const incident = await this.repo(em).findOneBy({ id });
    if (!incident) throw new NotFoundException('Incident not found');
    return incident;
  }

  findMany(ids: readonly string[], em?: EntityManager): Promise<IncidentRecord[]> {
    const unique = [...new Set(ids)];
    return unique.length ? this.repo(em).findBy({ id: In(unique) }) : Promise.resolve([]);
  }
}

/** The incidents' side of the clocks' DeadlineIncidents: what a deadline shows of its incident. */
@Injectable()
export class IncidentsForDeadlines extends DeadlineIncidents {
  constructor(private readonly incidents: Incidents) {
    super();
  }

  async find(ids: readonly string[], em?: EntityManager): Promise<DeadlineIncident[]> {
    return (await this.incidents.findMany(ids, em)).map((i) => ({
      id: i.id,
      orgId: i.orgId,
      reference: i.reference,
      title: i.title,
      grade: i.grade,
      drill: i.drill,
    }));
  }
}
