import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { resolveKey } from '../config/keys';
import { isSystemActor, type Actor } from '../auth/principal';
import { nowIso } from '../common/time';
import { AuditEntry, AuditHead } from './audit-entry.entity';
import { sql } from '../database/sql';
import { BrokenReason, canonicalJson, checkLink, entryHash, GENESIS_HASH, headMac, macMatches } from './hash-chain';
import { createHash, createSecretKey, type KeyObject } from 'node:crypto';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export interface AuditRecord {
  actor: Actor;
  action: string;
  /** Organisation the change belongs to; defaults to the actor's. */
  orgId?: string | null;
  incidentId?: string | null;
  /** What changed. Never put secrets or tokens here: the payload is readable in timelines. */
  payload: Record<string, unknown>;
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  headSeq: number | null;
  firstBroken?: { seq: number; reason: BrokenReason; action?: string; at?: string };
}

/** Postgres: one writer of the chain at a time, across every API and worker process. */
const PG_AUDIT_LOCK = 0x6c66_6175; // 'lfau'

@Injectable()
export class AuditService {
  /** The head MAC key, imported once. */
  private readonly key: KeyObject;

  constructor(
    private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    this.key = createSecretKey(resolveKey(config.AUDIT_KEY, config.VAR_DIR, 'audit.key'));
  }

  /** Appends one entry inside the caller's transaction (the change and its record commit together). */
  async append(em: EntityManager, rec: AuditRecord): Promise<AuditEntry> {
    if (em.connection.options.type === 'postgres') await em.query('SELECT pg_advisory_xact_lock($1)', [PG_AUDIT_LOCK]);
    const last = await sql<{ seq: number | string; hash: string }>(em, 'SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1');
    const prev = last[0];
    const actor = rec.actor;
    const entry = new AuditEntry();
    entry.seq = prev ? Number(prev.seq) + 1 : 1;
    entry.at = nowIso();
    entry.actorId = isSystemActor(actor) ? `system:${actor.system}` : actor.userId;
    entry.actorRole = isSystemActor(actor) ? 'system' : actor.role;
    entry.orgId = rec.orgId !== undefined ? rec.orgId : actor.orgId;
    entry.incidentId = rec.incidentId ?? null;
    entry.action = rec.action;
    entry.payload = canonicalJson(rec.payload);
    entry.payloadDigest = sha256(entry.payload);
    entry.prevHash = prev ? prev.hash : GENESIS_HASH;
    entry.hash = entryHash(entry);
    // Raw statements: this runs in every write transaction of the service.
    await sql(
      em,
      'INSERT INTO audit_entry (seq, at, actor_id, actor_role, org_id, incident_id, action, payload, payload_digest, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [entry.seq, entry.at, entry.actorId, entry.actorRole, entry.orgId, entry.incidentId, entry.action, entry.payload, entry.payloadDigest, entry.prevHash, entry.hash],
    );
    await sql(
      em,
      'INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac',
      [entry.seq, entry.hash, headMac(this.key, entry.seq, entry.hash)],
    );
    return entry;
  }

  /** Walks the whole chain in seq order, in pages, and names the first broken link. */
  async verify(pageSize = 2000): Promise<VerifyResult> {
    const repo = this.dataSource.getRepository(AuditEntry);
    let prev: { seq: number; hash: string } | null = null;
    let count = 0;
    for (;;) {
      const page = await repo
        .createQueryBuilder('e')
        .where('e.seq > :after', { after: prev ? prev.seq : 0 })
        .orderBy('e.seq', 'ASC')
        .take(pageSize)
        .getMany();
      for (const e of page) {
        const check = checkLink(e, prev);
        if (!check.ok) {
          return { ok: false, entries: count, headSeq: prev?.seq ?? null, firstBroken: { seq: e.seq, reason: check.reason!, action: e.action, at: e.at } };
        }
        prev = { seq: e.seq, hash: e.hash };
        count++;
      }
      if (page.length < pageSize) break;
    }
    const head = await this.dataSource.getRepository(AuditHead).findOneBy({ id: 1 });
    const headOk = prev === null ? head === null : !!head && head.seq === prev.seq && head.hash === prev.hash && macMatches(this.key, head.seq, head.hash, head.mac);
    if (!headOk) {
      const seq = (prev?.seq ?? 0) + 1;
      return { ok: false, entries: count, headSeq: prev?.seq ?? null, firstBroken: { seq, reason: 'head-mismatch' } };
    }
    return { ok: true, entries: count, headSeq: prev?.seq ?? null };
  }

  /** Whether the keyed head row names entry `seq` with `hash` (and its MAC is ours). */
  async headNames(seq: number, hash: string): Promise<boolean> {
    const head = await this.dataSource.getRepository(AuditHead).findOneBy({ id: 1 });
    return !!head && head.seq === seq && head.hash === hash && macMatches(this.key, head.seq, head.hash, head.mac);
  }

  async timeline(incidentId: string): Promise<AuditEntry[]> {
    return this.dataSource.getRepository(AuditEntry).find({ where: { incidentId }, order: { seq: 'ASC' } });
  }
}
