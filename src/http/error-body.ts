import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { schemaRef } from './openapi-schemas';
import { BilingualText } from '../common';

export class FieldError {
  @ApiProperty({ example: 'grade' })
  field!: string;

  @ApiProperty({ type: [String], example: ['grade must be one of the following values: I, II, III, IV'] })
  messages!: string[];
}

/** A mandatory step still open, named in the 409 that refuses the event it holds back. */
export class OpenStepError {
  @ApiProperty({ example: 'contain-isolate' }) id!: string;
  @ApiProperty({ example: 'containment' }) phase!: string;
  @ApiProperty({ type: BilingualText }) title!: BilingualText;
  @ApiProperty({ type: [String] }) roles!: string[];
}

/** The incident a plan check failure was found for (src/plans/plan-check.ts). */
export class PlanCheckCase {
  @ApiProperty({ enum: ['I', 'II', 'III', 'IV'] }) grade!: string;
  @ApiProperty({ type: [String], description: 'The category and its ancestors' }) categories!: string[];
  @ApiProperty() drill!: boolean;
  @ApiProperty() personalInformation!: boolean;
}

/** Why a plan cannot be used: the model check's finding and the path that shows it. */
export class PlanCheckFailureBody {
  @ApiProperty({ enum: ['step-unreachable', 'cannot-close', 'too-many-cases'] }) rule!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: PlanCheckCase, nullable: true }) case!: PlanCheckCase | null;
  @ApiProperty({ type: [String], description: 'Events from declaration to where an incident gets stuck' })
  path!: string[];
  @ApiProperty({ type: [String], description: 'The mandatory steps at fault' }) steps!: string[];
}

/**
 * The one error shape every endpoint returns. Besides the fields every error has, some answers
 * carry what the caller needs to act on them; those fields are listed here, each saying where it
 * comes from.
 */
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
      'malformed-string: 400), STIX import verdicts; for people signing in: invalid-credentials, ' +
      'second-factor-required, invalid-second-factor, no-session, session-expired (401), csrf-token-invalid, ' +
      'password-change-required, second-factor-enrolment-required (403), too-many-failures (429)',
    example: 'too-many-keys',
  })
  code?: string;

  @ApiPropertyOptional({ description: 'Event types accepted now (409 on workflow events)', type: [String] })
  allowedEvents?: string[];

  @ApiPropertyOptional({ example: '6f1c…' })
  requestId?: string;

  @ApiPropertyOptional({ description: 'The current version, when expectedVersion was stale (409)' })
  currentVersion?: number;

  @ApiPropertyOptional({
    ...schemaRef('WorkflowStateValue'),
    description: 'The workflow state that refused the event (409)',
  })
  state?: unknown;

  @ApiPropertyOptional({
    type: [OpenStepError],
    description: 'The open mandatory steps holding the event back (409 on ADVANCE and the like)',
  })
  openMandatorySteps?: OpenStepError[];

  @ApiPropertyOptional({ type: [String], description: "The incident's step ids (404 for an unknown step)" })
  steps?: string[];

  @ApiPropertyOptional({
    type: [String],
    description: 'Required recipient kinds nobody here receives, not listed in outOfBand (409 on submit)',
  })
  missingRecipientKinds?: string[];

  @ApiPropertyOptional({
    type: 'array',
    items: { $ref: '#/components/schemas/NationalChannelView' },
    description: 'The national reporting channels for the missing kinds (409 on submit)',
  })
  nationalChannels?: unknown[];

  @ApiPropertyOptional({ description: 'The indicator already recorded (409 on recording it again)' })
  indicatorId?: string;

  @ApiPropertyOptional({ description: 'Seconds until the lock-out ends (429), as in Retry-After' })
  retryAfterSeconds?: number;

  @ApiPropertyOptional({
    type: [PlanCheckFailureBody],
    description: 'Why a plan was refused by its model check (422 on saving, importing or adopting a plan)',
  })
  failures?: PlanCheckFailureBody[];
}
