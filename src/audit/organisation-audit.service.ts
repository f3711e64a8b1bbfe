import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth';
import { sql } from '../database';
import { AuditService } from './audit.service';
import { checkLink, type BrokenReason, type StoredEntry } from './hash-chain';

/**
 * Chain entries read per call, whoever they belong to. The trail has no index by organisation (it
 * would cost every write; see migration 1764000000005), so a page is found by walking back along
 * the sequence, and this bounds what one call may cost however sparse the caller's entries are.
 */
export const AUDIT_SCAN_WINDOW = 5000;

export type EntryProblem = BrokenReason | 'next-link-mismatch';

export interface OrganisationAuditEntry {
  seq: number;
  at: string;
  actorId: string;
  actorRole: string | null;
  action: string;
  incidentId: string | null;
  payload: unknown;
  /** See OrganisationAudit: what was checked for this entry, and the first thing that failed. */
  verification: { ok: boolean; problem?: EntryProblem };
}

export interface OrganisationAuditPage {
  items: OrganisationAuditEntry[];
  /** Pass as `before` for older entries; null when the walk reached the first entry of the chain. */
  nextBefore: number | null;
}

interface Row extends StoredEntry {
  orgId: string | null;
}

/**
 * An organisation's own audit entries, newest first, each checked where it stands in the chain:
 * its payload matches its digest, its hash recomputes from its fields, its `prevHash` is the
 * stored hash of the entry before it, and the entry after it names its hash as `prevHash` (for
 * the newest entry: the keyed head names it). So an edit of one of the organisation's entries
 * shows unless whoever made it also rewrote the entry after it; a rewrite of everything after it
 * shows only in the walk over the whole chain, which is the platform admins' (GET /audit/verify).
 * That is all this claims; it says nothing about entries of other organisations, which it never
 * returns, nor about the deployment's size.
 */
@Injectable()
export class OrganisationAudit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async page(p: Principal, opts: { before?: number; limit: number }): Promise<OrganisationAuditPage> {
    const em = this.dataSource.manager;
    const newest = Number(
      (await sql<{ seq: number | null }>(em, 'SELECT MAX(seq) AS seq FROM audit_entry'))[0]?.seq ?? 0,
    );
    const top = Math.min(newest, (opts.before ?? Number.MAX_SAFE_INTEGER) - 1);
    if (top < 1) return { items: [], nextBefore: null };
    const low = Math.max(1, top - AUDIT_SCAN_WINDOW + 1);
    // One row either side of the window, for the links of its first and last entries.
    const rows = await sql<Record<string, unknown>>(
      em,
      'SELECT seq, at, actor_id, actor_role, org_id, incident_id, action, ' +
        'payload, payload_digest, prev_hash, hash FROM audit_entry WHERE seq ' +
        'BETWEEN ? AND ? ORDER BY seq',
      [low - 1, top + 1],
    );
    const bySeq = new Map<number, Row>();
    for (const r of rows) {
      const seq = Number(r.seq);
      bySeq.set(seq, {
        seq,
        at: String(r.at),
        actorId: String(r.actor_id),
        actorRole: (r.actor_role as string | null) ?? null,
        orgId: (r.org_id as string | null) ?? null,
        incidentId: (r.incident_id as string | null) ?? null,
        action: String(r.action),
        payload: String(r.payload),
        payloadDigest: String(r.payload_digest),
        prevHash: String(r.prev_hash),
        hash: String(r.hash),
      });
    }
    const items: OrganisationAuditEntry[] = [];
    for (let seq = top; seq >= low; seq--) {
      const e = bySeq.get(seq);
      if (!e || e.orgId !== p.orgId) continue;
      if (items.length === opts.limit) return { items, nextBefore: seq + 1 };
      items.push({
        seq,
        at: e.at,
        actorId: e.actorId,
        actorRole: e.actorRole,
        action: e.action,
        incidentId: e.incidentId,
        payload: parse(e.payload),
        verification: await this.verify(e, bySeq, newest),
      });
    }
    return { items, nextBefore: low > 1 ? low : null };
  }

  private async verify(
    e: Row,
    bySeq: Map<number, Row>,
    newest: number,
  ): Promise<{ ok: boolean; problem?: EntryProblem }> {
    const before = bySeq.get(e.seq - 1);
    if (e.seq > 1 && !before) return { ok: false, problem: 'seq-gap' };
    const own = checkLink(e, before ? { seq: before.seq, hash: before.hash } : null);
    if (!own.ok) return { ok: false, problem: own.reason };
    const after = bySeq.get(e.seq + 1);
    if (after) return after.prevHash === e.hash ? { ok: true } : { ok: false, problem: 'next-link-mismatch' };
    if (e.seq < newest) return { ok: false, problem: 'seq-gap' };
    return (await this.audit.headNames(e.seq, e.hash)) ? { ok: true } : { ok: false, problem: 'head-mismatch' };
  }
}

function parse(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}
