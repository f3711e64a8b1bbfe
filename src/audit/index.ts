/** The audit module's public entry: what other modules may use. */
export { AuditEntry } from './audit-entry.entity';
export { AuditModule } from './audit.module';
export {
  AuditService,
  type AuditConcern,
  type AuditListener,
  type AuditRecord,
  type CommittedAuditEntry,
} from './audit.service';
export { WitnessedHeads, type HeadReads, type WitnessedHead } from './witnessed-heads';
