import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import { badField } from '../common';
import { validateShape } from '../http';

/** Events an operator sends through POST /warnings/:id/events. Timer events are system-only. */
export const WARNING_USER_EVENTS = ['START_ASSESSMENT', 'ASSESSED', 'ACTIONS_TAKEN', 'FEEDBACK_SENT', 'CLOSE'] as const;
export type WarningUserEvent = (typeof WARNING_USER_EVENTS)[number];
const TIMER_EVENTS = ['DEADLINE_REMINDER', 'DEADLINE_MISSED'];

class Base {
  @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
}
class Empty extends Base {}
class Assessed extends Base {
  @IsBoolean() applicable!: boolean;
  @IsOptional() @IsString() @Length(0, 5000) note?: string;
}
class ActionsTaken extends Base {
  @IsString() @Length(1, 5000) summary!: string;
}
class FeedbackSent extends Base {
  @IsString() @Length(1, 10000) feedback!: string;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 2000, { each: true })
  measures?: string[];
}

/** The body class of each event type. */
const WARNING_EVENT_SHAPES: Record<WarningUserEvent, new () => object> = {
  START_ASSESSMENT: Empty,
  ASSESSED: Assessed,
  ACTIONS_TAKEN: ActionsTaken,
  FEEDBACK_SENT: FeedbackSent,
  CLOSE: Empty,
};

export interface ParsedWarningEvent {
  type: WarningUserEvent;
  expectedVersion?: number;
  payload: Record<string, unknown>;
}

/** The body is `{ type, expectedVersion?, ...payload }`; its shape depends on `type`. */
export async function parseWarningEvent(body: unknown): Promise<ParsedWarningEvent> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badField('type', 'body must be a JSON object with a type');
  const { type, ...rest } = body as Record<string, unknown>;
  if (typeof type !== 'string') throw badField('type', 'type must be a string');
  if (TIMER_EVENTS.includes(type)) throw badField('type', `${type} is sent by the timers only`);
  // Own keys only: `constructor` or `toString` must not find Object's members (a 500 before).
  const shape = Object.hasOwn(WARNING_EVENT_SHAPES, type) ? WARNING_EVENT_SHAPES[type as WarningUserEvent] : undefined;
  if (!shape) throw badField('type', `type must be one of ${WARNING_USER_EVENTS.join(', ')}`);
  const instance = await validateShape(shape, rest);
  const { expectedVersion, ...payload } = instance as Base & Record<string, unknown>;
  return { type: type as WarningUserEvent, expectedVersion, payload };
}

/** For OpenAPI: parseWarningEvent enforces each type's shape. */
export class WarningEventBody {
  @ApiProperty({ enum: WARNING_USER_EVENTS }) type!: string;
  @ApiPropertyOptional({ description: 'Optimistic concurrency: 409 when your workflow has moved on' })
  expectedVersion?: number;
  @ApiPropertyOptional({ description: 'ASSESSED: does the warning apply to you?' }) applicable?: boolean;
  @ApiPropertyOptional({ description: 'ASSESSED' }) note?: string;
  @ApiPropertyOptional({ description: 'ACTIONS_TAKEN: what was done' }) summary?: string;
  @ApiPropertyOptional({ description: 'FEEDBACK_SENT: the feedback to the department' }) feedback?: string;
  @ApiPropertyOptional({ type: [String], description: 'FEEDBACK_SENT: measures taken' }) measures?: string[];
}
