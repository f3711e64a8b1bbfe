import { ParseUUIDPipe, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALLOW_RESTRICTED_KEY, ORG_KINDS_KEY, PUBLIC_KEY, ROLES_KEY } from '../../src/auth/decorators';
import { buildOpenApi, OPENAPI_FILE, serialiseOpenApi } from '../../src/openapi';
import { checked } from '../contract/contract-recorder';
import { bearer, startTestService, type TestService } from '../support/harness';

const ROOT = join(__dirname, '..', '..');
const GENERATED_CLIENT = join(ROOT, 'web', 'src', 'api', 'schema.d.ts');
const TYPEGEN_CONFIG = join(ROOT, 'test', 'contract', 'redocly.typegen.yaml');
const REGENERATE = 'run `npm run openapi:write` and commit openapi.json and web/src/api/schema.d.ts';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: unknown;
  items?: unknown;
  $ref?: string;
  allOf?: unknown;
  oneOf?: unknown;
  anyOf?: unknown;
  default?: unknown;
}
interface Operation {
  operationId: string;
  summary?: string;
  parameters?: Array<{ name: string; in: string; schema?: { format?: string } }>;
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  security?: unknown[];
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/**
 * The committed OpenAPI document is the one the service serves, the client generated from it is
 * current, and the document says what the service's own machinery answers. With the contract check
 * (test/contract/, run on every e2e response) these keep the document true as the code changes.
 */
describe('the OpenAPI document', () => {
  jest.setTimeout(60_000);
  let svc: TestService;
  let doc: Document;
  const operations: Array<{ path: string; method: string; op: Operation }> = [];

  beforeAll(async () => {
    svc = await startTestService({ workers: false });
    doc = (await svc.http().get('/api/docs-json').expect(200)).body as Document;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) operations.push({ path, method, op });
    }
  });
  afterAll(() => svc?.close());

  it('is committed as openapi.json, exactly as the service serves it', () => {
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    expect({
      servedEqualsCommitted: JSON.stringify(doc) === JSON.stringify(JSON.parse(committed)),
      REGENERATE,
    }).toEqual({ servedEqualsCommitted: true, REGENERATE });
    expect(serialiseOpenApi(buildOpenApi(svc.app))).toBe(committed);
  });

  it('has a current generated client (openapi-typescript output of openapi.json)', () => {
    const cli = join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');
    // The same command as `npm run openapi:write`, to stdout.
    const fresh = execFileSync(process.execPath, [cli, OPENAPI_FILE, '--redocly', TYPEGEN_CONFIG], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect({ current: fresh === readFileSync(GENERATED_CLIENT, 'utf8'), REGENERATE }).toEqual({
      current: true,
      REGENERATE,
    });
  });

  it('describes every object it returns: listed properties, or a stated additionalProperties', () => {
    const vague: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
      if (!node || typeof node !== 'object') return;
      const s = node as Schema;
      const types = Array.isArray(s.type) ? s.type : [s.type];
      const composed = s.$ref || s.allOf || s.oneOf || s.anyOf;
      if (types.includes('object') && !s.properties && s.additionalProperties === undefined && !composed) {
        vague.push(at);
      }
      if (types.includes('array') && s.items === undefined) vague.push(`${at} (array without items)`);
      for (const [k, v] of Object.entries(s))
        if (!['example', 'examples', 'default', 'enum'].includes(k)) walk(v, `${at}/${k}`);
    };
    walk(doc, '#');
    expect(vague).toEqual([]);
  });

  it('gives every operation a summary and a success answer with its schema', () => {
    const problems = operations.flatMap(({ path, method, op }) => {
      const name = `${method.toUpperCase()} ${path}`;
      const success = Object.entries(op.responses).filter(([status]) => /^2/.test(status));
      return [
        ...(op.summary ? [] : [`${name}: no summary`]),
        ...(success.length ? [] : [`${name}: no 2xx answer`]),
        ...success
          .filter(([status, r]) => status !== '204' && !Object.values(r.content ?? {}).some((m) => m.schema))
          .map(([status]) => `${name}: ${status} has no schema`),
      ];
    });
    expect(problems).toEqual([]);
    expect(new Set(operations.map((o) => o.op.operationId)).size).toBe(operations.length);
  });

  it('puts no `default` in request bodies (openapi-typescript would make such a field required)', () => {
    const bodies = new Set<string>();
    const queue = operations.flatMap(({ op }) =>
      Object.values(op.requestBody?.content ?? {}).flatMap((m) => (m.schema?.$ref ? [m.schema.$ref] : [])),
    );
    while (queue.length) {
      const name = queue.pop()!.split('/').pop()!;
      if (bodies.has(name)) continue;
      bodies.add(name);
      for (const m of JSON.stringify(doc.components.schemas[name]).matchAll(/#\/components\/schemas\/(\w+)/g)) {
        queue.push(m[0]);
      }
    }
    const withDefault = [...bodies].flatMap((name) =>
      Object.entries(doc.components.schemas[name].properties ?? {})
        .filter(([, p]) => p.default !== undefined)
        .map(([field]) => `${name}.${field} (say the default in its description)`),
    );
    expect(withDefault).toEqual([]);
  });

  it('declares on every route the answers its guard, pipes and body parser give (from its own metadata)', () => {
    const byId = new Map(operations.map((o) => [o.op.operationId, o]));
    const problems: string[] = [];
    let routes = 0;
    for (const module of svc.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const ctrl = wrapper.metatype as (new (...args: never[]) => object) | null;
        if (!ctrl) continue;
        for (const name of Object.getOwnPropertyNames(ctrl.prototype)) {
          const handler = (ctrl.prototype as Record<string, unknown>)[name];
          if (name === 'constructor' || typeof handler !== 'function') continue;
          if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
          routes++;
          const found = byId.get(`${ctrl.name}_${name}`);
          if (!found) {
            problems.push(`${ctrl.name}.${name}: no operation in the document`);
            continue;
          }
          const { op, method, path } = found;
          const on = (key: string) =>
            Reflect.getMetadata(key, handler) !== undefined || Reflect.getMetadata(key, ctrl) !== undefined;
          const args = Object.entries(
            (Reflect.getMetadata(ROUTE_ARGS_METADATA, ctrl, name) ?? {}) as Record<
              string,
              { data?: unknown; pipes?: unknown[] }
            >,
          ).map(([key, a]) => ({ type: Number(key.split(':')[0]), ...a }));
          const params = args.filter((a) => a.type === RouteParamtypes.PARAM);
          const uuids = params.filter((a) => a.pipes?.includes(ParseUUIDPipe)).map((a) => String(a.data));
          const body = args.some((a) => a.type === RouteParamtypes.BODY);
          const queryDto = args.some((a) => a.type === RouteParamtypes.QUERY && a.data === undefined);
          const verb = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod;
          const write = ![RequestMethod.GET, RequestMethod.HEAD, RequestMethod.OPTIONS].includes(verb);
          // A console session is refused on a write without its CSRF token, and while restricted
          // everywhere but the routes that allow it.
          const sessionRefusal = !on(PUBLIC_KEY) && (write || !on(ALLOW_RESTRICTED_KEY));
          const expected = [
            ...(on(PUBLIC_KEY) ? [] : ['401', '429']),
            ...(on(ROLES_KEY) || on(ORG_KINDS_KEY) || sessionRefusal ? ['403'] : []),
            ...(params.length ? ['404'] : []),
            ...(body || queryDto || uuids.length ? ['400'] : []),
            ...(body ? ['413', '422'] : []),
          ];
          const missing = expected.filter((status) => !op.responses[status]);
          if (missing.length) problems.push(`${method.toUpperCase()} ${path}: ${missing.join(', ')} not declared`);
          for (const id of uuids) {
            const p = op.parameters?.find((x) => x.name === id && x.in === 'path');
            if (p?.schema?.format !== 'uuid') problems.push(`${method.toUpperCase()} ${path}: ${id} not format uuid`);
          }
          if (on(PUBLIC_KEY) !== (Array.isArray(op.security) && op.security.length === 0)) {
            problems.push(`${method.toUpperCase()} ${path}: security does not say whether a token is needed`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(routes).toBe(operations.length);
  });

  it('is checked against every answer the e2e suites receive (test/contract/)', async () => {
    const before = checked.responses;
    await svc.http().get('/api/v1/me').set(bearer(svc.adminToken)).expect(200);
    await svc.http().get('/api/v1/me').expect(401);
    expect(checked.responses - before).toBe(2);
  });
});
