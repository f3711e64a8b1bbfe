import type { SnapshotReads } from '../database';

/** A chain head another record carries (e.g. a submitted report's), to be checked against the chain. */
export interface WitnessedHead {
  id: string;
  reference: string;
  /** The chain the head belongs to; null: the old global chain (hash version 1), where the seq is its `seq`. */
  audit_head_chain: string | null;
  /** The place in that chain (`chain_seq`; in the old global chain, `seq`). */
  audit_head_seq: number | string;
  audit_head_hash: string;
}

/** Statements on the verification's snapshot (`?` placeholders on both databases). */
export type HeadReads = Pick<SnapshotReads, 'query'>;

/**
 * Records outside the audit trail that carry its head (submitted reports). The module that owns them
 * provides this (reports), so verification checks them without audit reading another module's table.
 * Verification reads them page by page beside the chain it walks, through its own snapshot, so its
 * memory does not grow with the number of reports (a million of them held at once took 836 MB).
 */
export abstract class WitnessedHeads {
  /**
   * Heads in `chain` (null: the old global chain) after (`afterSeq`, `afterId`) by place and report id,
   * at places up to `throughSeq`, in that order, at most `limit`.
   */
  abstract page(
    reads: HeadReads,
    chain: string | null,
    afterSeq: number,
    afterId: string,
    throughSeq: number,
    limit: number,
  ): Promise<WitnessedHead[]>;

  /** Every chain some head is in (null: the old global chain). */
  abstract chains(reads: HeadReads): Promise<Array<string | null>>;
}
