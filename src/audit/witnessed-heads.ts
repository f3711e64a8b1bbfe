import type { EntityManager } from 'typeorm';

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

/**
 * Records outside the audit trail that carry its head (submitted reports). The module that owns them
 * provides this (reports), so verification checks them without audit reading another module's table.
 */
export abstract class WitnessedHeads {
  /** Every such head; with `chain`, only those of that chain. */
  abstract heads(em: EntityManager, chain?: string): Promise<WitnessedHead[]>;
}
