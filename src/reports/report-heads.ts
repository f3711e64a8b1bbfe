import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { WitnessedHeads, type WitnessedHead } from '../audit';
import { sql } from '../database';

/** The audit-chain heads submitted reports carry (report.audit_head_*), for the audit verification. */
@Injectable()
export class ReportHeads extends WitnessedHeads {
  heads(em: EntityManager, chain?: string): Promise<WitnessedHead[]> {
    return sql<WitnessedHead>(
      em,
      'SELECT id, reference, audit_head_chain, audit_head_seq, audit_head_hash FROM report ' +
        `WHERE audit_head_seq IS NOT NULL${chain === undefined ? '' : ' AND audit_head_chain = ?'} ` +
        'ORDER BY audit_head_seq',
      chain === undefined ? [] : [chain],
    );
  }
}
