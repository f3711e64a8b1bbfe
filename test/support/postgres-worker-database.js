/**
 * Points TEST_DATABASE_URL at this Jest worker's own database (`lianfang_<worker>`), which
 * scripts/with-postgres.sh creates when PG_WORKER_DATABASES says how many workers there are. Suites
 * reset the schema of the database they are given (test/support/harness.ts), so two suites on one
 * database at once would wipe each other's tables. Without PG_WORKER_DATABASES (a single suite run by
 * hand through with-postgres.sh) the URL is left as it is.
 */
const { URL } = require('node:url');

const url = process.env.TEST_DATABASE_URL;
const workers = Number(process.env.PG_WORKER_DATABASES ?? 0);
const worker = Number(process.env.JEST_WORKER_ID ?? 1);
if (url && workers > 0) {
  if (worker > workers) {
    throw new Error(`Jest worker ${worker} has no database: PG_WORKER_DATABASES=${workers}; run fewer workers`);
  }
  const parsed = new URL(url);
  parsed.pathname = `/lianfang_${worker}`;
  process.env.TEST_DATABASE_URL = parsed.toString();
}
