/**
 * `npm run bench:pg`: the scale-out path under contention (issue 19). Starts a throwaway PostgreSQL
 * cluster (scripts/with-postgres.sh, fsync on) and one redis-server, and runs the real service as
 * child processes sharing them (and one VAR_DIR, so one set of keys), like a deployment would:
 *
 *  - events/s: REGRADE events in triage, round-robin over 25 incidents in each of BENCH_ORGS (8)
 *    operator organisations, 16 connections for BENCH_SECONDS (10), on
 *      sqlite  one process (API + workers), the embedded default, for reference;
 *      pg-1    one API process and one worker process on Postgres;
 *      pg-2    two API processes (8 connections each) and one worker process on Postgres;
 *  - race: BENCH_RACE (20) incidents each get a report submission and two step completions at once;
 *  - due: BENCH_RACE (20) initial reports submitted 30 ms before their due time, as the deadline-due
 *    jobs fire: none may end `pending`, and each must be decided by the report's own submission time
 *    (`submittedAt`, when the service saw the request arrive): met at or before the due time, missed
 *    after it. (Code before issue 19 stamped reports when their transaction ran and decided by which
 *    job got there first; it does not return submittedAt as the arrival, so there the count of
 *    decisions against it measures that.)
 * For each configuration it prints the rate, p50/p99, and the 5xx answers of every phase, and what
 * the deadlines ended as; then the median events/s of each over BENCH_ROUNDS (1) rounds, which run the
 * configurations in turn (one run's rates move by a few per cent from run to run), against issue 19's
 * targets: pg-1 at least half of sqlite, pg-2 not below pg-1. Loopback only; every wait is bounded.
 *
 * Run it with the database given: BENCH_DATABASE_URL=postgres://… (with-postgres.sh sets it), or
 * through `npm run bench:pg`, which starts the cluster. BENCH_SKIP_SQLITE=1 leaves the SQLite run out.
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, LocalRedis } from '../../src/redis/local-redis';
import { waitFor } from '../support/wait';
import {
  approvedReport,
  call,
  ok,
  type Operator,
  type Proc,
  resetPostgres,
  setUp,
  startProcess,
  stop,
  submitBody,
} from './cluster';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ORGS = Number(process.env.BENCH_ORGS ?? 8);
const RACE = Number(process.env.BENCH_RACE ?? 20);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const PG_URL = process.env.BENCH_DATABASE_URL;

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  fivexx: number;
}

function cannon(opts: autocannon.Options): Promise<Figures> {
  return new Promise((resolve, fail) => {
    autocannon(opts, (err, r) => {
      if (err) return fail(err);
      const fivexx = (r as unknown as { '5xx': number })['5xx'] ?? 0;
      resolve({
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts,
        fivexx,
      });
    });
  });
}

/** REGRADE events in triage, round-robin over every operator's incidents, split over the API URLs. */
async function events(urls: string[], operators: Operator[]): Promise<Figures> {
  const targets: Array<{ id: string; token: string }> = [];
  for (const op of operators)
    for (let i = 0; i < 25; i++) {
      const inc = await ok(urls[0]!, op.tokens.commander!, 'POST', '/api/v1/incidents', {
        title: 'bench incident',
        category: 'ddos',
        grade: 'III',
        detectedAt: new Date(Date.now() - 60_000).toISOString(),
        drill: true,
      });
      targets.push({ id: inc.id, token: op.tokens.commander! });
    }
  let k = 0;
  const request: autocannon.Request = {
    method: 'POST',
    setupRequest: ((req: autocannon.Request & { path?: string; headers?: Record<string, string> }) => {
      const t = targets[k++ % targets.length]!;
      return {
        ...req,
        path: `/api/v1/incidents/${t.id}/events`,
        headers: { ...req.headers, Authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'REGRADE', grade: k % 2 ? 'IV' : 'III', reason: 'bench' }),
      };
    }) as autocannon.Request['setupRequest'],
  };
  const per = Math.floor(16 / urls.length);
  // Warm-up, not counted.
  await Promise.all(urls.map((url) => cannon({ url, connections: per, duration: 2, requests: [request] })));
  const runs = await Promise.all(
    urls.map((url) => cannon({ url, connections: per, duration: SECONDS, requests: [request] })),
  );
  return {
    rps: runs.reduce((s, r) => s + r.rps, 0),
    p50: Math.max(...runs.map((r) => r.p50)),
    p99: Math.max(...runs.map((r) => r.p99)),
    non2xx: runs.reduce((s, r) => s + r.non2xx, 0),
    errors: runs.reduce((s, r) => s + r.errors, 0),
    fivexx: runs.reduce((s, r) => s + r.fivexx, 0),
  };
}

/** Per incident at once: the report submission and two step completions (the deadlock of issue 19). */
async function race(urls: string[], operators: Operator[]) {
  const detectedAt = new Date(Date.now() - 10 * 60_000);
  const prepared: Array<{ id: string; reportId: string; op: Operator; url: string; steps: string[] }> = [];
  for (let i = 0; i < RACE; i++) {
    const op = operators[i % operators.length]!;
    const url = urls[i % urls.length]!;
    const r = await approvedReport(url, op, detectedAt);
    const inc = await ok(url, op.tokens.commander!, 'GET', `/api/v1/incidents/${r.id}`);
    const open = (inc.steps as Array<{ id: string; phase: string; status: string; roles: string[] }>)
      .filter((s) => s.phase === 'containment' && s.status === 'open' && s.roles.includes('responder'))
      .slice(0, 2);
    prepared.push({ ...r, op, url, steps: open.map((s) => s.id) });
  }
  const statuses: number[] = [];
  await Promise.all(
    prepared.flatMap((p, i) => {
      const other = urls[(i + 1) % urls.length]!;
      return [
        call(p.url, p.op.tokens.liaison!, 'POST', `/api/v1/reports/${p.reportId}/submit`, submitBody),
        ...p.steps.map((s, j) =>
          call(j % 2 ? p.url : other, p.op.tokens.responder!, 'POST', `/api/v1/incidents/${p.id}/steps/${s}/complete`, {
            note: 'racing',
          }),
        ),
      ].map((c) => c.then((r) => statuses.push(r.status)));
    }),
  );
  return { requests: statuses.length, fivexx: statuses.filter((s) => s >= 500).length };
}

/** Initial reports submitted 30 ms before their due time, while the deadline-due jobs fire. */
async function atDue(urls: string[], operators: Operator[]) {
  // Due one hour after detection: the deadlines fall due together, LEAD_MS from now.
  const LEAD_MS = 40_000 + RACE * 1500;
  const due = Date.now() + LEAD_MS;
  const detectedAt = new Date(due - 3600_000);
  const prepared: Array<{ id: string; reportId: string; op: Operator; url: string }> = [];
  for (let i = 0; i < RACE; i++) {
    const op = operators[i % operators.length]!;
    const url = urls[i % urls.length]!;
    prepared.push({ ...(await approvedReport(url, op, detectedAt)), op, url });
  }
  const dueAt = (
    await ok(prepared[0]!.url, prepared[0]!.op.tokens.commander!, 'GET', `/api/v1/incidents/${prepared[0]!.id}`)
  ).deadlines.find((d: { timer: string }) => d.timer === 'initial-report').dueAt as string;
  const wait = new Date(dueAt).getTime() - 30 - Date.now();
  if (wait < 0) throw new Error(`preparing ${RACE} reports took longer than the lead of ${LEAD_MS} ms`);
  await new Promise((r) => setTimeout(r, wait));
  const sentAt = Date.now();
  const answers = await Promise.all(
    prepared.map((p) => call(p.url, p.op.tokens.liaison!, 'POST', `/api/v1/reports/${p.reportId}/submit`, submitBody)),
  );
  const statuses = answers.map((a) => a.status);
  // When the service saw each request arrive (the report's submittedAt), against when it was sent.
  const arrived = answers.flatMap((a) => (a.status === 200 && a.body?.submittedAt ? [a.body.submittedAt] : []));
  const lags = arrived.map((at: string) => Date.parse(at) - sentAt).sort((a: number, b: number) => a - b);
  // Every deadline decided: wait (bounded) for none to be pending, then count what they ended as, and
  // how many ended otherwise than the report's own time says (met when submittedAt <= dueAt).
  const outcome = async () => {
    const counts: Record<string, number> = {};
    let contrary = 0;
    for (const [i, p] of prepared.entries()) {
      const inc = await ok(p.url, p.op.tokens.commander!, 'GET', `/api/v1/incidents/${p.id}`);
      const d = inc.deadlines.find((x: { timer: string }) => x.timer === 'initial-report');
      counts[d.status] = (counts[d.status] ?? 0) + 1;
      const submittedAt = answers[i]!.status === 200 ? answers[i]!.body?.submittedAt : undefined;
      if (submittedAt && d.status !== (submittedAt <= d.dueAt ? 'met' : 'missed')) contrary++;
    }
    return { counts, contrary };
  };
  // Deadlines still pending after a minute are reported as such, not waited for further.
  let result = await outcome();
  await waitFor(
    'every deadline decided',
    async () => {
      result = await outcome();
      return (result.counts.pending ?? 0) === 0;
    },
    60_000,
    1000,
  ).catch(() => undefined);
  return {
    requests: statuses.length,
    fivexx: statuses.filter((s) => s >= 500).length,
    deadlines: result.counts,
    contrary: result.contrary,
    arrivalMs: lags.length ? { min: lags[0], max: lags[lags.length - 1] } : null,
  };
}

async function configuration(
  name: string,
  databaseUrl: string,
  layout: Array<{ api: boolean; workers: boolean }>,
  redisUrl: string,
) {
  const dir = mkdtempSync(join(tmpdir(), 'lianfang-benchpg-'));
  const admin = `bench-admin-${randomBytes(12).toString('hex')}`;
  if (databaseUrl.startsWith('postgres')) await resetPostgres(databaseUrl);
  const procs: Proc[] = [];
  try {
    for (const role of layout) {
      const env: Record<string, string> = {
        DATABASE_URL: databaseUrl === 'sqlite' ? `sqlite:${join(dir, 'bench.sqlite')}` : databaseUrl,
        REDIS_URL: redisUrl,
        VAR_DIR: join(dir, 'var'),
        BOOTSTRAP_ADMIN_TOKEN: admin,
        LOG_LEVEL: 'fatal',
        ...(role.api ? { PORT: String(await freePort()), HOST: '127.0.0.1' } : {}),
      };
      // One after another: the first migrates the database.
      procs.push(await startProcess(env, role));
    }
    const urls = procs.map((p) => p.url).filter((u): u is string => !!u);
    const operators = await setUp(urls[0]!, admin, ORGS);
    const ev = await events(urls, operators);
    console.log(
      `${name.padEnd(7)} events      ${ev.rps.toFixed(0).padStart(5)} events/s   p50 ${String(ev.p50).padStart(5)} ms` +
        `   p99 ${String(ev.p99).padStart(5)} ms   5xx ${ev.fivexx}   other non-2xx ${ev.non2xx - ev.fivexx}` +
        `   errors ${ev.errors}`,
    );
    const r = await race(urls, operators);
    console.log(
      `${name.padEnd(7)} race        ${r.requests} requests (${RACE} submissions + ${r.requests - RACE} step ` +
        `completions at once)   5xx ${r.fivexx}`,
    );
    const d = await atDue(urls, operators);
    console.log(
      `${name.padEnd(7)} due         ${d.requests} submissions 30 ms before due   5xx ${d.fivexx}   deadlines ` +
        `${JSON.stringify(d.deadlines)}   decided against the report's own submittedAt: ${d.contrary}` +
        (d.arrivalMs ? `   (arrived ${d.arrivalMs.min}–${d.arrivalMs.max} ms after sending)` : ''),
    );
    return { ev, r, d };
  } finally {
    for (const p of procs.reverse()) await stop(p);
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The events/s medians over the rounds, and issue 19's two targets for them. */
function summary(rates: Map<string, number[]>): void {
  const of = (name: string) => (rates.has(name) ? median(rates.get(name)!) : null);
  const [sqlite, pg1, pg2] = [of('sqlite'), of('pg-1'), of('pg-2')];
  const list = (name: string) =>
    rates
      .get(name)!
      .map((r) => r.toFixed(0))
      .join(', ');
  console.log(`events/s, median of ${ROUNDS} round(s):`);
  for (const name of rates.keys())
    console.log(`  ${name.padEnd(7)} ${of(name)!.toFixed(0).padStart(5)}   (${list(name)})`);
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  if (sqlite !== null && pg1 !== null)
    console.log(
      `  pg-1 / sqlite ${((100 * pg1) / sqlite).toFixed(0)} %   (target >= 50 %: ${verdict(pg1 >= sqlite / 2)})`,
    );
  if (pg1 !== null && pg2 !== null)
    console.log(`  pg-2 / pg-1   ${((100 * pg2) / pg1).toFixed(1)} %   (target >= 100 %: ${verdict(pg2 >= pg1)})`);
}

async function main() {
  if (!PG_URL) throw new Error('BENCH_DATABASE_URL is not set: run `npm run bench:pg` (it starts a cluster)');
  const redisDir = mkdtempSync(join(tmpdir(), 'lianfang-benchpg-redis-'));
  const redis = new LocalRedis({ dataDir: redisDir });
  const redisUrl = await redis.start();
  console.log(
    `lianfang Postgres contention benchmark — ${SECONDS} s of events, 16 connections, ${ORGS} operators, ` +
      `race and due phases over ${RACE} incidents; Node ${process.version}`,
  );
  try {
    const flush = async () => {
      const { Redis } = await import('ioredis');
      const c = new Redis(redisUrl);
      await c.flushall();
      c.disconnect();
    };
    const layouts: Array<[string, string, Array<{ api: boolean; workers: boolean }>]> = [
      ...(process.env.BENCH_SKIP_SQLITE === '1'
        ? []
        : [
            ['sqlite', 'sqlite', [{ api: true, workers: true }]] as [
              string,
              string,
              Array<{ api: boolean; workers: boolean }>,
            ],
          ]),
      [
        'pg-1',
        PG_URL,
        [
          { api: true, workers: false },
          { api: false, workers: true },
        ],
      ],
      [
        'pg-2',
        PG_URL,
        [
          { api: true, workers: false },
          { api: true, workers: false },
          { api: false, workers: true },
        ],
      ],
    ];
    // Rounds alternate the configurations, so a slow minute of the machine falls on all of them.
    const rates = new Map<string, number[]>();
    for (let round = 1; round <= ROUNDS; round++) {
      if (ROUNDS > 1) console.log(`round ${round} of ${ROUNDS}`);
      for (const [name, url, layout] of layouts) {
        const { ev } = await configuration(name, url, layout, redisUrl);
        rates.set(name, [...(rates.get(name) ?? []), ev.rps]);
        await flush();
      }
    }
    summary(rates);
  } finally {
    await redis.stop();
    rmSync(redisDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
