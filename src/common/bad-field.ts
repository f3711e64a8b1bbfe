import { BadRequestException } from '@nestjs/common';

/** A 400 in the standard shape for a cross-field rule the DTO decorators cannot express. */
export function badField(field: string, message: string): BadRequestException {
  return new BadRequestException({ message, details: [{ field, messages: [message] }] });
}
