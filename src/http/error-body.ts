import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldError {
  @ApiProperty({ example: 'grade' })
  field!: string;

  @ApiProperty({ example: ['grade must be one of the following values: I, II, III, IV'] })
  messages!: string[];
}

/** The one error shape every endpoint returns. */
export class ErrorBody {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({ example: 'grade must be one of the following values: I, II, III, IV' })
  message!: string;

  @ApiPropertyOptional({ type: [FieldError] })
  details?: FieldError[];

  @ApiPropertyOptional({
    description:
      'Machine-readable reason where one helps: a body over a structural ' +
      'bound (too-deep, too-many-keys, too-many-values, string-too-long: 413 ' +
      'or 422), a refused property name or text (forbidden-key, ' +
      'malformed-string: 400), STIX import verdicts',
    example: 'too-many-keys',
  })
  code?: string;

  @ApiPropertyOptional({ description: 'Event types accepted now (409 on workflow events)', type: [String] })
  allowedEvents?: string[];

  @ApiPropertyOptional({ example: '6f1c…' })
  requestId?: string;
}
