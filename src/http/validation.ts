import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';

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

/** The pipe validateShape runs: the global pipe's options, so a body gets one set of rules and one 400. */
const shapePipe = createValidationPipe();

/**
 * Validates a plain object against a DTO class outside the global pipe, for bodies whose shape
 * depends on a field (workflow events: the shape follows `type`). It is the same ValidationPipe,
 * called for the class chosen at run time, so the rules and the 400 are those of every other body.
 */
export async function validateShape<T extends object>(cls: ClassConstructor<T>, plain: unknown): Promise<T> {
  return (await shapePipe.transform(plain, { type: 'body', metatype: cls })) as T;
}
