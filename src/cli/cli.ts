import http from 'node:http';
import https from 'node:https';
import { parseArgs } from 'node:util';

/**
 * `lianfang <command>` (the package's bin, compiled by `npm run build`; `npm run cli -- <command>`
 * runs the same): declare, list, show and advance incidents against a running server, for
 * operators who live in a terminal. It speaks only the public HTTP API (LIANFANG_URL,
 * LIANFANG_TOKEN), so it can do exactly what the caller's token may do and nothing more. The
 * exceptions are `admin reset-token` and `admin reset-password`, the way back in for whoever runs
 * the service, which work on the database directly (admin-command.ts).
 */

export interface CliIo {
  env: Record<string, string | undefined>;
  out: (line: string) => void;
  err: (line: string) => void;
}

class UsageError extends Error {}

const USAGE = `usage: lianfang <command> [options]      (or: npm run cli -- <command> [options])

Environment: LIANFANG_URL (default http://127.0.0.1:3000), LIANFANG_TOKEN (required)

commands:
  declare --title T --category C --grade I|II|III|IV [--detected-at ISO] [--occurred-at ISO]
          [--description D] [--system S]... [--business B]... [--drill]
  list    [--state S] [--grade G] [--category C] [--drill true|false] [--page N] [--page-size N]
  show    <id|INC-reference>
  event   <id|INC-reference> <TYPE> [key=value ...] [--expected-version N]
          e.g. event INC-2026-000001 CONFIRM grade=II
               event INC-2026-000001 INITIAL_REPORT_SUBMITTED partial=true reportReference=PD-1
  complete <id|INC-reference> <stepId> [--note N] [--evidence E]...
  reopen  <id|INC-reference> <stepId> [--reason R]
  timeline <id|INC-reference>
  admin reset-token [--user <userId>] [--name N] [--revoke-others]
          on the server's machine: prints a new platform-admin token (lianfang admin help)
  admin reset-password <username> [--reset-second-factor]
          on the server's machine: prints a new initial console password (lianfang admin help)
options: --json prints the raw JSON response`;

interface Ctx {
  base: string;
  token: string;
  io: CliIo;
  json: boolean;
}

/**
 * One request with Node's http client. Not `fetch`: loading Node's fetch (undici) took about a
 * second of a command's run on the development machine, several times the rest of it.
 */
function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; statusText: string; text: string }> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      url,
      {
        method,
        headers: body !== undefined ? { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } : headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function call(ctx: Ctx, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await send(
    new URL(`${ctx.base}${path}`),
    method,
    { Authorization: `Bearer ${ctx.token}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body !== undefined ? JSON.stringify(body) : undefined,
  );
  const text = res.text;
  const parsed: unknown = text ? JSON.parse(text) : null;
  if (res.status < 200 || res.status > 299) {
    const e = (parsed ?? {}) as {
      message?: string;
      details?: Array<{ field: string; messages: string[] }>;
      allowedEvents?: string[];
    };
    const lines = [`error ${res.status}: ${e.message ?? res.statusText}`];
    for (const d of e.details ?? []) lines.push(`  ${d.field}: ${d.messages.join('; ')}`);
    if (e.allowedEvents) lines.push(`  allowed now: ${e.allowedEvents.join(', ') || '(none)'}`);
    throw new ApiError(lines.join('\n'));
  }
  return parsed;
}

class ApiError extends Error {}

/** `key=value` pairs; true/false and integers become JSON booleans and numbers. */
function parsePairs(pairs: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`expected key=value, got "${p}"`);
    const key = p.slice(0, i);
    const raw = p.slice(i + 1);
    out[key] = raw === 'true' ? true : raw === 'false' ? false : /^-?\d+$/.test(raw) ? Number(raw) : raw;
  }
  return out;
}

async function resolveId(ctx: Ctx, ref: string | undefined): Promise<string> {
  if (!ref) throw new UsageError('missing incident id or reference');
  if (!/^INC-\d{4}-\d{6}$/.test(ref)) return ref;
  const page = (await call(ctx, 'GET', `/api/v1/incidents?reference=${encodeURIComponent(ref)}`)) as {
    items: Array<{ id: string }>;
  };
  if (!page.items.length) throw new ApiError(`error 404: no incident ${ref}`);
  return page.items[0].id;
}

interface IncidentJson {
  id: string;
  reference: string;
  title: string;
  grade: string;
  category: string;
  state: string;
  stateValue: unknown;
  drill: boolean;
  version: number;
  allowedEvents: string[];
  steps: Array<{
    id: string;
    phase: string;
    status: string;
    mandatory: boolean;
    roles: string[];
    title: { zh: string; en: string };
  }>;
  deadlines: Array<{ timer: string; status: string; dueAt?: string; escalationLevel: number }>;
}

function printIncident(ctx: Ctx, i: IncidentJson): void {
  const o = ctx.io.out;
  o(`${i.reference}${i.drill ? ' [DRILL 演练]' : ''}  ${i.title}`);
  o(`  id ${i.id}  grade ${i.grade}  category ${i.category}  version ${i.version}`);
  o(`  state ${typeof i.stateValue === 'string' ? i.stateValue : JSON.stringify(i.stateValue)}`);
  o(`  allowed now: ${i.allowedEvents.join(', ') || '(none)'}`);
  for (const d of i.deadlines)
    o(
      `  deadline ${d.timer}: ${d.status}` +
        `${d.dueAt ? ` due ${d.dueAt}` : ''}` +
        `${d.escalationLevel ? ` escalation ${d.escalationLevel}` : ''}`,
    );
  o('  steps:');
  for (const s of i.steps) {
    o(
      `    [${s.status === 'done' ? 'x' : ' '}] ` +
        `${s.phase.padEnd(16)} ${s.id}` +
        `${s.mandatory ? '' : ' (optional)'}  ${s.title.zh} / ` +
        `${s.title.en}  (${s.roles.join(', ')})`,
    );
  }
}

async function run(ctx: Ctx, command: string, rest: string[]): Promise<void> {
  const print = (v: unknown, human: () => void) => (ctx.json ? ctx.io.out(JSON.stringify(v, null, 2)) : human());
  switch (command) {
    case 'declare': {
      const { values } = parseArgs({
        args: rest,
        options: {
          title: { type: 'string' },
          category: { type: 'string' },
          grade: { type: 'string' },
          'detected-at': { type: 'string' },
          'occurred-at': { type: 'string' },
          description: { type: 'string' },
          system: { type: 'string', multiple: true },
          business: { type: 'string', multiple: true },
          drill: { type: 'boolean' },
        },
      });
      for (const required of ['title', 'category', 'grade'] as const)
        if (!values[required]) throw new UsageError(`declare needs --${required}`);
      const body = {
        title: values.title,
        category: values.category,
        grade: values.grade,
        detectedAt: values['detected-at'] ?? new Date().toISOString(),
        ...(values['occurred-at'] ? { occurredAt: values['occurred-at'] } : {}),
        ...(values.description ? { description: values.description } : {}),
        affectedSystems: values.system ?? [],
        affectedBusiness: values.business ?? [],
        drill: values.drill ?? false,
      };
      const i = (await call(ctx, 'POST', '/api/v1/incidents', body)) as IncidentJson;
      return print(i, () => printIncident(ctx, i));
    }
    case 'list': {
      const { values } = parseArgs({
        args: rest,
        options: {
          state: { type: 'string' },
          grade: { type: 'string' },
          category: { type: 'string' },
          drill: { type: 'string' },
          page: { type: 'string' },
          'page-size': { type: 'string' },
        },
      });
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(values))
        if (v !== undefined) q.set(k === 'page-size' ? 'pageSize' : k, String(v));
      const page = (await call(ctx, 'GET', `/api/v1/incidents${q.size ? `?${q}` : ''}`)) as {
        items: IncidentJson[];
        total: number;
        page: number;
        pageSize: number;
      };
      return print(page, () => {
        for (const i of page.items)
          ctx.io.out(
            `${i.reference}  ${i.state.padEnd(16)} ${i.grade.padEnd(3)} ` +
              `${i.category.padEnd(24)} ${i.drill ? '[DRILL] ' : ''}` +
              `${i.title}`,
          );
        ctx.io.out(`(${page.items.length} of ${page.total}, page ${page.page})`);
      });
    }
    case 'show': {
      const i = (await call(ctx, 'GET', `/api/v1/incidents/${await resolveId(ctx, rest[0])}`)) as IncidentJson;
      return print(i, () => printIncident(ctx, i));
    }
    case 'event': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { 'expected-version': { type: 'string' } },
      });
      const [ref, type, ...pairs] = positionals;
      if (!type) throw new UsageError('event needs an incident and an event TYPE');
      const body = {
        type,
        ...parsePairs(pairs),
        ...(values['expected-version'] ? { expectedVersion: Number(values['expected-version']) } : {}),
      };
      const i = (await call(
        ctx,
        'POST',
        `/api/v1/incidents/${await resolveId(ctx, ref)}/events`,
        body,
      )) as IncidentJson;
      return print(i, () => printIncident(ctx, i));
    }
    case 'complete':
    case 'reopen': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { note: { type: 'string' }, evidence: { type: 'string', multiple: true }, reason: { type: 'string' } },
      });
      const [ref, stepId] = positionals;
      if (!stepId) throw new UsageError(`${command} needs an incident and a step id`);
      const body =
        command === 'complete'
          ? { ...(values.note ? { note: values.note } : {}), ...(values.evidence ? { evidence: values.evidence } : {}) }
          : { ...(values.reason ? { reason: values.reason } : {}) };
      const i = (await call(
        ctx,
        'POST',
        `/api/v1/incidents/${await resolveId(ctx, ref)}/steps/${encodeURIComponent(stepId)}/${command}`,
        body,
      )) as IncidentJson;
      return print(i, () => printIncident(ctx, i));
    }
    case 'timeline': {
      const entries = (await call(ctx, 'GET', `/api/v1/incidents/${await resolveId(ctx, rest[0])}/timeline`)) as Array<{
        seq: number;
        at: string;
        action: string;
        actorId: string;
        actorRole: string;
      }>;
      return print(entries, () =>
        entries.forEach((e) => ctx.io.out(`${e.at}  #${e.seq}  ${e.action}  by ${e.actorRole} ${e.actorId}`)),
      );
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'missing command');
  }
}

/** Returns the process exit code: 0 done, 1 the server refused, 2 usage error. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  const args = argv.filter((a) => a !== '--json');
  const [command, ...rest] = args;
  if (!command || command === 'help' || command === '--help') {
    io.out(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'admin') {
    // Loaded only here: the HTTP commands stay free of TypeORM and the database driver.
    const { runAdminCommand } = await import('./admin-command');
    return runAdminCommand(json ? [...rest, '--json'] : rest, io);
  }
  const token = io.env.LIANFANG_TOKEN;
  if (!token) {
    io.err('LIANFANG_TOKEN is not set (a bearer token issued by your organisation admin)');
    return 2;
  }
  const ctx: Ctx = { base: (io.env.LIANFANG_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, ''), token, io, json };
  try {
    await run(ctx, command, rest);
    return 0;
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
    ) {
      io.err(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof ApiError) {
      io.err(err.message);
      return 1;
    }
    io.err(`cannot reach ${ctx.base}: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
