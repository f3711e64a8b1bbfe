import { expect } from '@jest/globals';
import { appendFileSync, readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { LOG_ENV, type ContractLogLine } from './contract-log';
import { OpenApiContract, type CheckResult, type ObservedResponse, type OpenApiDocument } from './openapi-contract';

/** The committed document, for services that run in a process of their own (the in-process app has its own). */
export const OPENAPI_FILE = join(__dirname, '..', '..', 'openapi.json');

export interface Violation {
  test: string;
  route: string;
  status: number;
  problems: string[];
}

const pending: Violation[] = [];
let committed: OpenApiContract | undefined;

export function committedContract(): OpenApiContract {
  committed ??= new OpenApiContract(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as OpenApiDocument);
  return committed;
}

/** Counts of this test file, for the suite that proves the check is running. */
export const checked = { responses: 0, validated: 0 };

function currentTest(): { name: string; file: string } {
  const state = expect.getState();
  return { name: state.currentTestName ?? '(outside a test: beforeAll/afterAll)', file: state.testPath ?? '' };
}

/** Checks one response and keeps what is wrong with it for the test that is running (test/contract/setup.ts). */
export function recordResponse(contract: OpenApiContract, res: ObservedResponse): void {
  let result: CheckResult;
  try {
    result = contract.check(res);
  } catch (err) {
    // A schema Ajv cannot compile is a fault of the document: reported like any other, not thrown
    // inside the server's response handling.
    const route = `${res.method} ${res.url.split('?')[0]}`;
    result = { route, problems: [`the check itself failed: ${String(err)}`], validated: false };
  }
  checked.responses++;
  if (result.validated) checked.validated++;
  const test = currentTest();
  if (result.problems.length) {
    pending.push({ test: test.name, route: result.route, status: res.status, problems: result.problems });
  }
  const log = process.env[LOG_ENV];
  if (log) {
    const line: ContractLogLine = {
      file: test.file,
      test: test.name,
      route: result.route,
      status: res.status,
      validated: result.validated,
      problems: result.problems,
    };
    appendFileSync(join(log, `${process.pid}.jsonl`), `${JSON.stringify(line)}\n`);
  }
}

/** The violations recorded since the last call. */
export function takeViolations(): Violation[] {
  return pending.splice(0, pending.length);
}

export function formatViolations(violations: Violation[]): string {
  return violations
    .map((v) => `${v.route} answered ${v.status} (in "${v.test}"):\n${v.problems.map((p) => `    ${p}`).join('\n')}`)
    .join('\n');
}

const watched = new WeakSet<Server>();

/**
 * Checks every response `server` sends, whoever the client is (supertest, fetch, a raw socket):
 * a listener placed before the application's own sees the request first and records the status,
 * content type and bytes of its answer when the answer is finished, before the client reads it.
 */
export function watchServer(server: Server, contract: OpenApiContract): void {
  if (watched.has(server)) return;
  watched.add(server);
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    const keep = (chunk: unknown, encoding: unknown) => {
      if (typeof chunk === 'string') {
        chunks.push(Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
      } else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    };
    const write = res.write;
    const end = res.end;
    res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
      keep(chunk, rest[0]);
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as ServerResponse['write'];
    res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
      if (typeof chunk !== 'function') keep(chunk, rest[0]);
      return (end as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest);
    } as ServerResponse['end'];
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      const type = res.getHeader('content-type');
      recordResponse(contract, {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        status: res.statusCode,
        contentType: type === undefined ? undefined : String(type),
        body: Buffer.concat(chunks),
      });
    };
    res.once('finish', record);
    // A stream of server-sent events usually ends by the client leaving, without 'finish': what was
    // sent until then is checked, event by event. (Any other answer cut off that way is incomplete,
    // so it is not checked at all.)
    res.once('close', () => {
      if (/^text\/event-stream\b/i.test(String(res.getHeader('content-type') ?? ''))) record();
    });
  });
}

/**
 * fetch, with the answer checked against the committed document: for services that run in a
 * process of their own, whose server this process cannot watch.
 */
export async function checkedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, init);
  const parsed = new URL(url);
  recordResponse(committedContract(), {
    method: init.method ?? 'GET',
    url: parsed.pathname + parsed.search,
    status: res.status,
    contentType: res.headers.get('content-type') ?? undefined,
    body: Buffer.from(await res.clone().arrayBuffer()),
  });
  return res;
}

/** An answer read some other way (a raw socket), checked against the committed document. */
export function checkAnswer(answer: ObservedResponse): void {
  recordResponse(committedContract(), answer);
}
