import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../auth';
import { sql } from '../database';
import { AuditService } from './audit.service';
import { ENTRY_COLUMNS, ENTRY_VIEW, nameId, storedEntry } from './entry-rows';
import { checkChainLink, checkLink, linksTo, type BrokenReason, type StoredChainedEntry } from './hash-chain';

export type EntryProblem = BrokenReason | 'next-link-mismatch';

export interface OrganisationAuditEntry {
  seq: number;
  chainSeq: number;
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
  /** Pass as `before` for older entries (a place in the chain); null when the page reached the first. */
  nextBefore: number | null;
}

const INT32_MAX = 2 ** 31 - 1;

/**
 * An organisation's own audit entries: its chain, newest first, each checked where it stands in the
 * chain: its hash recomputes from its fields, payload and link to the entry before it, and the entry
 * after it links to it (for the newest entry: the chain's keyed head names it). For entries of hash
 * version 2 the link is the stored `prevHash` and the payload is checked against its stored digest;
 * version 3 stores neither and hashes both (chainedHashV3). So an edit of one of the organisation's entries
 * shows unless whoever made it also rewrote the entry after it; a rewrite of everything after it
 * shows in the verification of the chain against the signed checkpoints and witnesses (platform
 * admins: GET /audit/verify, GET /audit/organisations/:orgId/verify).
 *
 * Entries written before chains per organisation (hash version 1) link to their predecessor in the
 * old global chain, which may be another organisation's entry: for those the links are checked
 * against the neighbours in that chain, whose hashes are read but never returned.
 */
@Injectable()
export class OrganisationAudit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async page(p: Principal, opts: { before?: number; limit: number }): Promise<OrganisationAuditPage> {
    const em = this.dataSource.manager;
    const chain = p.orgId;
    // chain_seq is a 32-bit integer column: a larger `before` means the same as none.
    const before = Math.min(opts.before ?? INT32_MAX, INT32_MAX);
    // One more each side: the newest for "is there a next page", the entry before the oldest for its link.
    const newestFirst = (
      await sql<Record<string, unknown>>(
        em,
        `SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_VIEW} WHERE chain_ref = ${nameId()} AND chain_seq < ? ` +
          'ORDER BY chain_seq DESC LIMIT ?',
        [chain, before, opts.limit + 1],
      )
    ).map(storedEntry);
    const shown = newestFirst.slice(0, opts.limit);
    if (!shown.length) return { items: [], nextBefore: null };
    const top = shown[0]!.chainSeq;
    const [after] = (
      await sql<Record<string, unknown>>(
        em,
        `SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_VIEW} WHERE chain_ref = ${nameId()} AND chain_seq = ?`,
        [chain, top + 1],
      )
    ).map(storedEntry);
    const byPlace = new Map<number, StoredChainedEntry>();
    for (const e of [...newestFirst, ...(after ? [after] : [])]) byPlace.set(e.chainSeq, e);
    const items: OrganisationAuditEntry[] = [];
    for (const e of shown)
      items.push({
        seq: e.seq,
        chainSeq: e.chainSeq,
        at: e.at,
        actorId: e.actorId,
        actorRole: e.actorRole,
        action: e.action,
        incidentId: e.incidentId,
        payload: parse(e.payload),
        verification: await this.verify(e, byPlace),
      });
    const oldest = shown[shown.length - 1]!.chainSeq;
    return { items, nextBefore: oldest > 1 ? oldest : null };
  }

  private async verify(
    e: StoredChainedEntry,
    byPlace: Map<number, StoredChainedEntry>,
  ): Promise<{ ok: boolean; problem?: EntryProblem }> {
    const em = this.dataSource.manager;
    let before = byPlace.get(e.chainSeq - 1);
    if (e.chainSeq > 1 && !before) {
      [before] = (
        await sql<Record<string, unknown>>(
          em,
          `SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_VIEW} WHERE chain_ref = ${nameId()} AND chain_seq = ?`,
          [e.chain, e.chainSeq - 1],
        )
      ).map(storedEntry);
      if (!before) return { ok: false, problem: 'seq-gap' };
    }
    const own = checkChainLink(e, before ?? null);
    if (!own.ok) return { ok: false, problem: own.reason };
    if (e.hashVersion === 1) return this.verifyGlobalLinks(e);
    const next = byPlace.get(e.chainSeq + 1);
    if (next) return linksTo(next, e) ? { ok: true } : { ok: false, problem: 'next-link-mismatch' };
    return (await this.audit.headNames(e.chain, e.chainSeq, e.hash, e.hashVersion))
      ? { ok: true }
      : { ok: false, problem: 'head-mismatch' };
  }

  /** An entry of the old global chain: its links to the entries before and after it there. */
  private async verifyGlobalLinks(e: StoredChainedEntry): Promise<{ ok: boolean; problem?: EntryProblem }> {
    const rows = (
      await sql<Record<string, unknown>>(
        this.dataSource.manager,
        `SELECT ${ENTRY_COLUMNS} FROM ${ENTRY_VIEW} WHERE hash_version = 1 AND seq IN (?, ?)`,
        [e.seq - 1, e.seq + 1],
      )
    ).map(storedEntry);
    const prev = rows.find((r) => r.seq === e.seq - 1);
    if (e.seq > 1 && !prev) return { ok: false, problem: 'seq-gap' };
    const link = checkLink(e, prev ? { seq: prev.seq, hash: prev.hash } : null);
    if (!link.ok) return { ok: false, problem: link.reason };
    const next = rows.find((r) => r.seq === e.seq + 1);
    if (next) return next.prevHash === e.hash ? { ok: true } : { ok: false, problem: 'next-link-mismatch' };
    return (await this.audit.legacyHeadNames(e.seq, e.hash)) ? { ok: true } : { ok: false, problem: 'head-mismatch' };
  }
}

function parse(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}
