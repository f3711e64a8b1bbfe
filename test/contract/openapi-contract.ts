import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** The parts of an OpenAPI 3.1 document the contract check reads. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject | unknown>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface OperationObject {
  operationId?: string;
  responses?: Record<string, ResponseObject>;
}

interface ResponseObject {
  description?: string;
  content?: Record<string, { schema?: JsonSchema }>;
}

type JsonSchema = Record<string, unknown>;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** One response as it went over the wire. */
export interface ObservedResponse {
  method: string;
  /** The request target as sent: path and query. */
  url: string;
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

export interface CheckResult {
  /** `GET /api/v1/incidents/{id}`, or the raw path when no operation matches. */
  route: string;
  /** Problems found; empty when the response is what the document says. */
  problems: string[];
  /** Whether a JSON body was validated against a schema. */
  validated: boolean;
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  literals: number;
  op: OperationObject;
}

/**
 * Paths outside the API the document describes: the document itself and Swagger UI's assets, and
 * the web console's files and pages, which are GETs of anything outside `/api`, `/health` and
 * `/ready` (src/console). Nothing else is exempt: an answer under `/api` to a route the document does not
 * have is a violation unless it is the framework's 404.
 */
const UNDOCUMENTED = /^\/api\/docs(?:-json|\/|$)/;
const isConsolePath = (path: string): boolean => !/^\/(?:api(?:\/|$)|health$|ready$)/.test(path);

/**
 * Checks responses against an OpenAPI 3.1 document: the route exists, the status is declared for
 * it, and the body is what the declared content says, validated by Ajv (JSON Schema 2020-12, the
 * dialect of OpenAPI 3.1) against the schema with one tightening: an object schema that lists its
 * `properties` and says nothing about `additionalProperties` gets `additionalProperties: false`, so
 * a field the document does not mention is a violation. An object meant to be free-form says so
 * with `additionalProperties` (true or a schema).
 */
export class OpenApiContract {
  private readonly ajv: Ajv2020;
  private readonly routes: Route[] = [];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly doc: OpenApiDocument) {
    // allErrors: a report names every wrong field at once, not only the first.
    this.ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, discriminator: true });
    addFormats(this.ajv);
    // OpenAPI's own annotations in Schema Objects; they say nothing about validity.
    this.ajv.addVocabulary(['example', 'xml', 'externalDocs']);
    this.ajv.addSchema(
      { $id: 'openapi:components', $defs: closeObjects(doc.components?.schemas ?? {}, true) },
      'openapi:components',
    );
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const method of HTTP_METHODS) {
        const op = item[method] as OperationObject | undefined;
        if (!op) continue;
        const segments = template.split('/');
        // Express routes without strict routing: a trailing slash reaches the same route (TAXII's URLs end in one).
        const pattern = new RegExp(
          `^${segments.map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : escapeRegExp(s))).join('/')}/?$`,
        );
        const literals = segments.filter((s) => !s.startsWith('{')).length;
        this.routes.push({ method: method.toUpperCase(), template, pattern, literals, op });
      }
    }
    // A literal segment wins over a parameter (`/requirements/coverage` before `/requirements/{id}`), as Express
    // matches the controller that declares it first.
    this.routes.sort((a, b) => b.literals - a.literals);
  }

  /** Every operation, as `METHOD /template`. */
  operations(): string[] {
    return this.routes.map((r) => `${r.method} ${r.template}`);
  }

  route(method: string, url: string): Route | undefined {
    const path = url.split('?')[0];
    return this.routes.find((r) => r.method === method.toUpperCase() && r.pattern.test(path));
  }

  check(res: ObservedResponse): CheckResult {
    const path = res.url.split('?')[0];
    const route = this.route(res.method, res.url);
    if (!route) {
      const consolePage = (res.method === 'GET' || res.method === 'HEAD') && isConsolePath(path);
      if (UNDOCUMENTED.test(path) || consolePage) {
        return { route: `${res.method} ${path}`, problems: [], validated: false };
      }
      // An unknown route is answered 404 by the framework; anything else means an undocumented operation.
      const problems =
        res.status === 404 ? [] : [`no operation ${res.method} ${path} in the document, yet it answered ${res.status}`];
      return { route: `${res.method} ${path}`, problems, validated: false };
    }
    const name = `${route.method} ${route.template}`;
    const responses = route.op.responses ?? {};
    const key = [String(res.status), `${String(res.status)[0]}XX`, 'default'].find((k) => responses[k]);
    if (!key) {
      return {
        route: name,
        problems: [`status ${res.status} is not declared (declared: ${Object.keys(responses).join(', ') || 'none'})`],
        validated: false,
      };
    }
    const declared = responses[key];
    const content = declared.content ?? {};
    const types = Object.keys(content);
    if (res.body.length === 0) {
      return types.length === 0 || res.status === 204
        ? { route: name, problems: [], validated: false }
        : {
            route: name,
            problems: [`status ${res.status}: empty body, but ${types.join(', ')} declared`],
            validated: false,
          };
    }
    if (types.length === 0) {
      return {
        route: name,
        problems: [`status ${res.status}: a body was sent but none is declared`],
        validated: false,
      };
    }
    const mediaType = (res.contentType ?? '').split(';')[0].trim().toLowerCase();
    // Declared types may carry parameters (TAXII's `application/taxii+json;version=2.1`): the type itself must match.
    const bare = (t: string) => t.split(';')[0].trim().toLowerCase();
    const match = types.find((t) => bare(t) === mediaType) ?? types.find((t) => wildcardMatch(bare(t), mediaType));
    if (!match) {
      return {
        route: name,
        problems: [`status ${res.status}: content type ${mediaType || '(none)'} is not declared (${types.join(', ')})`],
        validated: false,
      };
    }
    const schema = content[match].schema;
    if (!schema) {
      return { route: name, problems: [`status ${res.status} ${match}: no schema declared`], validated: false };
    }
    if (bare(match) === 'text/event-stream') {
      return this.checkEventStream(name, `${name} ${key} ${match}`, res.status, schema, res.body.toString('utf8'));
    }
    if (!isJson(bare(match))) return { route: name, problems: [], validated: false };
    let body: unknown;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      return { route: name, problems: [`status ${res.status}: the body is not JSON`], validated: false };
    }
    const validate = this.validator(`${name} ${key} ${match}`, schema);
    if (validate(body)) return { route: name, problems: [], validated: true };
    return { route: name, problems: describe(validate.errors ?? [], res.status), validated: true };
  }

  /**
   * A server-sent event stream, as received up to when it ended: every complete event (its fields
   * as an object: `event`, `data`, `id`, `retry` as a number) must validate against the declared
   * schema, which describes one event (as OpenAPI 3.2's itemSchema does; 3.1 has no place for it),
   * and a field declared with `contentMediaType` JSON and a `contentSchema` must hold JSON that
   * validates against that schema. A schema that is a `oneOf` of kinds of event (each its own
   * fields) has each event's content checked by the kind it is. Comments (`: ping`) carry nothing
   * to check.
   */
  private checkEventStream(route: string, key: string, status: number, schema: JsonSchema, text: string): CheckResult {
    const events = parseEventStream(text);
    const validate = this.validator(key, schema);
    const item = this.resolve(schema);
    const kinds = (Array.isArray(item.oneOf) ? (item.oneOf as JsonSchema[]) : [item]).map((branch, k) => {
      const kind = this.resolve(branch);
      const contents = Object.entries((kind.properties ?? {}) as Record<string, JsonSchema>).flatMap(([field, s]) => {
        const property = this.resolve(s);
        const inner = property.contentSchema as JsonSchema | undefined;
        return inner && isJson(String(property.contentMediaType ?? '')) ? [{ field, inner }] : [];
      });
      return { is: kind === item ? () => true : this.validator(`${key} kind ${k}`, kind), contents };
    });
    const problems: string[] = [];
    events.forEach((event, i) => {
      if (!validate(event)) problems.push(...describe(validate.errors ?? [], status).map((p) => `event ${i}: ${p}`));
      const contents = kinds.filter((k) => k.is(event)).flatMap((k) => k.contents);
      for (const { field, inner } of contents) {
        const value = event[field];
        if (typeof value !== 'string') continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(value);
        } catch {
          problems.push(`event ${i}: status ${status}: ${field} is not JSON`);
          continue;
        }
        const check = this.validator(`${key} ${field}`, inner);
        if (!check(parsed)) {
          problems.push(...describe(check.errors ?? [], status).map((p) => `event ${i} ${field}: ${p}`));
        }
      }
    });
    return { route, problems, validated: events.length > 0 };
  }

  /** A schema, or the component a `$ref` names. */
  private resolve(schema: JsonSchema): JsonSchema {
    const ref = schema.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/components/schemas/')) return schema;
    return this.doc.components?.schemas?.[ref.slice('#/components/schemas/'.length)] ?? schema;
  }

  private validator(key: string, schema: JsonSchema): ValidateFunction {
    let v = this.validators.get(key);
    if (!v) {
      v = this.ajv.compile(closeObjects(schema, false));
      this.validators.set(key, v);
    }
    return v;
  }
}

function describe(errors: ErrorObject[], status: number): string[] {
  // anyOf/oneOf report each branch's failures and then their own: keep the branches' specific ones, but not
  // "must be null" from the null branch of a nullable field that holds something else.
  const specific = errors.filter(
    (e) => !['anyOf', 'oneOf'].includes(e.keyword) && !(e.keyword === 'type' && e.params.type === 'null'),
  );
  // The same fault in every element of an array is one problem: named once, with a count.
  const groups = new Map<string, { first: ErrorObject; count: number }>();
  for (const e of specific.length ? specific : errors) {
    const extra =
      e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty : '';
    const key = `${e.schemaPath} ${extra} ${e.instancePath.replace(/\/\d+(?=\/|$)/g, '/*')}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { first: e, count: 1 });
  }
  return [...groups.values()].slice(0, 12).map(({ first: e, count }) => {
    const where = e.instancePath || '(body)';
    const extra =
      e.keyword === 'additionalProperties'
        ? ` ${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)}`
        : '';
    const more = count > 1 ? ` (and ${count - 1} more like it)` : '';
    return `status ${status}: ${where} ${e.message}${extra}${more} (schema ${e.schemaPath})`;
  });
}

/**
 * The complete events of a text/event-stream body (WHATWG HTML, "Interpreting an event stream"):
 * each as an object of its fields (`data` lines joined by newlines; `retry` a number when it is
 * digits). An event is complete at its blank line; one cut off by the end of the body is not
 * dispatched, as a browser would not dispatch it. Blocks of comments only are no events.
 */
export function parseEventStream(text: string): Array<Record<string, string | number>> {
  const events: Array<Record<string, string | number>> = [];
  const lines = text.split(/\r\n|\r|\n/);
  lines.pop(); // after the last line break: an unfinished line
  let fields: Record<string, string | number> = {};
  let any = false;
  for (const line of lines) {
    if (line === '') {
      if (any) events.push(fields);
      fields = {};
      any = false;
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    any = true;
    if (name === 'data') fields.data = 'data' in fields ? `${String(fields.data)}\n${value}` : value;
    else if (name === 'retry') fields.retry = /^\d+$/.test(value) ? Number(value) : value;
    else fields[name] = value;
  }
  return events;
}

function isJson(mediaType: string): boolean {
  return /^application\/(?:[\w.-]+\+)?json$/i.test(mediaType);
}

function wildcardMatch(declared: string, actual: string): boolean {
  const [dt, ds] = declared.toLowerCase().split('/');
  const [at, as] = actual.split('/');
  return (dt === '*' || dt === at) && (ds === '*' || ds === as);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `#/components/schemas/X` → the registered components schema, so each response schema compiles on its own. */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    out[k] =
      k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')
        ? `openapi:components#/$defs/${v.slice('#/components/schemas/'.length)}`
        : rewriteRefs(v);
  }
  return out;
}

/** Keys whose values are data (examples, defaults, enum values), never schemas: not walked. */
const DATA_KEYS = new Set(['example', 'examples', 'default', 'const', 'enum']);

/**
 * A copy in which every object schema that lists `properties` without a word on
 * `additionalProperties` refuses other fields. Components get their `$ref`s rewritten here too.
 */
function closeObjects<T>(node: T, schemaMap: boolean): T {
  const walk = (n: unknown, schemaMap: boolean): unknown => {
    if (Array.isArray(n)) return n.map((x) => walk(x, false));
    if (!n || typeof n !== 'object') return n;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n)) {
      if (schemaMap) out[k] = walk(v, false);
      else if (DATA_KEYS.has(k) || k.startsWith('x-')) out[k] = v;
      else out[k] = walk(v, k === 'properties' || k === '$defs' || k === 'patternProperties');
    }
    if (!schemaMap && out.properties && typeof out.properties === 'object' && !('additionalProperties' in out)) {
      out.additionalProperties = false;
    }
    return out;
  };
  return rewriteRefs(walk(node, schemaMap)) as T;
}
