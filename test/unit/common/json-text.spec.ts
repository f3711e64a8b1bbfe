import { encodeWithMemos, JsonMemo, stringifyWithMemos } from '../../../src/common/json-text';

describe('JsonMemo and stringifyWithMemos', () => {
  it('give exactly JSON.stringify, whatever the values', () => {
    const memo = new JsonMemo<object>();
    const objects: Array<Record<string, unknown>> = [
      {},
      { a: 1, b: 'x', c: null, d: undefined, e: () => 1, f: Symbol('s'), g: true, h: 1.5e-7, i: '事件 "q" \\ \n' },
      {
        steps: [{ id: 'a', title: { zh: '核实', en: 'Confirm' } }, null, 3, 'x', undefined, [1, 2], { n: undefined }],
        after: [1],
      },
      { steps: [], nested: { steps: [{ x: 1 }] }, date: new Date(Date.UTC(2026, 0, 2)) },
      { '': 0, 'k"ey': 1, 1: 'numeric key first', steps: [{ deep: { deeper: [{ v: '😀' }] } }] },
    ];
    for (const o of objects) {
      expect(stringifyWithMemos(o, (k) => (k === 'steps' ? memo : undefined))).toBe(JSON.stringify(o));
      // And a second time, from the memo; and in UTF-8, from the memo's bytes.
      expect(stringifyWithMemos(o, (k) => (k === 'steps' ? memo : undefined))).toBe(JSON.stringify(o));
      expect(
        encodeWithMemos(o, (k) => (k === 'steps' ? memo : undefined)).equals(Buffer.from(JSON.stringify(o), 'utf8')),
      ).toBe(true);
    }
  });

  it("makes an object's text once, and freezes it so a later change fails instead of going stale", () => {
    let renders = 0;
    const memo = new JsonMemo<{ id: string; tags: string[] }>((v) => {
      renders++;
      return { ...v, shown: true };
    });
    const step = { id: 's1', tags: ['a'] };
    expect(memo.text(step)).toBe('{"id":"s1","tags":["a"],"shown":true}');
    expect(memo.text(step)).toBe('{"id":"s1","tags":["a"],"shown":true}');
    expect(renders).toBe(1);
    expect(Object.isFrozen(step)).toBe(true);
    expect(Object.isFrozen(step.tags)).toBe(true);
    expect(() => {
      step.id = 's2';
    }).toThrow(TypeError);
    expect(() => step.tags.push('b')).toThrow(TypeError);
    // A changed copy is a new object with its own text.
    expect(memo.text({ ...step, id: 's2' })).toBe('{"id":"s2","tags":["a"],"shown":true}');
    expect(renders).toBe(2);
  });
});
