import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { fastValidate } from './fast-validation';

export function flatten(errors: ValidationError[], parent = ''): Array<{ field: string; messages: string[] }> {
  const out: Array<{ field: string; messages: string[] }> = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) {
      // class-validator words an unknown property as "property X should not exist"; keep it.
      out.push({ field, messages: Object.values(e.constraints) });
    }
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/**
 * Whitelisting with rejection of unknown fields: a typo in a field name is an error the caller must
 * see, not a silently dropped value in an incident record.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: validationError,
  });
}

/** The 400 every validation failure answers with: one message and the fields named. */
export function validationError(errors: ValidationError[]): BadRequestException {
  const details = flatten(errors);
  const message = details.map((d) => d.messages.join('; ')).join('; ') || 'Invalid input';
  return new BadRequestException({ message, details });
}

/**
 * Validates a plain object against a DTO class outside the global pipe, for bodies whose shape
 * depends on a field (workflow events: the shape follows `type`). Same rules, same 400; a flat body
 * that passes is taken by fastValidate without class-validator's generic executor.
 */
export function validateShape<T extends object>(cls: ClassConstructor<T>, plain: unknown): T {
  const fast = fastValidate(cls as new () => T, plain);
  if (fast) return fast;
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw validationError(errors);
  return instance;
}
