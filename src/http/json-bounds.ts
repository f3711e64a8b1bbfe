import { createScanner } from 'jsonc-parser';

/**
 * How much structure one JSON body may hold. Checked on the text before JSON.parse, so a body over
 * a bound costs one linear scan that stops where the bound is crossed, never the object graph that
 * JSON.parse, class-transformer and class-validator would build and walk. Those steps are what made
 * a 60,000-key field block the event loop for seconds: class-transformer copies every key of every
 * object whatever the DTO declares, at a few microseconds a key on this hardware.
 */
export interface JsonBounds {
  /** Nesting of objects and arrays; the body's own object or array is depth 1. */
  maxDepth: number;
  /** Members of any one object. */
  maxKeysPerObject: number;
  /** Every value in the body: objects, arrays, strings, numbers, booleans, nulls. */
  maxValues: number;
  /**
   * Length of any string, property names included, in UTF-16 code units (JavaScript's length); numbers are held to it
   * too.
   */
  maxStringLength: number;
  /**
   * Also refuse FORBIDDEN_KEYS as property names and strings with a lone surrogate (default true).
   * Off only where a caller checks the content by rules of its own (STIX text).
   */
  strictNames?: boolean;
}

/**
 * Every route but the STIX upload. The largest legitimate body is a warning naming 1,000 operators
 * with 1,000 indicators, about 5,100 values; no DTO object has more than a few dozen properties,
 * accepts a string over 20,000 characters or nests deeper than 4 (an embedded STIX bundle, up to
 * 32). Objects with many distinct property names are what JSON.parse and class-transformer pay for
 * most (about 1 µs and 1.5–4 µs a name here), so those are bounded hardest.
 */
export const BODY_BOUNDS: Readonly<JsonBounds> = Object.freeze({
  maxDepth: 32,
  maxKeysPerObject: 256,
  maxValues: 10_000,
  maxStringLength: 64 * 1024,
});

/**
 * Property names refused anywhere in a body. JSON.parse makes them ordinary own properties, but
 * code that copies or merges objects treats them specially: Nest's ValidationPipe silently deletes
 * them, class-transformer skips them, and `Object.assign` or a key-by-key copy onto another object
 * sets that object's prototype. A client that sends one is told, instead of getting a silently
 * different body.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type JsonBoundsCode =
  'too-deep' | 'too-many-keys' | 'too-many-values' | 'string-too-long' | 'forbidden-key' | 'malformed-string';

/**
 * Statuses: volume is 413 (more content than the server will process); depth and string length are
 * 422, as the STIX import already answers them (src/sharing/stix/stix-limits.ts), so one API does
 * not give two answers to one problem; a forbidden property name is a plain 400.
 */
export const JSON_BOUNDS_STATUS: Readonly<Record<JsonBoundsCode, number>> = {
  'too-deep': 422,
  'too-many-keys': 413,
  'too-many-values': 413,
  'string-too-long': 422,
  'forbidden-key': 400,
  'malformed-string': 400,
};

/** A `\uD800`–`\uDFFF` escape in raw JSON text: only these can make a string that is not valid Unicode. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
/** A surrogate without its pair. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export class JsonBoundsError extends Error {
  readonly status: number;

  constructor(
    readonly code: JsonBoundsCode,
    /**
     * Dotted path of the offending value, as class-validator names fields (`impact.socialImpact`, `indicators.3`); ''
     * for the body itself.
     */
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = 'JsonBoundsError';
    this.status = JSON_BOUNDS_STATUS[code];
  }

  /** The field to name in the error body. */
  get field(): string {
    return this.path === '' ? 'body' : this.path;
  }
}

// jsonc-parser's token kinds. Its typings declare them as a const enum, which isolatedModules
// cannot read, so the (stable, documented) numbers are repeated here.
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const COMMA = 5;
const COLON = 6;
const NULL = 7;
const TRUE = 8;
const FALSE = 9;
const STRING = 10;
const NUMBER = 11;
const EOF = 17;

interface Frame {
  object: boolean;
  /** Members (object) or items (array) begun so far. */
  count: number;
  /** The member name or item index being read: one segment of the path. */
  at: string | number | undefined;
  /** Object only: the next string is a property name. */
  expectKey: boolean;
}

/** A path segment as shown: attacker-chosen names are cut short so an error stays small. */
const segment = (at: string | number | undefined): string => {
  const s = String(at ?? '');
  return s.length > 64 ? `${s.slice(0, 64)}…` : s;
};

/**
 * Checks JSON text against the bounds as it arrives, chunk by chunk, and throws a JsonBoundsError at
 * the first bound crossed: a hostile body is refused after the chunk that crosses a bound, before
 * the rest of it is even read, never mind parsed. Each token is looked at once; a token cut by the
 * end of a chunk is carried into the next (a carried token longer than any acceptable string is
 * refused at once, so carrying costs at most a few rescans of one string).
 *
 * Text that is not JSON is left alone where the scan stops making sense: JSON.parse, which runs
 * next, refuses it, and every text JSON.parse accepts tokenises the same way here, so nothing it
 * accepts is miscounted. Why jsonc-parser: its scanner (VS Code's) tokenises without building
 * objects and decodes escaped property names (`"\u005f_proto__"`), which a hand-written bracket
 * counter does not.
 */
export class JsonBoundsChecker {
  private readonly stack: Frame[] = [];
  private values = 0;
  private carry = '';
  /** Not JSON: nothing more is checked. */
  private abandoned = false;
  /** A raw token this long cannot decode to a string within the bounds (`\uXXXX` is 6 characters for 1). */
  private readonly maxTokenLength: number;

  constructor(private readonly bounds: JsonBounds) {
    this.maxTokenLength = 6 * bounds.maxStringLength + 2;
  }

  /** The next piece of the text (decoded; a byte-order mark already removed). */
  write(text: string): void {
    if (!this.abandoned) this.scan(this.carry + text, false);
  }

  /** The text is complete. */
  end(): void {
    if (!this.abandoned) this.scan(this.carry, true);
  }

  private scan(text: string, final: boolean): void {
    const { bounds, stack } = this;
    const scanner = createScanner(text, true);
    this.carry = '';
    for (;;) {
      const token = scanner.scan();
      if (token === EOF) return;
      const offset = scanner.getTokenOffset();
      if (!final && offset + scanner.getTokenLength() >= text.length) {
        // May continue in the next chunk (a string, a number, a keyword): look again then.
        this.carry = text.slice(offset);
        if (this.carry.length > this.maxTokenLength) this.tokenTooLong();
        return;
      }
      switch (token) {
        case OPEN_BRACE:
        case OPEN_BRACKET: {
          this.begin();
          if (stack.length + 1 > bounds.maxDepth) {
            const path = this.pathOf(stack.length);
            throw new JsonBoundsError(
              'too-deep',
              path,
              `${path || 'the body'} nests deeper than ${bounds.maxDepth} levels`,
            );
          }
          stack.push({ object: token === OPEN_BRACE, count: 0, at: undefined, expectKey: token === OPEN_BRACE });
          break;
        }
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          stack.pop();
          break;
        case COMMA: {
          const top = stack[stack.length - 1];
          if (top?.object) top.expectKey = true;
          break;
        }
        case COLON:
          break;
        case STRING: {
          const top = stack[stack.length - 1];
          const malformed =
            bounds.strictNames !== false &&
            SURROGATE_ESCAPE.test(text.substr(offset, scanner.getTokenLength())) &&
            LONE_SURROGATE.test(scanner.getTokenValue());
          if (top?.object && top.expectKey) {
            this.key(top, scanner.getTokenValue());
            if (malformed) this.malformed(this.pathOf(stack.length));
            break;
          }
          this.begin();
          if (malformed) this.malformed(this.pathOf(stack.length));
          // The token's source length bounds its decoded length from above, so most strings are
          // never decoded here.
          if (
            scanner.getTokenLength() - 2 > bounds.maxStringLength &&
            scanner.getTokenValue().length > bounds.maxStringLength
          ) {
            const path = this.pathOf(stack.length);
            throw new JsonBoundsError(
              'string-too-long',
              path,
              `${path || 'the body'} is longer than ${bounds.maxStringLength} characters`,
            );
          }
          break;
        }
        case NUMBER:
          this.begin();
          if (scanner.getTokenLength() > this.maxTokenLength) this.tokenTooLong();
          break;
        case TRUE:
        case FALSE:
        case NULL:
          this.begin();
          break;
        default:
          // Unknown characters, broken tokens: not JSON. JSON.parse says so next.
          this.abandoned = true;
          return;
      }
    }
  }

  /** A property name of the object on top of the stack. */
  private key(top: Frame, name: string): void {
    const { bounds, stack } = this;
    top.expectKey = false;
    if (++top.count > bounds.maxKeysPerObject) {
      const path = this.pathOf(stack.length - 1);
      throw new JsonBoundsError(
        'too-many-keys',
        path,
        `${path || 'the body'} holds more than ${bounds.maxKeysPerObject} properties, the most one object may have`,
      );
    }
    top.at = name;
    if (bounds.strictNames !== false && FORBIDDEN_KEYS.has(name)) {
      const path = this.pathOf(stack.length);
      throw new JsonBoundsError(
        'forbidden-key',
        path,
        `${path} is not accepted: __proto__, constructor and prototype are never field names`,
      );
    }
    if (name.length > bounds.maxStringLength) {
      const path = this.pathOf(stack.length);
      throw new JsonBoundsError(
        'string-too-long',
        path,
        `a property name is longer than ${bounds.maxStringLength} characters`,
      );
    }
  }

  /** A value starts in the current container (or as the body itself). */
  private begin(): void {
    const { stack } = this;
    const top = stack[stack.length - 1];
    if (top && !top.object) top.at = top.count++;
    if (++this.values > this.bounds.maxValues) {
      // The container being filled when the budget ran out: where the bulk is.
      const path = this.pathOf(Math.max(stack.length - 1, 0));
      throw new JsonBoundsError(
        'too-many-values',
        path,
        `${path || 'the body'} takes the body past ` +
          `${this.bounds.maxValues} values (objects, arrays and ` +
          `scalars), the most one request may hold`,
      );
    }
  }

  /**
   * A string with a lone surrogate (`"\ud800"`): JSON.parse accepts it, but it is not text. It
   * cannot be stored as UTF-8, and validators that encode it throw (the email check answered 500).
   */
  private malformed(path: string): never {
    throw new JsonBoundsError(
      'malformed-string',
      path,
      `${path || 'the body'} is not valid Unicode text: it holds ` +
        `half of a surrogate pair (a \\ud800–\\udfff escape without ` +
        `its other half)`,
    );
  }

  /** A string or number that, carried over chunks, already exceeds any acceptable length. */
  private tokenTooLong(): never {
    const { stack } = this;
    const top = stack[stack.length - 1];
    const path = !top
      ? ''
      : top.object
        ? top.expectKey
          ? this.pathOf(stack.length - 1)
          : this.pathOf(stack.length)
        : [this.pathOf(stack.length - 1), top.count].filter((s) => s !== '').join('.');
    throw new JsonBoundsError(
      'string-too-long',
      path,
      `${path || 'the body'} holds a value longer than ${this.bounds.maxStringLength} characters`,
    );
  }

  private pathOf(frames: number): string {
    return this.stack
      .slice(0, frames)
      .map((f) => segment(f.at))
      .join('.');
  }
}

/** Checks a whole text at once (see JsonBoundsChecker). */
export function checkJsonBounds(text: string, bounds: JsonBounds): void {
  const checker = new JsonBoundsChecker(bounds);
  checker.write(text);
  checker.end();
}
