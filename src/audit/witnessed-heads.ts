import type { EntityManager } from 'typeorm';

/** A chain head another record carries (e.g. a submitted report's), to be checked against the chain. */
export interface WitnessedHead {
  id: string;
  reference: string;
  audit_head_seq: number | string;
  audit_head_hash: string;
}

/**
 * Records outside the audit trail that carry its head (submitted reports). The module that owns them
 * provides this (reports), so verification checks them without audit reading another module's table.
 */
export abstract class WitnessedHeads {
  abstract heads(em: EntityManager): Promise<WitnessedHead[]>;
}
