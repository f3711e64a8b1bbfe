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
 * Exactly `JSON.stringify(object)` for a plain object, except that the object elements of the arrays
 * under the keys `memoFor` gives a memo for come from that memo (other elements are stringified as
 * usual).
 */
export function stringifyWithMemos(object: Record<string, unknown>, memoFor: (key: string) => JsonMemo<object> | undefined): string {
  let out = '{';
  for (const key of Object.keys(object)) {
    const value = object[key];
    const memo = memoFor(key);
    let text: string | undefined;
    if (memo && Array.isArray(value)) {
      const parts: string[] = [];
      for (const element of value) {
        parts.push(element !== null && typeof element === 'object' ? memo.text(element as object) : (JSON.stringify(element) ?? 'null'));
      }
      text = `[${parts.join(',')}]`;
    } else {
      // undefined, functions and symbols leave the key out, as JSON.stringify does.
      text = JSON.stringify(value);
    }
    if (text === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${text}`;
  }
  return `${out}}`;
}

/**
 * `stringifyWithMemos` in UTF-8: the memoised elements' bytes are reused as they are, so only
 * the rest is encoded for each call.
 */
export function encodeWithMemos(object: Record<string, unknown>, memoFor: (key: string) => JsonMemo<object> | undefined): Buffer {
  // Text and ready bytes in order, then one allocation for all of it.
  const chunks: Array<string | Buffer> = [];
  let pending = '{';
  let first = true;
  for (const key of Object.keys(object)) {
    const value = object[key];
    const memo = memoFor(key);
    if (memo && Array.isArray(value)) {
      pending += `${first ? '' : ','}${JSON.stringify(key)}:[`;
      value.forEach((element, i) => {
        if (i > 0) pending += ',';
        if (element !== null && typeof element === 'object') {
          chunks.push(pending, memo.bytes(element as object));
          pending = '';
        } else {
          pending += JSON.stringify(element) ?? 'null';
        }
      });
      pending += ']';
      first = false;
      continue;
    }
    const text = JSON.stringify(value);
    if (text === undefined) continue;
    pending += `${first ? '' : ','}${JSON.stringify(key)}:${text}`;
    first = false;
  }
  chunks.push(`${pending}}`);
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
