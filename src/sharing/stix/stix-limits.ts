import { checkJsonBounds, JsonBoundsError } from '../../http';
import { type StixBundle, isPlainObject } from './stix-types';
import { type StixValidationError, type StixValidator, getStixValidator } from './stix-validator';

/** Bounds for STIX content from outside. A bundle from a peer or a TAXII feed is untrusted input. */
export interface StixLimits {
  /** Encoded size of the raw document (bytes of UTF-8), or an estimate for an already-parsed value. */
  maxBytes: number;
  maxObjects: number;
  /** Nesting of arrays/objects; the root container is depth 1. */
  maxDepth: number;
  /** Length of any single string (property names included), in UTF-16 code units. */
  maxStringLength: number;
  /** Total arrays, objects and scalars: bounds work on an already-parsed value that shares sub-objects. */
  maxNodes: number;
  /**
   * Properties of any one object. Many distinct property names are what JSON.parse pays for most
   * (1 MiB of them took 100–200 ms on the development machine); STIX objects have a few dozen.
   */
  maxKeysPerObject: number;
}

export const DEFAULT_STIX_LIMITS: Readonly<StixLimits> = Object.freeze({
  maxBytes: 1024 * 1024,
  maxObjects: 5000,
  maxDepth: 32,
  maxStringLength: 64 * 1024,
  maxNodes: 512 * 1024,
  maxKeysPerObject: 100,
});

export type StixInputErrorCode =
  'too-large' | 'too-deep' | 'too-many-objects' | 'string-too-long' | 'invalid-json' | 'not-a-bundle' | 'schema';

/** HTTP status a controller should answer with for each code. */
export const STIX_INPUT_ERROR_STATUS: Readonly<Record<StixInputErrorCode, number>> = {
  'too-large': 413,
  'too-deep': 422,
  'too-many-objects': 413,
  'string-too-long': 422,
  'invalid-json': 400,
  'not-a-bundle': 422,
  schema: 422,
};

export class StixInputError extends Error {
  readonly status: number;

  constructor(
    readonly code: StixInputErrorCode,
    message: string,
    /** JSON Pointer of the offending value ('' for the whole document). */
    readonly path = '',
    /** Schema and rule violations, for code 'schema'. */
    readonly details: StixValidationError[] = [],
  ) {
    super(message);
    this.name = 'StixInputError';
    this.status = STIX_INPUT_ERROR_STATUS[code];
  }
}

export interface ParseBundleOptions {
  /** Defaults to the process-wide validator. */
  validator?: StixValidator;
  /** Skip schema and rule validation (structure and limits are still enforced). Default true = validate. */
  validate?: boolean;
  /** Passed to the validator; see StixValidateOptions. */
  allowExternalRefs?: boolean;
}

/**
 * Turns untrusted input (raw JSON text, a Buffer, or a value a body parser already produced) into a STIX
 * bundle, or throws a StixInputError. Nothing else escapes: unexpected failures (a throwing getter on a
 * hand-made object, say) become 'invalid-json'. Every walk is iterative and bounded by the limits, so
 * neither deep nesting nor shared sub-objects can overflow the stack or run for long.
 */
export function parseUntrustedBundle(
  raw: string | Buffer | unknown,
  limits: Partial<StixLimits> = {},
  options: ParseBundleOptions = {},
): StixBundle {
  const effective: StixLimits = { ...DEFAULT_STIX_LIMITS, ...limits };
  try {
    return parseChecked(raw, effective, options);
  } catch (error) {
    if (error instanceof StixInputError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new StixInputError('invalid-json', `input could not be read as JSON: ${reason}`);
  }
}

function parseChecked(raw: unknown, limits: StixLimits, options: ParseBundleOptions): StixBundle {
  let value: unknown;
  if (typeof raw === 'string' || Buffer.isBuffer(raw) || raw instanceof Uint8Array) {
    value = parseText(raw, limits);
  } else if (raw === undefined || raw === null || typeof raw !== 'object') {
    throw new StixInputError(
      'not-a-bundle',
      `expected a STIX bundle object, got ${raw === null ? 'null' : typeof raw}`,
    );
  } else {
    value = raw;
  }

  checkShape(value, limits);
  walk(value, limits);

  const bundle = value as StixBundle;
  if (options.validate !== false) {
    const validator = options.validator ?? getStixValidator();
    const result = validator.validateBundle(bundle, { allowExternalRefs: options.allowExternalRefs });
    if (!result.ok) {
      const first = result.errors[0];
      throw new StixInputError(
        'schema',
        `bundle is not valid STIX 2.1: ${first.path} ${first.message}` +
          (result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : ''),
        first.path,
        result.errors,
      );
    }
  }
  return bundle;
}

function parseText(raw: string | Uint8Array, limits: StixLimits): unknown {
  let text: string;
  if (typeof raw === 'string') {
    // UTF-16 length is a lower bound of the UTF-8 size, so the cheap test runs first.
    if (raw.length > limits.maxBytes || Buffer.byteLength(raw, 'utf8') > limits.maxBytes) {
      throw new StixInputError('too-large', `document is larger than ${limits.maxBytes} bytes`);
    }
    text = raw;
  } else {
    if (raw.byteLength > limits.maxBytes) {
      throw new StixInputError('too-large', `document is ${raw.byteLength} bytes, larger than ${limits.maxBytes}`);
    }
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(raw);
    } catch {
      throw new StixInputError('invalid-json', 'document is not valid UTF-8');
    }
  }
  checkTextDepth(text, limits.maxDepth);
  checkTextVolume(text, limits);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StixInputError('invalid-json', `document is not valid JSON: ${reason}`);
  }
}

/** Scans the text once for bracket nesting before parsing, so a deeply nested document is refused without
 *  building it. Brackets inside strings do not count. */
function checkTextDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > maxDepth) {
        throw new StixInputError('too-deep', `nesting exceeds ${maxDepth} levels (at character ${i})`);
      }
    } else if (c === 0x7d || c === 0x5d) {
      depth = Math.max(0, depth - 1);
    }
  }
}

/**
 * Refuses text whose objects have too many properties, or that holds more values than the walk
 * after parsing would accept, before JSON.parse builds it: the same scan that bounds every JSON
 * request body (src/http/json-bounds.ts). Depth and string length are left to the checks above and
 * below, which word them as STIX errors.
 */
function checkTextVolume(text: string, limits: StixLimits): void {
  try {
    checkJsonBounds(text, {
      maxDepth: Number.MAX_SAFE_INTEGER,
      maxKeysPerObject: limits.maxKeysPerObject,
      maxValues: limits.maxNodes,
      maxStringLength: Number.MAX_SAFE_INTEGER,
      strictNames: false,
    });
  } catch (error) {
    if (!(error instanceof JsonBoundsError)) throw error;
    throw new StixInputError(
      'too-large',
      error.message,
      error.path ? `/${error.path.split('.').map(escapePointer).join('/')}` : '',
    );
  }
}

function checkShape(value: unknown, limits: StixLimits): void {
  if (!isPlainObject(value)) {
    throw new StixInputError(
      'not-a-bundle',
      `expected a JSON object with "type": "bundle", got ${describeType(value)}`,
    );
  }
  if (value.type !== 'bundle') {
    throw new StixInputError('not-a-bundle', `"type" must be "bundle", got ${describeType(value.type)}`, '/type');
  }
  if (!Array.isArray(value.objects)) {
    throw new StixInputError(
      'not-a-bundle',
      `"objects" must be an array, got ${describeType(value.objects)}`,
      '/objects',
    );
  }
  if (value.objects.length > limits.maxObjects) {
    throw new StixInputError(
      'too-many-objects',
      `bundle has ${value.objects.length} objects, more than ${limits.maxObjects}`,
      '/objects',
    );
  }
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Iterative walk over a parsed value enforcing depth, string length, node count and (for values that did not
 *  come from text) an estimate of encoded size; also refuses what JSON cannot contain (functions, class
 *  instances, non-finite numbers). */
function walk(root: unknown, limits: StixLimits): void {
  const stack: Array<{ node: unknown; path: string; depth: number }> = [{ node: root, path: '', depth: 1 }];
  let nodes = 0;
  let bytes = 0;
  const tooLarge = (): StixInputError =>
    new StixInputError('too-large', `document is larger than ${limits.maxBytes} bytes (estimated)`);

  const checkString = (s: string, path: string, what: string): void => {
    if (s.length > limits.maxStringLength) {
      throw new StixInputError(
        'string-too-long',
        `${what} at ${path || '/'} is ${s.length} characters long, more than ${limits.maxStringLength}`,
        path,
      );
    }
    bytes += s.length + 2;
  };

  while (stack.length > 0) {
    const { node, path, depth } = stack.pop()!;
    if (++nodes > limits.maxNodes) {
      throw new StixInputError('too-large', `document has more than ${limits.maxNodes} values`, path);
    }
    switch (typeof node) {
      case 'string':
        checkString(node, path, 'string');
        break;
      case 'number':
        if (!Number.isFinite(node))
          throw new StixInputError('invalid-json', `value at ${path || '/'} is not a finite number`, path);
        bytes += 1; // a lower bound, like every estimate here: parsed text must never fail a size check it passed
        break;
      case 'boolean':
        bytes += 4;
        break;
      case 'object': {
        if (node === null) {
          bytes += 4;
          break;
        }
        if (depth > limits.maxDepth) {
          throw new StixInputError('too-deep', `nesting exceeds ${limits.maxDepth} levels at ${path || '/'}`, path);
        }
        // No visited-set: a cycle keeps getting deeper and hits the depth limit, and a sub-object shared in
        // many places is bounded by the node budget.
        if (Array.isArray(node)) {
          bytes += 2;
          for (let i = node.length - 1; i >= 0; i--)
            stack.push({ node: node[i], path: `${path}/${i}`, depth: depth + 1 });
        } else {
          // Checked without comparing to this realm's Object.prototype: values from another realm (a vm
          // context, structuredClone under Jest) are still plain objects.
          const proto = Object.getPrototypeOf(node) as object | null;
          const plain =
            proto === null ||
            (Object.getPrototypeOf(proto) === null && Object.prototype.toString.call(node) === '[object Object]');
          if (!plain) {
            throw new StixInputError('invalid-json', `value at ${path || '/'} is not a plain JSON object`, path);
          }
          bytes += 2;
          const keys = Object.keys(node);
          for (let i = keys.length - 1; i >= 0; i--) {
            const key = keys[i];
            const childPath = `${path}/${escapePointer(key)}`;
            checkString(key, childPath, 'property name');
            stack.push({ node: (node as Record<string, unknown>)[key], path: childPath, depth: depth + 1 });
          }
        }
        if (bytes > limits.maxBytes) throw tooLarge();
        break;
      }
      default:
        throw new StixInputError(
          'invalid-json',
          `value at ${path || '/'} is a ${typeof node}, which JSON cannot hold`,
          path,
        );
    }
    if (bytes > limits.maxBytes) throw tooLarge();
  }
}
