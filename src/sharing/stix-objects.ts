import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import { chunks } from '../database';
import { StixObjectRecord } from './stix-object.entity';
import { type StixIdentity, type StixObjectRegistry, newStixId, nextModified } from './stix';

const keyHash = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/**
 * The registry of published STIX objects (stix/versions.ts) in the `stix_object` table, inside the
 * caller's transaction: an export and the versions it records commit or roll back together.
 */
@Injectable()
export class StixObjects {
  /** A registry for objects describing records of `orgId`, working in transaction `em`. */
  registry(em: EntityManager, orgId: string): StixObjectRegistry {
    const repo = em.getRepository(StixObjectRecord);
    const load = async (keys: string[]): Promise<Map<string, StixObjectRecord>> => {
      const rows = new Map<string, StixObjectRecord>();
      for (const part of chunks([...new Set(keys.map(keyHash))], 400))
        for (const row of await repo.findBy({ keyHash: In(part) })) rows.set(row.keyHash, row);
      return rows;
    };
    return {
      async identify(requests): Promise<Map<string, StixIdentity>> {
        const rows = await load(requests.map((r) => r.key));
        const out = new Map<string, StixIdentity>();
        for (const { key, type, created } of requests) {
          const hash = keyHash(key);
          let row = rows.get(hash);
          if (!row) {
            row = { keyHash: hash, orgId, stixId: newStixId(type), created, modified: null, contentHash: null };
            await repo.insert(row);
            rows.set(hash, row);
          }
          out.set(key, { id: row.stixId, created: row.created });
        }
        return out;
      },
      async version(requests, now): Promise<Map<string, string>> {
        const rows = await load(requests.map((r) => r.key));
        const out = new Map<string, string>();
        for (const { key, contentHash, proposed } of requests) {
          const row = rows.get(keyHash(key));
          if (!row) throw new Error(`STIX object ${key} has no id yet`);
          if (row.contentHash !== contentHash || row.modified === null) {
            row.modified = nextModified(row.modified, proposed, now);
            row.contentHash = contentHash;
            await repo.update({ keyHash: row.keyHash }, { modified: row.modified, contentHash });
          }
          out.set(key, row.modified);
        }
        return out;
      },
    };
  }
}
