import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import {
  getMetadataStorage,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Min,
  ValidateIf,
  ValidateNested,
  validateSync,
} from 'class-validator';
import { fastValidate } from '../../../src/http/fast-validation';
import { EVENT_SHAPES } from '../../../src/incidents/incident-event.dto';
import { StepCompletionDto, StepReopenDto } from '../../../src/incidents/incident-event.dto';
import { WARNING_EVENT_SHAPES } from '../../../src/warnings/warning-event.dto';

class WithDefault {
  @IsString() @Length(1, 5) label: string = 'dflt';
  @IsOptional() @IsInt() @Min(3) count?: number;
}
class WithCondition {
  @IsIn(['a', 'b']) kind!: string;
  @ValidateIf((o: WithCondition) => o.kind === 'b') @IsString() @Length(2, 3) detail?: string;
}
class WithGroups {
  @IsString({ groups: ['admin'] }) name!: string;
}
class Inner {
  @IsString() v!: string;
}
class WithNested {
  @ValidateNested() inner!: Inner;
}
class Empty {}

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const POOL: unknown[] = [
  null,
  '',
  'a',
  'ab',
  'abc',
  'b',
  'I',
  'IV',
  'V',
  'x'.repeat(200),
  'x'.repeat(201),
  'x'.repeat(2000),
  'x'.repeat(2001),
  0,
  1,
  2,
  3,
  -1,
  1.5,
  2 ** 53,
  true,
  false,
  [],
  ['a'],
  {},
  { a: 1 },
];

const reference = (cls: new () => object, body: Record<string, unknown>) => {
  const instance = plainToInstance(cls, body);
  return { instance, errors: validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }) };
};

function bodies(keys: string[], n: number, seed: number): Array<Record<string, unknown>> {
  const rnd = lcg(seed);
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < n; i++) {
    const body: Record<string, unknown> = {};
    for (const k of keys) if (rnd() < 0.6) body[k] = POOL[Math.floor(rnd() * POOL.length)];
    if (rnd() < 0.1) body.extra = 'x';
    out.push(body);
  }
  return out;
}

describe('fastValidate', () => {
  // Each class's own properties (from its decorators); bodies() adds an unknown key now and then.
  const props = (cls: new () => object) => [
    ...new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(cls, '', false, false)
        .map((m) => m.propertyName),
    ),
  ];
  const shapes: Array<[string, new () => object]> = [
    ...Object.entries(EVENT_SHAPES).map(([t, c]) => [`incident ${t}`, c] as [string, new () => object]),
    ...Object.entries(WARNING_EVENT_SHAPES).map(([t, c]) => [`warning ${t}`, c] as [string, new () => object]),
    ['step completion', StepCompletionDto],
    ['step reopen', StepReopenDto],
    ['property initialiser', WithDefault],
    ['ValidateIf', WithCondition],
  ];

  it.each(shapes)('%s: says valid exactly when class-validator does, with the same instance', (_name, cls) => {
    const keys = props(cls);
    let fastValid = 0;
    let invalid = 0;
    for (const body of bodies(keys, 3000, keys.length * 7919)) {
      const fast = fastValidate(cls as new () => object, body);
      const ref = reference(cls, body);
      if (fast) {
        expect([body, ref.errors]).toEqual([body, []]);
        expect(Object.getPrototypeOf(fast)).toBe(cls.prototype);
        expect(fast).toEqual(ref.instance);
        fastValid++;
      } else if (ref.errors.length === 0) {
        // It may only decline what it does not reproduce: a nested value.
        expect(Object.values(body).some((v) => v !== null && typeof v === 'object')).toBe(true);
      } else {
        invalid++;
      }
    }
    expect(fastValid).toBeGreaterThan(0);
    expect(invalid).toBeGreaterThan(0);
  });

  it('leaves every unknown key to class-validator, including __proto__ and constructor', () => {
    const cls = EVENT_SHAPES.REGRADE;
    const extra = JSON.parse('{"grade":"IV","reason":"r","extra":1}') as Record<string, unknown>;
    expect(fastValidate(cls, extra)).toBeUndefined();
    expect(reference(cls, extra).errors.map((e) => e.property)).toEqual(['extra']);
    // class-transformer drops these two without a word; the fast path must not copy them either.
    for (const raw of [
      '{"grade":"IV","reason":"r","__proto__":{"x":1}}',
      '{"grade":"IV","reason":"r","constructor":"x"}',
    ]) {
      const body = JSON.parse(raw) as Record<string, unknown>;
      expect(fastValidate(cls, body)).toBeUndefined();
      const ref = reference(cls, body);
      expect(Object.getPrototypeOf(ref.instance)).toBe(cls.prototype);
      expect((ref.instance as { x?: unknown }).x).toBeUndefined();
    }
    expect(fastValidate(cls, { grade: 'IV', reason: 'r' })).toBeInstanceOf(cls);
  });

  it('declines what it does not reproduce: groups, nested validation, classes without metadata, non-objects', () => {
    expect(fastValidate(WithGroups, { name: 'x' })).toBeUndefined();
    expect(fastValidate(WithNested, { inner: { v: 'x' } })).toBeUndefined();
    expect(fastValidate(Empty, {})).toBeUndefined();
    for (const notObject of [null, 'x', 1, [], undefined])
      expect(fastValidate(EVENT_SHAPES.ADVANCE, notObject)).toBeUndefined();
  });
});
