import Ajv2020 from 'ajv/dist/2020';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { RegExpEngine } from 'ajv/dist/types';
import addFormats from 'ajv-formats';
import { STIX_SCHEMA_FILES } from './schemas';
import { isPlainObject } from './stix-types';
import { KNOWN_TLP_MARKING_IDS } from './tlp';
import { parseStixPattern } from './pattern-grammar';
import { canonicalJson } from '../../common';
import { createHash } from 'node:crypto';

export interface StixValidationError {
  /** JSON Pointer into the bundle, e.g. `/objects/3/modified`. */
  path: string;
  message: string;
}

export interface StixValidationResult {
  ok: boolean;
  errors: StixValidationError[];
}

export interface StixValidateOptions {
  /** Accept references to objects outside the bundle (STIX allows them; our exports never need them).
   *  Default false: every reference must resolve inside the bundle or be a known TLP marking. */
  allowExternalRefs?: boolean;
  /** Stop collecting after this many errors, so a hostile bundle cannot make the report itself huge. */
  maxErrors?: number;
}

export const STIX_SCHEMA_BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';

/** Our envelope schema: upstream bundle.json with its per-item rule replaced by "any object", because each
 *  object is validated against its own type's schema (upstream's item rule rejects `incident`, see SOURCE.md). */
const ENVELOPE_ID = `${STIX_SCHEMA_BASE}common/x-lianfang-bundle-envelope.json`;

/**
 * Upstream patterns that backtrack catastrophically, mapped to safe forms. `([a-z][a-z0-9]*)+` is exponential
 * in the length of a non-matching name (24 characters took ~0.5 s here, each more doubles it) and it guards
 * every object `type` and every extension key, so one hostile bundle could stall the process. The rewrite
 * `[a-z][a-z0-9]*` accepts exactly the same strings. The software `languages` tag pattern is quadratic; it
 * gets a 256-character cap in front (real language tags are far shorter), otherwise unchanged.
 */
// The language-tag pattern of the upstream schemas, byte for byte, and its bounded rewrite.
const LANGUAGE_TAG =
  '^([a-z]{2}(-[A-Z]{2})?(-[a-z]{4})?(-[A-Z]{2}|[0-9]{3})?' +
  '(-[a-z0-9]{5,8}|[0-9][a-z0-9]{3})*(-[a-z0-9]{1,8})*|[a-z]{3})$';
export const SAFE_PATTERN_REWRITES: Readonly<Record<string, string>> = {
  '^([a-z][a-z0-9]*)+(-[a-z0-9]+)*\\-?$': '^[a-z][a-z0-9]*(?:-[a-z0-9]+)*-?$',
  '^([a-z][a-z0-9]*)+(-[a-z0-9]+)*\\-ext$': '^[a-z][a-z0-9]*(?:-[a-z0-9]+)*-ext$',
  [LANGUAGE_TAG]: '^(?=[\\s\\S]{0,256}$)' + LANGUAGE_TAG.slice(1),
};

/** The RegExp factory ajv uses for `pattern` and `patternProperties`. */
export const safeSchemaRegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string): RegExp => new RegExp(SAFE_PATTERN_REWRITES[pattern] ?? pattern, flags),
  { code: 'safeSchemaRegExp' },
);

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/;
const ID_SHAPE = /^([a-z][a-z0-9-]*[a-z0-9])--[0-9a-fA-F-]{36}$/;

/** Loads the vendored OASIS STIX 2.1 schemas once (compiling them takes a moment) and checks bundles against
 *  them plus the rules the schemas cannot express. Create one and reuse it. */
export class StixValidator {
  private readonly ajv: Ajv2020;
  private readonly byType = new Map<string, ValidateFunction>();
  private readonly envelope: ValidateFunction;
  private readonly sdoCore: ValidateFunction;
  private readonly scoCore: ValidateFunction;

  constructor() {
    this.ajv = new Ajv2020({
      strict: false,
      allErrors: true,
      unicodeRegExp: false,
      logger: false,
      code: { regExp: safeSchemaRegExp },
    });
    addFormats(this.ajv);
    // ajv-formats has no IDN formats; upstream uses idn-hostname only for domain-name values, where any
    // Unicode host is acceptable, so it is treated as "any string" rather than silently ignored.
    this.ajv.addFormat('idn-hostname', true);
    for (const { schema } of STIX_SCHEMA_FILES) this.ajv.addSchema(schema);

    for (const { file } of STIX_SCHEMA_FILES) {
      const [folder, name] = file.replace(/\.json$/, '').split('/');
      const typed =
        ['sdos', 'sros', 'observables'].includes(folder) ||
        ['marking-definition', 'language-content', 'extension-definition'].includes(name);
      if (typed) this.byType.set(name, this.mustGet(`${STIX_SCHEMA_BASE}${file}`));
    }

    const upstreamBundle = this.mustGet(`${STIX_SCHEMA_BASE}common/bundle.json`).schema as Record<string, unknown>;
    const upstreamProps = upstreamBundle.properties as Record<string, Record<string, unknown>>;
    this.envelope = this.ajv.compile({
      $id: ENVELOPE_ID,
      type: 'object',
      properties: {
        type: upstreamProps.type,
        id: upstreamProps.id,
        objects: { ...upstreamProps.objects, items: { type: 'object' } },
      },
      required: [...(upstreamBundle.required as string[]), 'objects'],
    });
    this.sdoCore = this.mustGet(`${STIX_SCHEMA_BASE}common/core.json`);
    this.scoCore = this.mustGet(`${STIX_SCHEMA_BASE}common/cyber-observable-core.json`);
  }

  /** Types that have their own OASIS schema. */
  knownTypes(): string[] {
    return [...this.byType.keys()].sort();
  }

  validateBundle(bundle: unknown, options: StixValidateOptions = {}): StixValidationResult {
    const maxErrors = options.maxErrors ?? 200;
    const errors: StixValidationError[] = [];
    const push = (path: string, message: string): void => {
      if (errors.length < maxErrors) errors.push({ path, message });
    };

    if (!this.envelope(bundle)) {
      for (const e of this.envelope.errors ?? []) push(e.instancePath || '/', describe(e));
    }
    if (!isPlainObject(bundle) || !Array.isArray(bundle.objects)) return { ok: errors.length === 0, errors };
    const objects: unknown[] = bundle.objects;

    objects.forEach((object, index) => {
      if (errors.length >= maxErrors) return;
      const base = `/objects/${index}`;
      if (!isPlainObject(object)) return; // envelope already reported it
      const validate = this.validatorFor(object);
      if (!validate(object)) for (const e of validate.errors ?? []) push(base + e.instancePath, describe(e));
    });

    for (const e of customRuleErrors(objects, options)) push(e.path, e.message);
    return { ok: errors.length === 0, errors };
  }

  private validatorFor(object: Record<string, unknown>): ValidateFunction {
    const typed = typeof object.type === 'string' ? this.byType.get(object.type) : undefined;
    if (typed) return typed;
    // A custom object: SDO-like when it carries created/modified, otherwise SCO-like. Upstream's bundle rule
    // tries both inside a oneOf, which fails for every custom SDO because it also matches the SCO core.
    return 'created' in object || 'modified' in object ? this.sdoCore : this.scoCore;
  }

  private mustGet(id: string): ValidateFunction {
    const validate = this.ajv.getSchema(id);
    if (!validate) throw new Error(`STIX schema not loaded: ${id}`);
    return validate;
  }
}

function describe(e: ErrorObject): string {
  const where = e.schemaPath.includes('/') ? ` (${e.schemaPath})` : '';
  return `${e.message ?? 'is invalid'}${where}`;
}

/** Rules from the STIX 2.1 specification that JSON Schema cannot state (versions, id prefixes, the pattern
 *  grammar, modified after created), plus our stricter reference rule. */
export function customRuleErrors(objects: unknown[], options: StixValidateOptions = {}): StixValidationError[] {
  const errors: StixValidationError[] = [];
  const ids = new Map<string, number>();

  // Several versions of one object may travel together (STIX 2.1 section 3.6), each with its own `modified`;
  // one version (same id and `modified`) with two contents is a contradiction.
  const versions = new Map<string, { index: number; digest: string }>();
  objects.forEach((object, index) => {
    if (!isPlainObject(object)) return;
    const { id, type } = object;
    if (typeof id !== 'string') return;
    if (!ids.has(id)) ids.set(id, index);
    const version = `${id}\u0000${typeof object.modified === 'string' ? object.modified : ''}`;
    const digest = canonicalDigest(object, index);
    const seen = versions.get(version);
    if (seen === undefined) {
      versions.set(version, { index, digest });
    } else if (seen.digest !== digest) {
      errors.push({
        path: `/objects/${index}/id`,
        message:
          typeof object.modified === 'string'
            ? `id ${id} with modified ${object.modified} also at /objects/${seen.index} with other content`
            : `duplicate id ${id} with other content (first at /objects/${seen.index})`,
      });
    }
    const shape = ID_SHAPE.exec(id);
    if (typeof type === 'string' && (!shape || shape[1] !== type)) {
      errors.push({ path: `/objects/${index}/id`, message: `id prefix does not match type "${type}"` });
    }
    if (type === 'indicator' && object.pattern_type === 'stix' && typeof object.pattern === 'string') {
      const parsed = parseStixPattern(object.pattern);
      if (!parsed.ok) {
        errors.push({
          path: `/objects/${index}/pattern`,
          message: `not a valid STIX pattern: ${parsed.error} (at character ${parsed.at})`,
        });
      }
    }
  });

  objects.forEach((object, index) => {
    if (!isPlainObject(object)) return;
    const { created, modified } = object;
    if (typeof created === 'string' && typeof modified === 'string') {
      const c = comparableTimestamp(created);
      const m = comparableTimestamp(modified);
      if (c !== undefined && m !== undefined && m < c) {
        errors.push({
          path: `/objects/${index}/modified`,
          message: `modified ${modified} is earlier than created ${created}`,
        });
      }
    }
    if (!options.allowExternalRefs) {
      for (const ref of collectRefs(object, `/objects/${index}`)) {
        if (!ids.has(ref.value) && !KNOWN_TLP_MARKING_IDS.has(ref.value)) {
          errors.push({ path: ref.path, message: `reference ${ref.value} does not resolve inside the bundle` });
        }
      }
    }
  });
  return errors;
}

function canonicalDigest(object: Record<string, unknown>, index: number): string {
  try {
    return createHash('sha256').update(canonicalJson(object)).digest('hex');
  } catch {
    return `unreadable:${index}`; // equal to no other: a second copy is reported as a conflict
  }
}

/** Normalises the fractional seconds so plain string comparison orders timestamps correctly. */
function comparableTimestamp(value: string): string | undefined {
  const match = TIMESTAMP.exec(value);
  if (!match) return undefined;
  return `${match[1]}.${(match[2] ?? '').padEnd(12, '0').slice(0, 12)}`;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Every `*_ref` / `*_refs` value anywhere in the object (iterative: objects can be deep). */
function collectRefs(root: Record<string, unknown>, rootPath: string): Array<{ path: string; value: string }> {
  const found: Array<{ path: string; value: string }> = [];
  const stack: Array<{ node: unknown; path: string }> = [{ node: root, path: rootPath }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push({ node: item, path: `${path}/${i}` }));
      continue;
    }
    if (!isPlainObject(node)) continue;
    for (const [key, value] of Object.entries(node)) {
      const childPath = `${path}/${escapePointer(key)}`;
      if (key.endsWith('_ref') && typeof value === 'string') {
        found.push({ path: childPath, value });
      } else if (key.endsWith('_refs') && Array.isArray(value)) {
        value.forEach((item, i) => {
          if (typeof item === 'string') found.push({ path: `${childPath}/${i}`, value: item });
        });
      } else if (typeof value === 'object' && value !== null) {
        stack.push({ node: value, path: childPath });
      }
    }
  }
  return found;
}

let shared: StixValidator | undefined;

/** One validator per process: compiling the schemas is the expensive part. */
export function getStixValidator(): StixValidator {
  shared ??= new StixValidator();
  return shared;
}
