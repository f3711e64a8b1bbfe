import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Min,
} from 'class-validator';
import { GRADES, type Grade, badField } from '../common';
import { IsZonedTimestamp, validateShape } from '../http';

/** Event types a person may send through POST /incidents/:id/events. Timer events are system-only. */
export const USER_EVENT_TYPES = [
  'CONFIRM',
  'DISMISS',
  'REGRADE',
  'ADVANCE',
  'INITIAL_REPORT_SUBMITTED',
  'FOLLOWUP_REPORT_SUBMITTED',
  'FINAL_REPORT_SUBMITTED',
  'REVIEW_COMPLETED',
  'REIDENTIFICATION_COMPLETED',
  'CRIME_ASSESSED',
  'POLICE_REPORT_FILED',
] as const;
export const SYSTEM_EVENT_TYPES = ['DEADLINE_REMINDER', 'DEADLINE_MISSED'] as const;
export const STEP_EVENT_TYPES = ['COMPLETE_STEP', 'REOPEN_STEP'] as const;

class Base {
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}
class ConfirmEvent extends Base {
  @IsIn(GRADES) grade!: Grade;
  @IsOptional() @IsString() @Length(0, 2000) note?: string;
  /** Workflow version 2 on: answers "涉嫌违法犯罪?" at confirmation (left out: still to be decided). */
  @IsOptional() @IsBoolean() crimeSuspected?: boolean;
}
class CrimeAssessedEvent extends Base {
  @IsBoolean() suspected!: boolean;
  @IsOptional() @IsString() @Length(0, 2000) note?: string;
}
class PoliceReportEvent extends Base {
  /** What the police gave back: receipt or case number, the station, the officer. */
  @IsString() @Length(1, 200) reference!: string;
  @IsOptional() @IsString() @Length(0, 2000) note?: string;
}
class DismissEvent extends Base {
  @IsString() @Length(1, 2000) reason!: string;
}
class RegradeEvent extends Base {
  @IsIn(GRADES) grade!: Grade;
  @IsString() @Length(1, 2000) reason!: string;
}
class EmptyEvent extends Base {}
class ReportEvent extends Base {
  /** Reference of a report made outside the product (phone, paper), recorded by the liaison. */
  @IsString() @Length(1, 200) reportReference!: string;
}
class InitialReportEvent extends ReportEvent {
  @IsBoolean() partial!: boolean;
}

/** The body class of each event type. */
const EVENT_SHAPES: Record<(typeof USER_EVENT_TYPES)[number], new () => object> = {
  CONFIRM: ConfirmEvent,
  DISMISS: DismissEvent,
  REGRADE: RegradeEvent,
  ADVANCE: EmptyEvent,
  INITIAL_REPORT_SUBMITTED: InitialReportEvent,
  FOLLOWUP_REPORT_SUBMITTED: ReportEvent,
  FINAL_REPORT_SUBMITTED: ReportEvent,
  REVIEW_COMPLETED: EmptyEvent,
  REIDENTIFICATION_COMPLETED: EmptyEvent,
  CRIME_ASSESSED: CrimeAssessedEvent,
  POLICE_REPORT_FILED: PoliceReportEvent,
};

export type UserEventType = (typeof USER_EVENT_TYPES)[number];
export interface ParsedUserEvent {
  type: UserEventType;
  expectedVersion?: number;
  payload: Record<string, unknown>;
}

/**
 * The events body is `{ type, expectedVersion?, ...payload }` whose shape depends on `type`, so it
 * is validated here per type, by the same ValidationPipe as every DTO (see validateShape).
 */
export async function parseUserEvent(body: unknown): Promise<ParsedUserEvent> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badField('type', 'body must be a JSON object with a type');
  const { type, ...rest } = body as Record<string, unknown>;
  if (typeof type !== 'string') throw badField('type', 'type must be a string');
  if ((STEP_EVENT_TYPES as readonly string[]).includes(type)) {
    throw badField(
      'type',
      `${type} is sent through POST ` +
        `/api/v1/incidents/:id/steps/:stepId/` +
        `${type === 'COMPLETE_STEP' ? 'complete' : 'reopen'}`,
    );
  }
  // Own keys only: `constructor` or `toString` must not find Object's members (a 500 before).
  const shape = Object.hasOwn(EVENT_SHAPES, type) ? EVENT_SHAPES[type as UserEventType] : undefined;
  if (!shape) {
    if ((SYSTEM_EVENT_TYPES as readonly string[]).includes(type))
      throw badField('type', `${type} is sent by the timers only`);
    throw badField('type', `type must be one of ${USER_EVENT_TYPES.join(', ')}`);
  }
  const instance = await validateShape(shape, rest);
  const { expectedVersion, ...payload } = instance as Base & Record<string, unknown>;
  return { type: type as UserEventType, expectedVersion, payload };
}

/** For OpenAPI: the union is documented loosely; parseUserEvent enforces each shape. */
export class IncidentEventBody {
  @ApiProperty({ enum: USER_EVENT_TYPES }) type!: string;
  @ApiPropertyOptional({ description: 'Optimistic concurrency: 409 when the incident has moved on' })
  expectedVersion?: number;
  @ApiPropertyOptional({ enum: GRADES, description: 'CONFIRM, REGRADE' }) grade?: Grade;
  @ApiPropertyOptional({ description: 'DISMISS, REGRADE' }) reason?: string;
  @ApiPropertyOptional({ description: 'CONFIRM' }) note?: string;
  @ApiPropertyOptional({ description: '*_REPORT_SUBMITTED sent by a liaison for a report made outside the product' })
  reportReference?: string;
  @ApiPropertyOptional({ description: 'INITIAL_REPORT_SUBMITTED: first items only, rest owed' }) partial?: boolean;
  @ApiPropertyOptional({
    description:
      'CONFIRM (workflow version 2 on): is a crime suspected (涉嫌违法犯罪)? Left out: decided later with CRIME_ASSESSED',
  })
  crimeSuspected?: boolean;
  @ApiPropertyOptional({ description: 'CRIME_ASSESSED: is a crime suspected? true starts the police-report deadline' })
  suspected?: boolean;
  @ApiPropertyOptional({ description: 'POLICE_REPORT_FILED: receipt or case number given by public security' })
  reference?: string;
}

export class StepCompletionDto {
  @ApiPropertyOptional({ example: 'Isolated trade-app-01..03 from the production VLAN at 02:40.' })
  @IsOptional()
  @IsString()
  @Length(0, 5000)
  note?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Evidence references: file hashes, ticket ids, URLs of the evidence store',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 500, { each: true })
  evidence?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class StepReopenDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 5000) reason?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
}

/** A decision on a plan's approval step (POST …/steps/:stepId/approval). */
export class ApprovalDecisionDto {
  @ApiProperty({ enum: ['approve', 'reject'] }) @IsIn(['approve', 'reject']) decision!: 'approve' | 'reject';

  @ApiProperty({ example: 'Isolation of the payment cluster accepted: failover tested at 02:10.' })
  @IsString()
  @Length(1, 2000)
  reason!: string;

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
}

/** The receipt of a service provider's report (POST …/steps/:stepId/provider-report). */
export class ProviderReportDto {
  @ApiProperty({ example: 'SP-2026-031', description: "The provider's report: its number, or how it came" })
  @IsString()
  @Length(1, 200)
  reference!: string;

  @ApiPropertyOptional({ description: 'When the report reached you (default: now)' })
  @IsOptional()
  @IsZonedTimestamp()
  receivedAt?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(0, 5000) note?: string;

  @ApiProperty({ type: [String], description: 'Evidence references: the report file hash, the ticket, the mail' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 500, { each: true })
  evidence!: string[];

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
}
