import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, In, type EntityManager, type FindOptionsWhere } from 'typeorm';
import type { DepartmentKind, OperatorKind, Sector } from '../common';
import { sql } from '../database';
import { Organisation } from './organisation.entity';

/** An organisation as other modules see it: read-only. */
export type OrganisationRecord = Readonly<Organisation>;

/** Which departments to find: a protection department of a sector, or regional authorities of a province. */
export interface DepartmentQuery {
  departmentKinds: readonly DepartmentKind[];
  sector?: Sector;
  region?: string;
}

/**
 * The organisation table belongs to the accounts module; other modules read organisations through
 * this repository only. Each method takes the caller's EntityManager when the read must see (and be
 * part of) the caller's transaction; without one it reads committed data.
 */
@Injectable()
export class Organisations {
  constructor(private readonly dataSource: DataSource) {}

  private repo(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(Organisation);
  }

  /** The organisation, or a 404 when it does not exist. */
  async get(id: string, em?: EntityManager): Promise<OrganisationRecord> {
    const org = await this.repo(em).findOneBy({ id });
    if (!org) throw new NotFoundException('Organisation not found');
    return org;
  }

  /**
   * The two facts the reporting rules key on (operator kind, sector), or a 404. Read with one prepared
   * statement rather than a repository: every timer decision of a system actor reads them, and in a
   * burst of deadlines falling due together TypeORM's query building cost far more than the query.
   */
  async terms(id: string, em?: EntityManager): Promise<{ operatorKind: OperatorKind | null; sector: Sector }> {
    const [row] = await sql<{ operator_kind: OperatorKind | null; sector: Sector }>(
      em ?? this.dataSource.manager,
      'SELECT operator_kind, sector FROM organisation WHERE id = ?',
      [id],
    );
    if (!row) throw new NotFoundException('Organisation not found');
    return { operatorKind: row.operator_kind, sector: row.sector };
  }

  find(id: string, em?: EntityManager): Promise<OrganisationRecord | null> {
    return this.repo(em).findOneBy({ id });
  }

  findMany(ids: readonly string[], em?: EntityManager): Promise<OrganisationRecord[]> {
    const unique = [...new Set(ids)];
    return unique.length ? this.repo(em).findBy({ id: In(unique) }) : Promise.resolve([]);
  }

  /** Names by id (an id that matches nothing is absent). */
  async names(ids: readonly string[], em?: EntityManager): Promise<Map<string, string>> {
    return new Map((await this.findMany(ids, em)).map((o) => [o.id, o.name]));
  }

  /** Every operator of a sector, the platform organisation excluded. */
  /**
   * The ids of a sector's operators, in id order, without loading them: a warning to a whole sector
   * names thousands, and building an entity for each held the event loop for a noticeable time.
   */
  async operatorIdsOfSector(sector: Sector, em?: EntityManager): Promise<string[]> {
    const rows = await this.repo(em)
      .createQueryBuilder('o')
      .select('o.id', 'id')
      .where('o.kind = :kind AND o.sector = :sector AND o.is_platform = :platform', {
        kind: 'operator',
        sector,
        platform: false,
      })
      .orderBy('o.id')
      .getRawMany<{ id: string }>();
    return rows.map((r) => r.id);
  }

  operatorsOfSector(sector: Sector, em?: EntityManager): Promise<OrganisationRecord[]> {
    return this.repo(em).findBy({ kind: 'operator', sector, isPlatform: false });
  }

  /**
   * A page of the sector's operators by name (then id), those whose name contains `search` (any case)
   * when given, and how many match: a sector may have thousands, and people pick them by typing.
   */
  async operatorsOfSectorPage(
    sector: Sector,
    opts: { search?: string; offset: number; limit: number },
  ): Promise<{ rows: OrganisationRecord[]; total: number }> {
    const qb = this.repo()
      .createQueryBuilder('o')
      .where('o.kind = :kind AND o.sector = :sector AND o.is_platform = :platform', {
        kind: 'operator',
        sector,
        platform: false,
      });
    if (opts.search) {
      // LIKE's own wildcards in the text are taken literally; LOWER on both sides: Postgres' LIKE heeds case.
      const pattern = `%${opts.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere("LOWER(o.name) LIKE :pattern ESCAPE '\\'", { pattern });
    }
    const [rows, total] = await qb
      .orderBy('o.name')
      .addOrderBy('o.id')
      .skip(opts.offset)
      .take(opts.limit)
      .getManyAndCount();
    return { rows, total };
  }

  /**
   * Departments of the given kinds: protection departments of `sector`, regional authorities
   * (provincial cyberspace departments, public security) of `region`. Ordered by name.
   */
  departments(q: DepartmentQuery, em?: EntityManager): Promise<OrganisationRecord[]> {
    const where: FindOptionsWhere<Organisation>[] = [];
    if (q.departmentKinds.includes('protection-department') && q.sector)
      where.push({ kind: 'department', departmentKind: 'protection-department', sector: q.sector });
    const regional = q.departmentKinds.filter((k) => k !== 'protection-department');
    if (regional.length && q.region) where.push({ kind: 'department', departmentKind: In(regional), region: q.region });
    if (!where.length) return Promise.resolve([]);
    return this.repo(em).find({ where, order: { name: 'ASC' } });
  }
}
