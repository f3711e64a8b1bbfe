/**
 * What the benchmarks that run the service as several processes share (test/bench/postgres-contention.ts,
 * test/bench/soak.ts): starting and stopping a service process (bench-process.ts), one request with its
 * status, and the set-up of a sector's organisations and of an approved initial report, all through the
 * public API. Loopback only.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { serviceEntry } from './compiled';

const ROOT = join(__dirname, '..', '..');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- bench glue reads a few fields of JSON answers
export type Json = any;

export interface Proc {
  child: ChildProcess;
  url?: string;
}

export function startProcess(env: Record<string, string>, role: { api: boolean; workers: boolean }): Promise<Proc> {
  const child = spawn(process.execPath, serviceEntry('bench-process'), {
    cwd: ROOT,
    env: { ...process.env, ...env, BENCH_API: role.api ? '1' : '0', BENCH_WORKERS: role.workers ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((ok, fail) => {
    let buf = '';
    const timer = setTimeout(() => fail(new Error('bench process did not start in 300 s')), 300_000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n').find((l) => l.startsWith('{"ready"'));
      if (line) {
        clearTimeout(timer);
        const { ready } = JSON.parse(line) as { ready: string };
        ok({ child, url: ready === 'worker' ? undefined : ready });
      }
    });
    child.once('exit', (code) => fail(new Error(`bench process exited with ${code}`)));
  });
}

export function stop(p: Proc): Promise<void> {
  return new Promise((ok) => {
    if (p.child.exitCode !== null) return ok();
    const t = setTimeout(() => p.child.kill('SIGKILL'), 20_000);
    p.child.once('exit', () => {
      clearTimeout(t);
      ok();
    });
    p.child.kill('SIGTERM');
  });
}

export async function resetPostgres(url: string): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  } finally {
    await client.end();
  }
}

/** One request; the status and body, never a throw for an HTTP error (5xx are what we count). */
export async function call(url: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json: Json = await res.json().catch(() => null);
  return { status: res.status, body: json };
}

export async function ok(url: string, token: string, method: string, path: string, body?: unknown): Promise<Json> {
  const r = await call(url, token, method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export interface Operator {
  orgId: string;
  tokens: Record<string, string>;
}

export const ROLES = ['commander', 'responder', 'liaison', 'leader'];

/** A finance protection department and `orgs` CII operators of its sector, each with a token per role. */
export async function setUp(url: string, admin: string, orgs: number): Promise<Operator[]> {
  const enrol = async (userId: string): Promise<string> =>
    (
      await ok(url, '', 'POST', '/api/v1/enrolments/redeem', {
        code: (await ok(url, admin, 'POST', `/api/v1/admin/users/${userId}/enrolment`)).code,
        tokenName: 'bench',
      })
    ).token;
  const dept = await ok(url, admin, 'POST', '/api/v1/admin/organisations', {
    name: 'Finance protection department',
    kind: 'department',
    sector: 'finance',
  });
  await ok(url, admin, 'POST', `/api/v1/admin/organisations/${dept.id}/users`, {
    name: 'officer',
    role: 'department-officer',
  });
  const operators: Operator[] = [];
  for (let i = 0; i < orgs; i++) {
    const org = await ok(url, admin, 'POST', '/api/v1/admin/organisations', {
      name: `Bench operator ${i}`,
      kind: 'operator',
      sector: 'finance',
      operatorKind: 'cii',
    });
    const tokens: Record<string, string> = {};
    for (const role of ROLES) {
      const user = await ok(url, admin, 'POST', `/api/v1/admin/organisations/${org.id}/users`, {
        name: `${role} ${i}`,
        role,
      });
      tokens[role] = await enrol(user.id);
    }
    operators.push({ orgId: org.id, tokens });
  }
  return operators;
}

/**
 * An incident confirmed at grade II (a CII operator must report within an hour of `detectedAt`), its
 * initial report approved.
 */
export async function approvedReport(
  url: string,
  op: Operator,
  detectedAt: Date,
): Promise<{ id: string; reportId: string }> {
  const t = op.tokens;
  const inc = await ok(url, t.commander!, 'POST', '/api/v1/incidents', {
    title: 'race incident',
    description: 'bench',
    category: 'ransomware',
    grade: 'II',
    detectedAt: detectedAt.toISOString(),
    affectedSystems: ['trade-app-01'],
    affectedBusiness: ['online trading'],
  });
  const steps = (inc.steps as Array<{ id: string; phase: string; mandatory: boolean; roles: string[] }>).filter(
    (s) => s.phase === 'triage' && s.mandatory,
  );
  for (const s of steps) {
    const role = s.roles.find((r) => t[r])!;
    await ok(url, t[role]!, 'POST', `/api/v1/incidents/${inc.id}/steps/${s.id}/complete`, { note: 'done' });
  }
  await ok(url, t.commander!, 'POST', `/api/v1/incidents/${inc.id}/events`, {
    type: 'CONFIRM',
    grade: 'II',
    crimeSuspected: false,
  });
  const draft = await ok(url, t.liaison!, 'POST', `/api/v1/incidents/${inc.id}/reports`, { kind: 'initial' });
  const fields: Record<string, string> = {};
  for (const code of draft.missingFields as string[]) fields[code] = `${code} 的内容`;
  await ok(url, t.liaison!, 'PATCH', `/api/v1/reports/${draft.id}`, { fields });
  await ok(url, t.commander!, 'POST', `/api/v1/reports/${draft.id}/approve`);
  return { id: inc.id, reportId: draft.id };
}

export const submitBody = {
  outOfBand: [{ recipientKind: 'public-security', recipientName: '市公安局网安支队', means: 'phone' }],
};
