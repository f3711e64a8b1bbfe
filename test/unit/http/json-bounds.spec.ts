import {
  BODY_BOUNDS,
  checkJsonBounds,
  JsonBounds,
  JsonBoundsChecker,
  JsonBoundsError,
} from '../../../src/http/json-bounds';

const small: JsonBounds = { maxDepth: 4, maxKeysPerObject: 3, maxValues: 20, maxStringLength: 10 };

/** The error checkJsonBounds throws for `text`, or undefined when it passes. */
function verdict(
  text: string,
  bounds: JsonBounds = small,
): { code: string; field: string; status: number } | undefined {
  try {
    checkJsonBounds(text, bounds);
    return undefined;
  } catch (err) {
    if (!(err instanceof JsonBoundsError)) throw err;
    return { code: err.code, field: err.field, status: err.status };
  }
}

describe('checkJsonBounds', () => {
  it('passes bodies within every bound, at the bound', () => {
    expect(verdict('{"a":1,"b":[1,2,{"c":"0123456789"}],"d":null}')).toBeUndefined();
    expect(verdict('[[[[]]]]')).toBeUndefined();
    expect(verdict(JSON.stringify(Array.from({ length: 19 }, () => 0)))).toBeUndefined();
  });

  it('counts nesting from the body itself and names where it went too deep', () => {
    expect(verdict('[[[[[]]]]]')).toEqual({ code: 'too-deep', field: '0.0.0.0', status: 422 });
    expect(verdict('{"impact":{"a":{"b":{"c":{}}}}}')).toEqual({
      code: 'too-deep',
      field: 'impact.a.b.c',
      status: 422,
    });
  });

  it('bounds the properties of one object and names that object', () => {
    expect(verdict('{"a":1,"b":2,"c":3,"d":4}')).toEqual({ code: 'too-many-keys', field: 'body', status: 413 });
    expect(verdict('{"x":[{"a":1},{"a":1,"b":2,"c":3,"d":4}]}')).toEqual({
      code: 'too-many-keys',
      field: 'x.1',
      status: 413,
    });
  });

  it('bounds every value of the body and names the container that crossed the bound', () => {
    expect(verdict(JSON.stringify(Array.from({ length: 20 }, () => 0)))).toEqual({
      code: 'too-many-values',
      field: 'body',
      status: 413,
    });
    expect(verdict(JSON.stringify({ list: Array.from({ length: 30 }, () => true) }))).toEqual({
      code: 'too-many-values',
      field: 'list',
      status: 413,
    });
  });

  it('bounds strings by their decoded length, property names included', () => {
    expect(verdict('{"a":"0123456789"}')).toBeUndefined();
    // Escapes make the source longer than the value: twelve \u escapes decode to 10 characters and a pair.
    expect(verdict(`{"a":"${'\\u0041'.repeat(10)}"}`)).toBeUndefined();
    expect(verdict('{"a":"0123456789x"}')).toEqual({ code: 'string-too-long', field: 'a', status: 422 });
    expect(verdict('{"a":["ok","0123456789x"]}')).toEqual({ code: 'string-too-long', field: 'a.1', status: 422 });
    expect(verdict('{"0123456789x":1}')).toMatchObject({ code: 'string-too-long' });
  });

  it('refuses __proto__, constructor and prototype as property names anywhere, escaped or not', () => {
    expect(verdict('{"__proto__":{"admin":true}}')).toEqual({ code: 'forbidden-key', field: '__proto__', status: 400 });
    expect(verdict('{"a":[{"constructor":1}]}')).toEqual({
      code: 'forbidden-key',
      field: 'a.0.constructor',
      status: 400,
    });
    expect(verdict('{"a":{"prototype":1}}')).toEqual({ code: 'forbidden-key', field: 'a.prototype', status: 400 });
    expect(verdict('{"\\u005f_proto__":1}')).toEqual({ code: 'forbidden-key', field: '__proto__', status: 400 });
    // As values they are ordinary strings.
    expect(verdict('{"type":"constructor"}', BODY_BOUNDS)).toBeUndefined();
  });

  it('refuses a lone surrogate in a value or a name, and passes a whole pair', () => {
    expect(verdict('{"email":"a\\ud800@example.cn"}', BODY_BOUNDS)).toEqual({
      code: 'malformed-string',
      field: 'email',
      status: 400,
    });
    expect(verdict('{"a":["\\udc00"]}', BODY_BOUNDS)).toEqual({ code: 'malformed-string', field: 'a.0', status: 400 });
    expect(verdict('{"\\ud83d":1}', BODY_BOUNDS)).toMatchObject({ code: 'malformed-string' });
    expect(verdict('{"a":"\\ud83d\\ude00 \\\\ud800 😀"}', BODY_BOUNDS)).toBeUndefined();
  });

  it('shortens attacker-chosen names in the path', () => {
    const long = 'k'.repeat(500);
    const err = verdict(`{"${long}":{"a":1,"b":2,"c":3,"d":4}}`, { ...small, maxStringLength: 1000 });
    expect(err).toEqual({ code: 'too-many-keys', field: `${'k'.repeat(64)}…`, status: 413 });
  });

  it('leaves text that is not JSON to JSON.parse', () => {
    expect(verdict('{"a": // comment\n 1}')).toBeUndefined();
    expect(verdict('{"a":')).toBeUndefined();
    expect(verdict('not json')).toBeUndefined();
  });

  it('stops at the bound: a 2 MB body of 170,000 keys is refused from its first 64 KB', () => {
    const keys = Array.from({ length: 170_000 }, (_, i) => `"k${i}":10`).join(',');
    const text = `{"socialImpact":{${keys}}}`;
    expect(text.length).toBeGreaterThan(2_000_000);
    // Fed as the server feeds it, chunk by chunk: the refusal comes while the first chunk is read (the
    // 257th key ends about 2.6 KB in), so the other 2 MB are never scanned. Counting chunks, not
    // timing them: the bound's cost must not depend on how fast the machine is at the moment.
    const checker = new JsonBoundsChecker(BODY_BOUNDS);
    const chunk = 64 * 1024;
    let written = 0;
    let refused: JsonBoundsError | undefined;
    try {
      for (; written * chunk < text.length; written++)
        checker.write(text.slice(written * chunk, (written + 1) * chunk));
      checker.end();
    } catch (err) {
      if (!(err instanceof JsonBoundsError)) throw err;
      refused = err;
    }
    expect(refused?.code).toBe('too-many-keys');
    expect(refused?.field).toBe('socialImpact');
    expect(written).toBe(0);
  });

  describe('chunk by chunk', () => {
    /** The verdict when `text` arrives in pieces of `size` characters. */
    function chunked(text: string, size: number, bounds: JsonBounds = small) {
      const checker = new JsonBoundsChecker(bounds);
      try {
        for (let i = 0; i < text.length; i += size) checker.write(text.slice(i, i + size));
        checker.end();
        return undefined;
      } catch (err) {
        if (!(err instanceof JsonBoundsError)) throw err;
        return { code: err.code, field: err.field, status: err.status };
      }
    }

    it('gives the same verdict whatever the chunk boundaries cut (strings, numbers, keywords, escapes)', () => {
      const texts = [
        '{"a":1,"b":[1,2,{"c":"0123456789"}],"d":null}',
        '{"a":true,"b":false,"c":null,"d":-12.5e3,"e":"\\u0041\\"x"}',
        '{"a":{"x":1,"y":2,"z":3}}',
        '{"a":"012345678901234567890"}',
        '{"\\u005f_proto__":1}',
        '[[[[[]]]]]',
        JSON.stringify({ list: Array.from({ length: 30 }, (_, i) => i * 1000) }),
        '{"a": 12345678901, "b" : [ 1 , 2 ] }',
      ];
      for (const text of texts) {
        const whole = verdict(text);
        for (const size of [1, 2, 3, 5, 7])
          expect({ text, size, v: chunked(text, size) }).toEqual({ text, size, v: whole });
      }
    });

    it('refuses on the chunk that crosses a bound, without the rest of the body', () => {
      const checker = new JsonBoundsChecker({ ...small, maxStringLength: 20 });
      checker.write('{"socialImpact":{"k1":1,"k2":1,');
      expect(() => checker.write('"k3":1,"k4":1,"k5"')).toThrow(
        expect.objectContaining({ code: 'too-many-keys', field: 'socialImpact' }),
      );
    });

    it('refuses a string or number that outgrows any bound while it is still arriving', () => {
      const checker = new JsonBoundsChecker(small);
      checker.write('{"a":"');
      // 62 characters could still be 10 once \\u escapes are decoded; 70 cannot.
      checker.write('x'.repeat(50));
      expect(() => checker.write('x'.repeat(20))).toThrow(
        expect.objectContaining({ code: 'string-too-long', field: 'a' }),
      );
      const numbers = new JsonBoundsChecker(small);
      numbers.write('[1,');
      expect(() => numbers.write('9'.repeat(100))).toThrow(
        expect.objectContaining({ code: 'string-too-long', field: '1' }),
      );
    });
  });
});
