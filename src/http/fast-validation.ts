import {
  getMetadataStorage,
  ValidationTypes,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';

/** One decorator of one property, ready to run: class-validator's own constraint implementation. */
interface Rule {
  metadata: ValidationMetadata;
  constraint: ValidatorConstraintInterface;
}

interface PropertyPlan {
  property: string;
  /** @IsOptional / @ValidateIf conditions: when one is false, the property is not validated at all. */
  conditions: Array<(object: object, value: unknown) => boolean>;
  /** @IsDefined first, then every other constraint, as class-validator runs them. */
  rules: Rule[];
}

interface ClassPlan {
  properties: ReadonlySet<string>;
  plans: PropertyPlan[];
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- class-validator keys metadata by constructor
const plans = new WeakMap<Function, ClassPlan | null>();

/**
 * The decorators of `cls` as a plan, or null when the class uses anything this fast path does not
 * reproduce exactly (groups, `always`, nested or promise validation, asynchronous constraints, or
 * no metadata at all), so class-validator always handles such a class.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- class-validator keys metadata by constructor
function planFor(cls: Function): ClassPlan | null {
  if (plans.has(cls)) return plans.get(cls)!;
  const storage = getMetadataStorage();
  // Exactly the metadata validateSync uses with no groups, always = false, strictGroups = false.
  const metadatas = storage.getTargetValidationMetadatas(cls, '', false, false, undefined);
  let plan: ClassPlan | null = null;
  const supported =
    metadatas.length > 0 &&
    metadatas.every((m) => {
      if (m.groups?.length || m.always) return false;
      if (m.type === ValidationTypes.CONDITIONAL_VALIDATION || m.type === ValidationTypes.WHITELIST) return true;
      if (m.type !== ValidationTypes.CUSTOM_VALIDATION && m.type !== ValidationTypes.IS_DEFINED) return false;
      return storage.getTargetValidatorConstraints(m.constraintCls).every((c) => !c.async);
    });
  if (supported) {
    const grouped = storage.groupByPropertyName(metadatas);
    plan = {
      properties: new Set(Object.keys(grouped)),
      plans: Object.entries(grouped).map(([property, ms]) => {
        const rule = (m: ValidationMetadata) =>
          storage.getTargetValidatorConstraints(m.constraintCls).map((c) => ({ metadata: m, constraint: c.instance }));
        return {
          property,
          conditions: ms
            .filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION)
            .map((m) => m.constraints[0] as (o: object, v: unknown) => boolean),
          rules: [
            ...ms.filter((m) => m.type === ValidationTypes.IS_DEFINED).flatMap(rule),
            ...ms.filter((m) => m.type === ValidationTypes.CUSTOM_VALIDATION).flatMap(rule),
          ],
        };
      }),
    };
  }
  plans.set(cls, plan);
  return plan;
}

const isThenable = (v: unknown): boolean => typeof (v as { then?: unknown } | null)?.then === 'function';

function passes(rule: Rule, object: object, property: string, value: unknown): boolean {
  const { metadata, constraint } = rule;
  if (metadata.validateIf && !metadata.validateIf(object, value)) return true;
  const args: ValidationArguments = {
    targetName: object.constructor.name,
    property,
    object,
    value,
    constraints: metadata.constraints,
  };
  if (metadata.each && (Array.isArray(value) || value instanceof Set || value instanceof Map)) {
    const items = value instanceof Map ? [...value.values()] : [...value];
    return items.every((item) => {
      const ok = constraint.validate(item, args);
      return !isThenable(ok) && !!ok;
    });
  }
  const ok = constraint.validate(value, args);
  return !isThenable(ok) && !!ok;
}

/**
 * The instance `plainToInstance(cls, plain)` would build, when `validateSync(…, { whitelist: true,
 * forbidNonWhitelisted: true })` would find nothing wrong with it; otherwise undefined, and the
 * caller runs class-transformer and class-validator as usual (which also word the 400).
 *
 * Why: workflow events are flat bodies validated on every request, and class-validator's generic
 * executor (metadata lookup over every registered class, an error object per property even when
 * all is well) cost several times the check itself there. This runs the same decorators' own
 * constraint functions, so the rules stay in one place; it only ever says "valid" when
 * class-validator would, and says nothing at all for what it does not reproduce: nested values
 * (class-transformer would copy or convert them), unknown properties, or a class with decorators
 * outside the plan (see planFor). test/unit/http/fast-validation.spec.ts holds the two together.
 */
export function fastValidate<T extends object>(cls: new () => T, plain: unknown): T | undefined {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) return undefined;
  const plan = planFor(cls);
  if (!plan) return undefined;
  const source = plain as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    if (!plan.properties.has(key)) return undefined;
    const v = source[key];
    if (v !== null && typeof v === 'object') return undefined;
  }
  // Known, primitive-valued keys only, so this is what class-transformer builds (no __proto__ key can pass).
  const instance = Object.assign(new cls(), source);
  const fields = instance as Record<string, unknown>;
  // Whitelisting looks at the instance's own keys, which include property initialisers.
  for (const key of Object.keys(fields)) if (!plan.properties.has(key)) return undefined;
  for (const p of plan.plans) {
    const value = fields[p.property];
    if (!p.conditions.every((c) => c(instance, value))) continue;
    for (const rule of p.rules) if (!passes(rule, instance, p.property, value)) return undefined;
  }
  return instance;
}
