/**
 * JSON text of immutable values, made once per object and reused.
 *
 * Workflow snapshots are immutable: a transition makes new objects for what it changes and keeps
 * the rest (XState's assign semantics), so most of an incident's steps are the same objects from
 * one event to the next, and their JSON (bilingual titles and guidance: most of the bytes, and
 * slow to stringify as two-byte strings) is the same too. An object is frozen, deeply, when its
 * text is first remembered, so code that broke the rule and changed it later would fail loudly
 * instead of being served a stale text.
 */
export class JsonMemo<T extends object> {
  private readonly texts = new WeakMap<T, string>();
  private readonly encoded = new WeakMap<T, Buffer>();

  /** `render` turns the object into what is serialised (by default the object itself). */
  constructor(private readonly render: (value: T) => unknown = (value) => value) {}

  text(value: T): string {
    let text = this.texts.get(value);
    if (text === undefined) {
      text = JSON.stringify(this.render(value)) ?? 'null';
      deepFreeze(value);
      this.texts.set(value, text);
    }
    return text;
  }

  /** The text in UTF-8, also made once per object (encoding two-byte text is not free either). */
  bytes(value: T): Buffer {
    let bytes = this.encoded.get(value);
    if (bytes === undefined) {
      bytes = Buffer.from(this.text(value), 'utf8');
      this.encoded.set(value, bytes);
    }
    return bytes;
  }
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/**
 * The pieces of `JSON.stringify(object)` for a plain object, in order: text, and for each object
 * element of the arrays under the keys `memoFor` gives a memo for, what `element` makes of it with
 * that memo (other elements are stringified as usual). Both forms below are this one walk.
 */
function piecesWithMemos<P>(
  object: Record<string, unknown>,
  memoFor: (key: string) => JsonMemo<object> | undefined,
  element: (memo: JsonMemo<object>, value: object) => P,
): Array<string | P> {
  const pieces: Array<string | P> = [];
  let pending = '{';
  let first = true;
  for (const key of Object.keys(object)) {
    const value = object[key];
    const memo = memoFor(key);
    if (memo && Array.isArray(value)) {
      pending += `${first ? '' : ','}${JSON.stringify(key)}:[`;
      value.forEach((item, i) => {
        if (i > 0) pending += ',';
        if (item !== null && typeof item === 'object') {
          pieces.push(pending, element(memo, item as object));
          pending = '';
        } else {
          pending += JSON.stringify(item) ?? 'null';
        }
      });
      pending += ']';
      first = false;
      continue;
    }
    // undefined, functions and symbols leave the key out, as JSON.stringify does.
    const text = JSON.stringify(value);
    if (text === undefined) continue;
    pending += `${first ? '' : ','}${JSON.stringify(key)}:${text}`;
    first = false;
  }
  pieces.push(`${pending}}`);
  return pieces;
}

/** Exactly `JSON.stringify(object)` for a plain object, with memoised array elements (see piecesWithMemos). */
export function stringifyWithMemos(
  object: Record<string, unknown>,
  memoFor: (key: string) => JsonMemo<object> | undefined,
): string {
  return piecesWithMemos(object, memoFor, (memo, value) => memo.text(value)).join('');
}

/**
 * `stringifyWithMemos` in UTF-8: the memoised elements' bytes are reused as they are, so only
 * the rest is encoded for each call, into one allocation for all of it.
 */
export function encodeWithMemos(
  object: Record<string, unknown>,
  memoFor: (key: string) => JsonMemo<object> | undefined,
): Buffer {
  const chunks = piecesWithMemos(object, memoFor, (memo, value) => memo.bytes(value));
  let length = 0;
  for (const c of chunks) length += typeof c === 'string' ? Buffer.byteLength(c, 'utf8') : c.length;
  const out = Buffer.allocUnsafe(length);
  let at = 0;
  for (const c of chunks) at += typeof c === 'string' ? out.write(c, at, 'utf8') : c.copy(out, at);
  return out;
}

/**
 * A response body that is already JSON, in UTF-8; the controller sends it as it is, with an
 * `application/json` content type (see src/http/json-response.ts).
 */
export class JsonText {
  constructor(readonly bytes: Buffer) {}

  get text(): string {
    return this.bytes.toString('utf8');
  }
}
