import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Brackets, DataSource, type EntityManager } from 'typeorm';
import { canonicalJson } from '../common';
import { TaxiiObject } from './taxii.entities';

export interface StoredObjectResult {
  id: string;
  version: string;
  ok: boolean;
  message?: string;
}

/** The filters TAXII 2.1 defines for objects, manifests and versions (section 3.4), already checked. */
export interface TaxiiQuery {
  /** Normalised (microseconds) `added_after`. */
  addedAfter?: string;
  /** The `date_added` the previous page ended at (from `next`). */
  after?: string;
  limit: number;
  ids?: string[];
  types?: string[];
  /** `match[version]`: `last` (the default), `first`, `all`, or exact versions. */
  versions: string[];
  specVersions?: string[];
}

export interface TaxiiPage {
  rows: TaxiiObject[];
  more: boolean;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

/** A TAXII/STIX timestamp as text that sorts by time: six fraction digits (finer digits are cut). */
export function microsTimestamp(value: string): string | undefined {
  const m = TIMESTAMP.exec(value);
  if (!m || Number.isNaN(Date.parse(`${m[1]}Z`))) return undefined;
  return `${m[1]}.${(m[2] ?? '').padEnd(6, '0').slice(0, 6)}Z`;
}

function microsOf(timestamp: string): bigint {
  const [whole, fraction] = timestamp.slice(0, -1).split('.');
  return BigInt(Date.parse(`${whole}Z`)) * 1000n + BigInt((fraction ?? '').padEnd(6, '0').slice(0, 6));
}

function fromMicros(micros: bigint): string {
  const ms = Number(micros / 1000n);
  const iso = new Date(ms).toISOString(); // …SS.mmmZ
  return `${iso.slice(0, 23)}${String(micros % 1000n).padStart(3, '0')}Z`;
}

const digest = (content: string): string => createHash('sha256').update(content).digest('hex');

/**
 * The objects of every collection (taxii_object), with TAXII's versions and `date_added`.
 * Writes run in the caller's transaction; `date_added` values are strictly increasing within a
 * collection (a microsecond apart when the clock has not moved), so a client that pages with
 * `next`, or polls with `added_after` set to the last `date_added` it saw, misses nothing.
 */
@Injectable()
export class TaxiiStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Adds objects (one version each) to a collection; an id and version already there with the same content is
   *  a success that adds nothing, with other content a failure. */
  async add(
    em: EntityManager,
    collectionId: string,
    orgId: string,
    objects: ReadonlyArray<Record<string, unknown> & { id: string; type: string }>,
  ): Promise<StoredObjectResult[]> {
    const repo = em.getRepository(TaxiiObject);
    const newest = await repo
      .createQueryBuilder('o')
      .select('MAX(o.date_added)', 'max')
      .where('o.collection_id = :collectionId', { collectionId })
      .getRawOne<{ max: string | null }>();
    let last = newest?.max ? microsOf(newest.max) : 0n;
    const results: StoredObjectResult[] = [];
    for (const object of objects) {
      const content = canonicalJson(object);
      const raw = object.modified ?? object.created;
      const version = typeof raw === 'string' ? raw : undefined;
      const existing = await repo.find({ where: { collectionId, stixId: object.id } });
      const now = BigInt(Date.now()) * 1000n;
      last = now > last ? now : last + 1n;
      const dateAdded = fromMicros(last);
      const key = version ?? dateAdded;
      const same = existing.find((row) => row.version === key);
      if (same) {
        results.push(
          digest(same.content) === digest(content)
            ? { id: object.id, version: key, ok: true, message: 'already in the collection' }
            : {
                id: object.id,
                version: key,
                ok: false,
                message: 'this version is in the collection with other content',
              },
        );
        continue;
      }
      const order = (v: string) => microsTimestamp(v) ?? v;
      const latest = existing.every((row) => order(row.version) < order(key));
      const first = existing.every((row) => order(row.version) > order(key));
      if (latest && existing.length)
        await repo.update({ collectionId, stixId: object.id, latest: true }, { latest: false });
      if (first && existing.length)
        await repo.update({ collectionId, stixId: object.id, first: true }, { first: false });
      await repo.insert({
        collectionId,
        stixId: object.id,
        version: key,
        type: object.type,
        specVersion: typeof object.spec_version === 'string' ? object.spec_version : '2.1',
        dateAdded,
        latest,
        first,
        addedByOrg: orgId,
        content,
      });
      results.push({ id: object.id, version: key, ok: true });
    }
    return results;
  }

  /** A page of a collection's objects in `date_added` order. */
  async page(collectionId: string, q: TaxiiQuery, stixId?: string): Promise<TaxiiPage> {
    const qb = this.dataSource
      .getRepository(TaxiiObject)
      .createQueryBuilder('o')
      .where('o.collection_id = :collectionId', { collectionId });
    if (stixId !== undefined) qb.andWhere('o.stix_id = :stixId', { stixId });
    if (q.addedAfter) qb.andWhere('o.date_added > :addedAfter', { addedAfter: q.addedAfter });
    if (q.after) qb.andWhere('o.date_added > :after', { after: q.after });
    if (q.ids?.length) qb.andWhere('o.stix_id IN (:...ids)', { ids: q.ids });
    if (q.types?.length) qb.andWhere('o.type IN (:...types)', { types: q.types });
    if (q.specVersions?.length) qb.andWhere('o.spec_version IN (:...specVersions)', { specVersions: q.specVersions });
    if (!q.versions.includes('all')) {
      const exact = q.versions.filter((v) => v !== 'first' && v !== 'last');
      qb.andWhere(
        new Brackets((or) => {
          if (q.versions.includes('last')) or.orWhere('o.latest = :yes', { yes: true });
          if (q.versions.includes('first')) or.orWhere('o.first = :yes', { yes: true });
          if (exact.length) or.orWhere('o.version IN (:...exact)', { exact });
        }),
      );
    }
    const rows = await qb
      .orderBy('o.date_added', 'ASC')
      .take(q.limit + 1)
      .getMany();
    return { rows: rows.slice(0, q.limit), more: rows.length > q.limit };
  }
}
