import { Injectable } from '@nestjs/common';
import { WitnessedHeads, type HeadReads, type WitnessedHead } from '../audit';

const COLUMNS = 'id, reference, audit_head_chain, audit_head_seq, audit_head_hash';

/**
 * The audit-chain heads submitted reports carry (report.audit_head_*), for the audit verification.
 * Every statement names `audit_head_seq IS NOT NULL`, the condition of the partial index
 * report_head_chain_seq (migration 1765400000002), so each page and each chain is an index look-up.
 */
@Injectable()
export class ReportHeads extends WitnessedHeads {
  page(
    reads: HeadReads,
    chain: string | null,
    afterSeq: number,
    afterId: string,
    throughSeq: number,
    limit: number,
  ): Promise<WitnessedHead[]> {
    const where = chain === null ? 'audit_head_chain IS NULL' : 'audit_head_chain = ?';
    return reads.query<WitnessedHead>(
      `SELECT ${COLUMNS} FROM report WHERE audit_head_seq IS NOT NULL AND ${where} ` +
        // A row value, so the index range starts at the key itself (with `seq >= ? AND (seq > ? OR id > ?)`
        // each page scanned every head at that place from the first: quadratic when many share one).
        'AND (audit_head_seq, id) > (?, ?) AND audit_head_seq <= ? ' +
        'ORDER BY audit_head_seq, id LIMIT ?',
      [...(chain === null ? [] : [chain]), afterSeq, afterId, throughSeq, limit],
    );
  }

  async chains(reads: HeadReads): Promise<Array<string | null>> {
    const found: Array<string | null> = [];
    const [legacy] = await reads.query(
      'SELECT id FROM report WHERE audit_head_seq IS NOT NULL AND audit_head_chain IS NULL LIMIT 1',
    );
    if (legacy) found.push(null);
    // One look-up per chain, not a scan of the reports.
    const next = async (after: string | null) =>
      (
        await reads.query<{ c: string | null }>(
          'SELECT MIN(audit_head_chain) AS c FROM report WHERE audit_head_seq IS NOT NULL AND audit_head_chain > ?',
          [after ?? ''],
        )
      )[0]?.c ?? null;
    for (let c = await next(null); c !== null; c = await next(c)) found.push(c);
    return found;
  }
}
