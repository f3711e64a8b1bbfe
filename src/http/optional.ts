import { applyDecorators } from '@nestjs/common';
import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';

/**
 * Like @IsOptional, except that only leaving the field out skips its validation: `null` is refused,
 * naming the field. class-validator's @IsOptional lets null through as well, and on an update that
 * reached the database as NULL for a column that may not be empty (a 500), or silently emptied a
 * list (`events: null` became no events at all). For a field where null has a meaning, use
 * @IsOptional and say what null does.
 */
export function IsOmittable(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_object: object, value: unknown) => value !== undefined),
    ValidateBy(
      {
        name: 'isNotNull',
        validator: {
          validate: (value: unknown) => value !== null,
          defaultMessage: (args) => `${args?.property ?? 'this field'} may be left out, but not set to null`,
        },
      },
      options,
    ),
  );
}
