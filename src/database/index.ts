/** The database module's public entry: what other modules may use. */
export { dataSourceOptions } from './data-source-options';
export { cappedCount } from './capped-count';
export { insertEach } from './insert-each';
export { nextSequenceValue } from './sequence';
export { bool, chunks, placeholders, sql } from './sql';
export { openSnapshot, type SnapshotReads } from './snapshot-reads';
export {
  MAX_TRANSACTION_ATTEMPTS,
  sqlState,
  TransactionRunner,
  type TransactionObserver,
  type TransactionStats,
} from './transaction-runner';
export { checkKeyFingerprints, KeyMismatchError, migrate } from './startup';
