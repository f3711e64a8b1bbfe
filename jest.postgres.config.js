/**
 * `npm run test:pg` (the second half of `npm test`): the e2e suites again, on a real Postgres cluster
 * (scripts/with-postgres.sh starts a throwaway one and sets TEST_DATABASE_URL). Not every suite: the
 * whole e2e run twice would take most of the 15 minutes `npm test` may use on the 2-core CI machine.
 * These are the suites whose outcome depends on the database — concurrent transactions, row and
 * advisory locks, the retry of failed transactions, clocks, reports, the audit chains, the outbox,
 * start-up of several processes — and so must hold on Postgres, where transactions really run at once.
 * Every other suite runs on Postgres too when asked (TEST_DATABASE_URL=… npx jest test/e2e), and passes;
 * README "Tests and benchmarks" says which stay on SQLite files and why.
 */
const base = require('./jest.config');

const POSTGRES_SUITES = [
  // The races of issue 19: submissions against step completions and due timers, two app instances.
  'contention',
  // On time by submission time, with real timers.
  'report-timing',
  // Timer jobs failing on a lock: retries, dead letters, the deadline sweeper.
  'timer-failures',
  // Several instances starting at once: the migration lock, the bootstrap admin, the key check.
  'startup',
  // The audit chains, checkpoints and witnesses; an upgrade from the one global chain.
  'audit-access',
  'audit-witness',
  'audit-migration',
  'audit-names-migration',
  'audit-long-chain',
  // The timeline derives each entry's previous hash in SQL (hash version 3 does not store it).
  'incident-workflow',
  // Playbook steps stored once per version: the migration that deduplicates the copies.
  'playbook-sharing',
  // Reports (submission, deliveries, acknowledgement and onward clocks) and the incident deadlines'
  // escalation ladder.
  'reports',
  'deadlines',
  // Deadlines due together, decided by one due job's round (each its own transaction on Postgres).
  'deadlines-together',
  // The outbox across a Redis outage.
  'outbox-outage',
  // A warning's fan-out in batches (a row lock per warning on Postgres), across a crash of the service.
  'warning-fanout',
  // The list filters' partial and detection-time indexes: Postgres must see that each answers its filter.
  'list-filter-indexes',
];

module.exports = {
  ...base,
  testMatch: POSTGRES_SUITES.map((name) => `**/test/e2e/${name}.e2e-spec.ts`),
  // Each Jest worker on a database of its own (the suites reset the schema they use), so two suites
  // can run at once: npm run test:pg runs two workers.
  setupFiles: [...(base.setupFiles ?? []), '<rootDir>/test/support/postgres-worker-database.js'],
};
