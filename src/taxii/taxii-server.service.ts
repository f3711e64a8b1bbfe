import { BadRequestException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit';
import type { Principal } from '../auth';
import { AppConfig } from '../config';
import { TransactionRunner } from '../database';
import {
  DEFAULT_STIX_LIMITS,
  getStixValidator,
  parseUntrustedBundle,
  StixInputError,
  stixHttpError,
  type StixObject,
} from '../sharing';
import { TaxiiCollections, type TaxiiCollection } from './collections';
import { TAXII_API_ROOT, TAXII_MEDIA_TYPE, STIX_MEDIA_TYPE } from './taxii-http';
import { TaxiiStatus, type TaxiiObject } from './taxii.entities';
import { microsTimestamp, TaxiiStore, type TaxiiQuery } from './taxii-store';
import type {
  TaxiiApiRootView,
  TaxiiCollectionView,
  TaxiiCollectionsView,
  TaxiiDiscoveryView,
  TaxiiEnvelopeView,
  TaxiiManifestView,
  TaxiiStatusView,
  TaxiiVersionsView,
} from './taxii.views';

/** Page sizes: what a client gets without `limit`, and the most it gets with one. */
export const TAXII_DEFAULT_LIMIT = 100;
export const TAXII_MAX_LIMIT = 1000;

/** The filter query parameters of TAXII 2.1 section 3.4, as Express parses them (`match[type]` → match.type). */
export interface TaxiiFilterParams {
  added_after?: unknown;
  limit?: unknown;
  next?: unknown;
  match?: unknown;
}

export interface Paged<T> {
  body: T;
  /** X-TAXII-Date-Added-First / -Last (section 3.3.1), when there are objects. */
  first?: string;
  last?: string;
}

const bad = (field: string, message: string): BadRequestException =>
  new BadRequestException({ message, details: [{ field, messages: [message] }] });

function list(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 10_000)
    throw bad(field, `${field} must be a comma-separated list`);
  const items = value.split(',').map((s) => s.trim());
  if (items.length > 100 || items.some((s) => s.length === 0))
    throw bad(field, `${field}: at most 100 non-empty items`);
  return items;
}

const encodeNext = (dateAdded: string): string => Buffer.from(dateAdded, 'utf8').toString('base64url');

/**
 * TAXII 2.1 server (OASIS TAXII Version 2.1, sections 4 and 5): discovery, one API root, the
 * collections of collections.ts, their objects, manifests and versions, and the status of POSTed
 * envelopes. Reads and writes are scoped by the collection rules; writes are transactional and
 * audited (`taxii.objects-added`).
 */
@Injectable()
export class TaxiiServer {
  constructor(
    private readonly collections: TaxiiCollections,
    private readonly store: TaxiiStore,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  discovery(): TaxiiDiscoveryView {
    return {
      title: 'lianfang TAXII 2.1',
      description: 'Threat information of the joint-defense community (协同联防): early warnings and shared incidents',
      default: `/${TAXII_API_ROOT}/`,
      api_roots: [`/${TAXII_API_ROOT}/`],
    };
  }

  apiRoot(): TaxiiApiRootView {
    return {
      title: 'lianfang',
      description: "Collections by sector and protection department; see each collection's description",
      versions: [TAXII_MEDIA_TYPE],
      max_content_length: Math.min(this.config.BODY_LIMIT_BYTES, DEFAULT_STIX_LIMITS.maxBytes),
    };
  }

  async listCollections(p: Principal): Promise<TaxiiCollectionsView> {
    return { collections: (await this.collections.visible(p)).map(collectionView) };
  }

  async collection(p: Principal, id: string): Promise<TaxiiCollectionView> {
    return collectionView(await this.visible(p, id));
  }

  async objects(p: Principal, id: string, params: TaxiiFilterParams): Promise<Paged<TaxiiEnvelopeView>> {
    const collection = await this.readable(p, id);
    const page = await this.store.page(collection.id, this.query(params));
    return {
      body: {
        more: page.more,
        ...(page.more ? { next: encodeNext(page.rows[page.rows.length - 1].dateAdded) } : {}),
        objects: page.rows.map((r) => JSON.parse(r.content) as Record<string, unknown>),
      },
      ...headers(page.rows),
    };
  }

  async object(
    p: Principal,
    id: string,
    objectId: string,
    params: TaxiiFilterParams,
  ): Promise<Paged<TaxiiEnvelopeView>> {
    const collection = await this.readable(p, id);
    const page = await this.store.page(collection.id, this.query(params, ['match']), objectId);
    if (page.rows.length === 0 && !params.next) throw new NotFoundException(`No object ${objectId} in this collection`);
    return {
      body: {
        more: page.more,
        ...(page.more ? { next: encodeNext(page.rows[page.rows.length - 1].dateAdded) } : {}),
        objects: page.rows.map((r) => JSON.parse(r.content) as Record<string, unknown>),
      },
      ...headers(page.rows),
    };
  }

  async versions(
    p: Principal,
    id: string,
    objectId: string,
    params: TaxiiFilterParams,
  ): Promise<Paged<TaxiiVersionsView>> {
    const collection = await this.readable(p, id);
    const query = { ...this.query({ ...params, match: undefined }), versions: ['all'] };
    const page = await this.store.page(collection.id, query, objectId);
    if (page.rows.length === 0 && !params.next) throw new NotFoundException(`No object ${objectId} in this collection`);
    return {
      body: {
        more: page.more,
        ...(page.more ? { next: encodeNext(page.rows[page.rows.length - 1].dateAdded) } : {}),
        versions: page.rows.map((r) => r.version),
      },
      ...headers(page.rows),
    };
  }

  async manifest(p: Principal, id: string, params: TaxiiFilterParams): Promise<Paged<TaxiiManifestView>> {
    const collection = await this.readable(p, id);
    const page = await this.store.page(collection.id, this.query(params));
    return {
      body: {
        more: page.more,
        ...(page.more ? { next: encodeNext(page.rows[page.rows.length - 1].dateAdded) } : {}),
        objects: page.rows.map((r) => ({
          id: r.stixId,
          date_added: r.dateAdded,
          version: r.version,
          media_type: STIX_MEDIA_TYPE,
        })),
      },
      ...headers(page.rows),
    };
  }

  /**
   * Adds a POSTed envelope's objects (section 5.5). The envelope as a whole is held to the STIX
   * import's limits (413/422 with a code); then each object is validated on its own against the
   * OASIS schemas and the rules beyond them, and added or listed as a failure with the reason.
   */
  async addObjects(p: Principal, id: string, body: unknown): Promise<TaxiiStatusView> {
    const collection = await this.visible(p, id);
    if (!collection.canWrite) throw new ForbiddenException('You may not add objects to this collection');
    if (typeof body !== 'object' || body === null || Array.isArray(body) || !('objects' in body))
      throw bad('objects', 'the body must be a TAXII envelope: { "objects": [ … ] }');
    const objects = (body as { objects: unknown }).objects;
    let envelope;
    try {
      envelope = parseUntrustedBundle(
        { type: 'bundle', id: `bundle--${randomUUID()}`, objects },
        {},
        { validate: false },
      );
    } catch (err) {
      if (err instanceof StixInputError) throw stixHttpError(err, 'objects');
      throw err;
    }
    const validator = getStixValidator();
    const failures: TaxiiStatus['failures'] = [];
    const valid: StixObject[] = [];
    envelope.objects.forEach((object, i) => {
      const { errors } = validator.validateBundle(
        { type: 'bundle', id: envelope.id, objects: [object] },
        { allowExternalRefs: true, maxErrors: 5 },
      );
      const idOf = typeof object?.id === 'string' ? object.id : `objects[${i}]`;
      const version = typeof object?.modified === 'string' ? object.modified : String(object?.created ?? '');
      if (errors.length)
        failures.push({ id: idOf, version, message: errors.map((e) => `${e.path} ${e.message}`).join('; ') });
      else valid.push(object);
    });
    const status = await this.tx.run(async (em) => {
      const results = await this.store.add(em, collection.id, p.orgId, valid);
      const row: TaxiiStatus = {
        id: randomUUID(),
        orgId: p.orgId,
        collectionId: collection.id,
        requestTimestamp: microsTimestamp(new Date().toISOString())!,
        totalCount: envelope.objects.length,
        successCount: results.filter((r) => r.ok).length,
        failureCount: failures.length + results.filter((r) => !r.ok).length,
        successes: results
          .filter((r) => r.ok)
          .map(({ id: i, version, message }) => ({ id: i, version, ...(message ? { message } : {}) })),
        failures: [
          ...failures,
          ...results.filter((r) => !r.ok).map(({ id: i, version, message }) => ({ id: i, version, message })),
        ],
      };
      await em.getRepository(TaxiiStatus).insert(row);
      await this.audit.append(em, {
        actor: p,
        action: 'taxii.objects-added',
        payload: {
          collectionId: collection.id,
          collection: collection.title,
          statusId: row.id,
          total: row.totalCount,
          added: row.successCount,
          failed: row.failureCount,
        },
      });
      return row;
    });
    return statusView(status);
  }

  async status(p: Principal, statusId: string): Promise<TaxiiStatusView> {
    const row = await this.dataSource.getRepository(TaxiiStatus).findOneBy({ id: statusId, orgId: p.orgId });
    if (!row) throw new NotFoundException('No such status');
    return statusView(row);
  }

  private async visible(p: Principal, id: string): Promise<TaxiiCollection> {
    const collection = await this.collections.find(p, id);
    if (!collection) throw new NotFoundException('No such collection');
    return collection;
  }

  private async readable(p: Principal, id: string): Promise<TaxiiCollection> {
    const collection = await this.visible(p, id);
    if (!collection.canRead) throw new ForbiddenException('You may add objects to this collection but not read it');
    return collection;
  }

  /** The filters of section 3.4, checked: a bad one is a 400 naming it. */
  private query(params: TaxiiFilterParams, allowed = ['match']): TaxiiQuery {
    let limit = TAXII_DEFAULT_LIMIT;
    if (params.limit !== undefined) {
      if (typeof params.limit !== 'string' || !/^\d{1,7}$/.test(params.limit) || Number(params.limit) < 1)
        throw bad('limit', 'limit must be a positive whole number');
      limit = Math.min(Number(params.limit), TAXII_MAX_LIMIT);
    }
    let addedAfter: string | undefined;
    if (params.added_after !== undefined) {
      addedAfter = typeof params.added_after === 'string' ? microsTimestamp(params.added_after) : undefined;
      if (!addedAfter) throw bad('added_after', 'added_after must be a timestamp such as 2026-12-01T00:00:00.000Z');
    }
    let after: string | undefined;
    if (params.next !== undefined) {
      const decoded =
        typeof params.next === 'string' && /^[A-Za-z0-9_-]{1,80}$/.test(params.next)
          ? Buffer.from(params.next, 'base64url').toString('utf8')
          : '';
      after = microsTimestamp(decoded);
      if (!after) throw bad('next', 'next must be a value a previous page returned');
    }
    const match = params.match;
    if (
      match !== undefined &&
      (typeof match !== 'object' || match === null || Array.isArray(match) || !allowed.includes('match'))
    )
      throw bad('match', 'match filters are match[id], match[type], match[version] and match[spec_version]');
    const m = (match ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(m))
      if (!['id', 'type', 'version', 'spec_version'].includes(key))
        throw bad(`match[${key}]`, `unknown filter match[${key}]`);
    const versions = list(m.version, 'match[version]') ?? ['last'];
    for (const v of versions)
      if (!['first', 'last', 'all'].includes(v) && !microsTimestamp(v))
        throw bad('match[version]', 'match[version] takes first, last, all or versions (timestamps)');
    return {
      limit,
      addedAfter,
      after,
      ids: list(m.id, 'match[id]'),
      types: list(m.type, 'match[type]'),
      versions,
      specVersions: list(m.spec_version, 'match[spec_version]'),
    };
  }
}

function collectionView(c: TaxiiCollection): TaxiiCollectionView {
  return {
    id: c.id,
    title: c.title,
    description: c.description,
    can_read: c.canRead,
    can_write: c.canWrite,
    media_types: [STIX_MEDIA_TYPE],
  };
}

function headers(rows: TaxiiObject[]): { first?: string; last?: string } {
  return rows.length ? { first: rows[0].dateAdded, last: rows[rows.length - 1].dateAdded } : {};
}

function statusView(s: TaxiiStatus): TaxiiStatusView {
  return {
    id: s.id,
    status: 'complete',
    request_timestamp: s.requestTimestamp,
    total_count: s.totalCount,
    success_count: s.successCount,
    successes: s.successes,
    failure_count: s.failureCount,
    failures: s.failures,
    pending_count: 0,
    pendings: [],
  };
}
