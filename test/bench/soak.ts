/**
 * `npm run soak`: the scale-out deployment under a steady mixed load, with a crash in the middle (issue 19).
 * Not part of `npm test`: it runs for SOAK_SECONDS (600) plus the time for the last deadlines to fall due.
 *
 * A throwaway PostgreSQL cluster (scripts/with-postgres.sh, fsync on), one redis-server, and the real
 * service as four child processes sharing them and one VAR_DIR (one set of keys): two API processes and
 * two worker processes. A webhook receiver on loopback stands for every operator's SIEM: each operator
 * subscribes it to declarations, confirmations, submitted reports and missed deadlines.
 *
 * SOAK_CLIENTS (6) clients each repeat, against the API processes in turn:
 *  - declare a grade-II ransomware incident detected just under an hour ago (its initial-report
 *    deadline falls due 20–90 s later), complete its mandatory triage steps, confirm it, draft and
 *    approve the initial report, and submit that report at its due time, give or take 3 s (so some
 *    deadlines are met and some missed, decided while the due jobs fire);
 *  - send REGRADE events to a drill incident of their own.
 * Halfway through, one API process and one worker process are killed with SIGKILL and started again
 * 5 s later (as a supervisor would). A request whose connection the kill cut is counted as cut, not
 * retried (its outcome is unknown to the client); requests are not sent to an API process while it is down.
 *
 * Then it waits (bounded) for every deadline to be decided and every notification to settle, and checks:
 *  - 5xx answers: 0;
 *  - lost events: every REGRADE the service accepted (2xx) is in its incident's timeline, exactly once;
 *  - deadlines: none left pending, each decided once (at most one DEADLINE_MISSED entry, none when
 *    met), and met exactly when the report's own submittedAt is at or before the due time;
 *  - notifications: every delivery the service lists is delivered, and the receiver got each delivery id
 *    once (duplicates: 0; missing: 0).
 * It prints the figures with `met` / `NOT MET` and exits 1 when a check fails. Loopback only; every
 * wait is bounded. SOAK_SECONDS, SOAK_CLIENTS and SOAK_ORGS (4) tune it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, LocalRedis } from '../../src/redis/local-redis';
import { waitFor } from '../support/wait';
import {
  approvedReport,
  call,
  type Json,
  ok,
  type Operator,
  type Proc,
  resetPostgres,
  setUp,
  startProcess,
  stop,
} from './cluster';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 6);
const ORGS = Number(process.env.SOAK_ORGS ?? 4);
const PG_URL = process.env.BENCH_DATABASE_URL;
const WEBHOOK_SECRET = 'soak-webhook-secret-0123456789abcdef';
/** Deadlines fall due this long after declaration (a random point in it). */
const LEAD_MS = { min: 20_000, max: 90_000 };
/** Reports are submitted this close to their due time, either side. */
const JITTER_MS = 3_000;

const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
/**
 * Resolves at a point in time: the load is a schedule (a report sent at its due time, the kill halfway),
 * not a wait for something to happen; what must happen is waited for with waitFor below.
 */
const at = (time: number) => new Promise((r) => setTimeout(r, Math.max(0, time - Date.now())));

/** Every answer's status, by kind of request; connections cut by the kill apart. */
class Tally {
  readonly statuses = new Map<string, number[]>();
  cut = 0;
  latencies: number[] = [];
  add(kind: string, status: number, ms: number) {
    const list = this.statuses.get(kind) ?? [];
    list.push(status);
    this.statuses.set(kind, list);
    this.latencies.push(ms);
  }
  get total() {
    return [...this.statuses.values()].reduce((n, l) => n + l.length, 0);
  }
  get fivexx() {
    return [...this.statuses.values()].reduce((n, l) => n + l.filter((s) => s >= 500).length, 0);
  }
}

/** The webhook receiver: when each delivery id it is sent (the body's `id`) arrived, once per copy. */
function receiver(): Promise<{
  server: Server;
  url: string;
  at: Map<string, number[]>;
}> {
  const at = new Map<string, number[]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const id = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: string }).id);
        at.set(id, [...(at.get(id) ?? []), Date.now()]);
      } catch {
        // Counted as nothing: a body without an id is not a delivery.
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      ok({ server, url: `http://127.0.0.1:${port}/siem`, at });
    }),
  );
}

interface Api {
  url: string;
  up: boolean;
}

/** What the clients did that the checks compare with what the service recorded. */
interface Ledger {
  regrades: Map<string, { op: Operator; accepted: number }>;
  reports: Array<{ incidentId: string; op: Operator; dueAt: string; submittedAt?: string }>;
  incidents: Array<{ id: string; op: Operator }>;
}

async function main() {
  if (!PG_URL) throw new Error('BENCH_DATABASE_URL is not set: run `npm run soak` (it starts a cluster)');
  console.log(
    `lianfang soak — ${SECONDS} s, ${CLIENTS} clients, ${ORGS} operators; 2 API + 2 worker processes on ` +
      `Postgres; SIGKILL of one API and one worker at ${Math.round(SECONDS / 2)} s; Node ${process.version}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'lianfang-soak-'));
  const redis = new LocalRedis({ dataDir: join(dir, 'redis') });
  const rx = await receiver();
  const procs: Proc[] = [];
  try {
    const redisUrl = await redis.start();
    await resetPostgres(PG_URL);
    const admin = `soak-admin-${randomBytes(12).toString('hex')}`;
    const envFor = async (api: boolean, port?: number): Promise<Record<string, string>> => ({
      DATABASE_URL: PG_URL,
      REDIS_URL: redisUrl,
      VAR_DIR: join(dir, 'var'),
      BOOTSTRAP_ADMIN_TOKEN: admin,
      LOG_LEVEL: 'fatal',
      EGRESS_ALLOW: '127.0.0.1',
      ...(api ? { PORT: String(port ?? (await freePort())), HOST: '127.0.0.1' } : {}),
    });
    const layout = [true, true, false, false];
    const envs: Array<Record<string, string>> = [];
    for (const api of layout) {
      const env = await envFor(api);
      envs.push(env);
      procs.push(await startProcess(env, { api, workers: !api }));
    }
    const apis: Api[] = procs.filter((p) => p.url).map((p) => ({ url: p.url!, up: true }));
    const operators = await setUp(apis[0]!.url, admin, ORGS);
    for (const op of operators) {
      const user = await ok(apis[0]!.url, admin, 'POST', `/api/v1/admin/organisations/${op.orgId}/users`, {
        name: 'soak admin',
        role: 'admin',
      });
      const code = (await ok(apis[0]!.url, admin, 'POST', `/api/v1/admin/users/${user.id}/enrolment`)).code;
      const token = (await ok(apis[0]!.url, '', 'POST', '/api/v1/enrolments/redeem', { code, tokenName: 'soak' }))
        .token;
      await ok(apis[0]!.url, token, 'POST', '/api/v1/notification-subscriptions', {
        name: 'SIEM',
        channel: 'webhook',
        config: { url: rx.url },
        secret: WEBHOOK_SECRET,
        events: ['incident.declared', 'incident.confirmed', 'report.submitted', 'deadline.missed'],
      });
    }

    const tally = new Tally();
    const ledger: Ledger = { regrades: new Map(), reports: [], incidents: [] };
    let next = 0;
    /** The next API process that is up (round robin). */
    const pick = (): string => {
      for (let i = 0; i < apis.length; i++) {
        const api = apis[next++ % apis.length]!;
        if (api.up) return api.url;
      }
      throw new Error('no API process is up');
    };
    /** One request through `pick()`, tallied; null when the connection was cut. */
    const send = async (kind: string, token: string, method: string, path: string, body?: unknown) => {
      const t0 = performance.now();
      try {
        const r = await call(pick(), token, method, path, body);
        tally.add(kind, r.status, performance.now() - t0);
        return r;
      } catch {
        tally.cut++;
        return null;
      }
    };

    const submissions: Array<Promise<void>> = [];
    const client = async (c: number) => {
      const op = operators[c % operators.length]!;
      const t = op.tokens;
      const drill = await ok(pick(), t.commander!, 'POST', '/api/v1/incidents', {
        title: `soak drill ${c}`,
        category: 'ddos',
        grade: 'III',
        detectedAt: new Date(Date.now() - 60_000).toISOString(),
        drill: true,
      });
      ledger.regrades.set(drill.id, { op, accepted: 0 });
      ledger.incidents.push({ id: drill.id, op });
      let round = 0;
      while (Date.now() < endAt) {
        round++;
        // An incident whose initial report falls due within the run, reported at its due time.
        const lead = LEAD_MS.min + Math.random() * (LEAD_MS.max - LEAD_MS.min);
        let prepared: { id: string; reportId: string } | null = null;
        try {
          prepared = await approvedReport(pick(), op, new Date(Date.now() + lead - 3600_000));
        } catch (err) {
          // A set-up request refused (its status is in the message) or cut by the kill: this incident is
          // left out of the checks, and the answer counted.
          const status = /: (\d{3}) /.exec(String(err))?.[1];
          if (status) tally.add('set-up', Number(status), 0);
          else tally.cut++;
        }
        if (prepared) {
          const inc = await send('read', t.commander!, 'GET', `/api/v1/incidents/${prepared.id}`);
          const dueAt = inc?.body?.deadlines?.find((d: Json) => d.timer === 'initial-report')?.dueAt as string;
          if (dueAt) {
            const report = { incidentId: prepared.id, op, dueAt } as Ledger['reports'][number];
            ledger.reports.push(report);
            ledger.incidents.push({ id: prepared.id, op });
            const sendAt = Date.parse(dueAt) + (Math.random() * 2 - 1) * JITTER_MS;
            const reportId = prepared.reportId;
            submissions.push(
              at(sendAt).then(async () => {
                const r = await send('submit', t.liaison!, 'POST', `/api/v1/reports/${reportId}/submit`, {
                  outOfBand: [{ recipientKind: 'public-security', recipientName: '市公安局网安支队', means: 'phone' }],
                });
                if (r && r.status === 200) report.submittedAt = r.body.submittedAt;
              }),
            );
          }
        }
        // Events: regrades of the drill, each accepted one to be found in its timeline.
        for (let i = 0; i < 5 && Date.now() < endAt; i++) {
          const r = await send('event', t.commander!, 'POST', `/api/v1/incidents/${drill.id}/events`, {
            type: 'REGRADE',
            grade: (round + i) % 2 ? 'IV' : 'III',
            reason: 'soak',
          });
          if (r && r.status < 300) ledger.regrades.get(drill.id)!.accepted++;
        }
      }
    };

    // Halfway: SIGKILL one API and one worker process, start them again 5 s later.
    const started = Date.now();
    const endAt = started + SECONDS * 1000;
    let killedAt = 0;
    const crash = (async () => {
      await at(started + (SECONDS * 1000) / 2);
      const victims = [0, 2];
      for (const i of victims) {
        const api = apis.find((a) => a.url === procs[i]!.url);
        if (api) api.up = false;
        procs[i]!.child.kill('SIGKILL');
      }
      killedAt = Date.now();
      console.log(`killed (SIGKILL) one API and one worker process at ${Math.round(SECONDS / 2)} s`);
      await at(Date.now() + 5_000);
      for (const i of victims) {
        procs[i] = await startProcess(envs[i]!, { api: layout[i]!, workers: !layout[i] });
        const api = apis.find((a) => a.url === procs[i]!.url);
        if (api) api.up = true;
      }
      console.log('both started again');
    })();

    await Promise.all([...Array.from({ length: CLIENTS }, (_, c) => client(c)), crash]);
    const loadSeconds = (Date.now() - started) / 1000;
    await Promise.all(submissions);

    // Settle: every deadline decided, every notification sent (bounded waits).
    const url = apis[0]!.url;
    const deadlineOf = async (id: string, op: Operator) =>
      (await ok(url, op.tokens.commander!, 'GET', `/api/v1/incidents/${id}`)).deadlines.find(
        (d: Json) => d.timer === 'initial-report',
      ) as { status: string; dueAt: string };
    await waitFor(
      'every initial-report deadline decided',
      async () => {
        for (const r of ledger.reports) if ((await deadlineOf(r.incidentId, r.op)).status === 'pending') return false;
        return true;
      },
      180_000,
      2_000,
    ).catch(() => undefined);
    const deliveries: Array<{ id: string; status: string }> = [];
    await waitFor(
      'every notification settled',
      async () => {
        deliveries.length = 0;
        for (const inc of ledger.incidents)
          deliveries.push(
            ...(await ok(url, inc.op.tokens.commander!, 'GET', `/api/v1/incidents/${inc.id}/notifications`)),
          );
        return deliveries.every((d) => d.status !== 'queued');
      },
      180_000,
      2_000,
    ).catch(() => undefined);

    // What the service recorded against what the clients saw.
    const timeline = async (id: string, op: Operator) => {
      const all: Array<{ seq: number; action: string }> = [];
      for (let after = 0; ;) {
        const page = await ok(
          url,
          op.tokens.commander!,
          'GET',
          `/api/v1/incidents/${id}/timeline?limit=500&after=${after}`,
        );
        all.push(...page);
        if (page.length < 500) return all;
        after = page[page.length - 1].seq;
      }
    };
    let accepted = 0;
    let lost = 0;
    let extra = 0;
    for (const [id, { op, accepted: n }] of ledger.regrades) {
      const found = (await timeline(id, op)).filter((e) => e.action === 'incident.event.REGRADE').length;
      accepted += n;
      lost += Math.max(0, n - found);
      extra += Math.max(0, found - n);
    }
    const outcome: Record<string, number> = {};
    let twice = 0;
    const twiceExamples: string[] = [];
    let contrary = 0;
    for (const r of ledger.reports) {
      const d = await deadlineOf(r.incidentId, r.op);
      outcome[d.status] = (outcome[d.status] ?? 0) + 1;
      const missedEntries = (await timeline(r.incidentId, r.op)).filter(
        (e) => e.action === 'incident.event.DEADLINE_MISSED',
      ).length;
      if (missedEntries > (d.status === 'missed' ? 1 : 0)) {
        twice++;
        if (twiceExamples.length < 5)
          twiceExamples.push(
            `${r.incidentId}: ${d.status} with ${missedEntries} DEADLINE_MISSED, due ${d.dueAt}, ` +
              `submitted ${r.submittedAt ?? '(no answer)'}`,
          );
      }
      if (r.submittedAt && d.status !== (r.submittedAt <= d.dueAt ? 'met' : 'missed')) contrary++;
    }
    const notSent = deliveries.filter((d) => d.status !== 'delivered').length;
    const duplicates = [...rx.at.values()].filter((times) => times.length > 1).length;
    const missing = deliveries.filter((d) => d.status === 'delivered' && !rx.at.has(d.id)).length;

    const lat = [...tally.latencies].sort((a, b) => a - b);
    const pct = (p: number) => Math.round(lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? 0);
    console.log(
      `load        ${tally.total} answers in ${loadSeconds.toFixed(0)} s ` +
        `(${(tally.total / loadSeconds).toFixed(1)}/s), ` +
        `p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms; connections cut by the kill: ${tally.cut}; by kind: ` +
        [...tally.statuses].map(([k, l]) => `${k} ${l.length}`).join(', '),
    );
    const checks: Array<[string, boolean, string]> = [
      ['5xx answers', tally.fivexx === 0, String(tally.fivexx)],
      ['lost events', lost === 0 && extra === 0, `${lost} lost, ${extra} extra of ${accepted} accepted REGRADE events`],
      [
        'deadlines',
        !outcome.pending && twice === 0 && contrary === 0,
        `${ledger.reports.length} initial-report deadlines: ${JSON.stringify(outcome)}; ` +
          `decided more than once ${twice}; ` +
          `decided against the report's submittedAt ${contrary}`,
      ],
      [
        'notifications',
        notSent === 0 && duplicates === 0 && missing === 0,
        `${deliveries.length} deliveries: not delivered ${notSent}, delivery ids received twice ${duplicates}, ` +
          `delivered but never received ${missing}`,
      ],
    ];
    for (const [name, good, detail] of checks) console.log(`${name.padEnd(14)}${verdict(good).padEnd(8)}  ${detail}`);
    for (const example of twiceExamples) console.log(`  decided more than once: ${example}`);
    // When a delivery id came twice, and how that lies against the kill: a worker killed between the
    // receiver's answer and recording it leaves the delivery queued, and its job runs again elsewhere.
    const secs = (t: number) => `${((t - started) / 1000).toFixed(1)} s`;
    for (const [id, times] of [...rx.at].filter(([, t]) => t.length > 1).slice(0, 5))
      console.log(`  delivery ${id} received at ${times.map(secs).join(' and ')} (the kill at ${secs(killedAt)})`);
    return checks.every(([, good]) => good);
  } finally {
    for (const p of procs.reverse()) await stop(p);
    await redis.stop();
    rx.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (good) => process.exit(good ? 0 : 1),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
