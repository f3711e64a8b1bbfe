import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
} from 'class-validator';
import { GRADES, type Grade } from '../common';
import { CHANNEL_KINDS, type ChannelKind, type Locale } from './channels/types';
import { IsOmittable } from '../http';
import { DRILL_FILTERS, type DrillFilter } from './notification-subscription.entity';
import { ESCALATION_ROLES, SUBSCRIBABLE_EVENTS } from './routing';

const LOCALES = ['zh-CN', 'en'] as const;

export class CreateSubscriptionDto {
  @ApiProperty({ example: 'SOC duty webhook' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: CHANNEL_KINDS })
  @IsIn(CHANNEL_KINDS as unknown as string[])
  channel!: ChannelKind;

  @ApiProperty({
    description:
      'Channel config, e.g. { "url": "https://siem.example/hook" } ' +
      '(webhook); validated per channel. Custom header values and tokens in ' +
      'URLs are write-only ' +
      ('(sealed, shown as ***). A destination written as an IP address the ' +
        "deployment's egress policy refuses is a 400 on config.url / " +
        'config.host.'),
    type: 'object',
    additionalProperties: true,
  })
  @IsObject()
  config!: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Write-only: webhook signing secret, SMTP password, robot key or signing secret. Never returned.',
    writeOnly: true,
  })
  @IsOptional()
  @IsString()
  @Length(1, 4096)
  secret?: string;

  @ApiProperty({ type: [String], example: ['incident.declared', 'incident.confirmed', 'deadline.missed'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsIn(SUBSCRIBABLE_EVENTS as string[], {
    each: true,
    message: `each value in events must be one of ${SUBSCRIBABLE_EVENTS.join(', ')}`,
  })
  events!: string[];

  @ApiPropertyOptional({
    enum: GRADES,
    isArray: true,
    description: 'Only incidents of these grades; empty or absent = all',
  })
  @IsOptional()
  @IsArray()
  @IsIn(GRADES as unknown as string[], { each: true })
  grades?: Grade[];

  @ApiPropertyOptional({
    enum: DRILL_FILTERS,
    description: 'include (the default): drills and real incidents; exclude: real only; only: drills only',
  })
  @IsOptional()
  @IsIn(DRILL_FILTERS as unknown as string[])
  drill?: DrillFilter;

  @ApiPropertyOptional({
    enum: ESCALATION_ROLES,
    isArray: true,
    description: 'For escalation events: the escalation steps this subscription serves; empty or absent = all',
  })
  @IsOptional()
  @IsArray()
  @IsIn(ESCALATION_ROLES as unknown as string[], { each: true })
  roles?: string[];

  @ApiPropertyOptional({ enum: LOCALES, description: 'Default zh-CN' })
  @IsOptional()
  @IsIn(LOCALES as unknown as string[])
  locale?: Locale;

  @ApiPropertyOptional({ description: 'Default true' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

/**
 * Every field optional; the channel kind cannot change (create a new subscription instead). Only
 * `secret` may be null (it removes the secret); any other field left out stays as it is, and null is
 * refused (use [] to clear grades or roles).
 */
export class UpdateSubscriptionDto {
  @ApiPropertyOptional() @IsOmittable() @IsString() @Length(1, 200) name?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Replaces the whole config; a URL equal to the masked one shown, or a ' +
      'header value of ***, keeps the stored value',
  })
  @IsOmittable()
  @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Write-only. A string replaces the secret; null removes it.',
    writeOnly: true,
    nullable: true,
    type: String,
  })
  @IsOptional()
  @IsString()
  @Length(1, 4096)
  secret?: string | null;

  @ApiPropertyOptional({ type: [String] })
  @IsOmittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsIn(SUBSCRIBABLE_EVENTS as string[], {
    each: true,
    message: `each value in events must be one of ${SUBSCRIBABLE_EVENTS.join(', ')}`,
  })
  events?: string[];

  @ApiPropertyOptional({ enum: GRADES, isArray: true })
  @IsOmittable()
  @IsArray()
  @IsIn(GRADES as unknown as string[], { each: true })
  grades?: Grade[];
  @ApiPropertyOptional({ enum: DRILL_FILTERS })
  @IsOmittable()
  @IsIn(DRILL_FILTERS as unknown as string[])
  drill?: DrillFilter;
  @ApiPropertyOptional({ enum: ESCALATION_ROLES, isArray: true })
  @IsOmittable()
  @IsArray()
  @IsIn(ESCALATION_ROLES as unknown as string[], { each: true })
  roles?: string[];
  @ApiPropertyOptional({ enum: LOCALES }) @IsOmittable() @IsIn(LOCALES as unknown as string[]) locale?: Locale;
  @ApiPropertyOptional() @IsOmittable() @IsBoolean() enabled?: boolean;
}

export class SubscriptionView {
  @ApiProperty() id!: string;
  @ApiProperty() orgId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: CHANNEL_KINDS }) channel!: ChannelKind;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Write-only parts are shown as ***: tokens carried in URLs ' +
      '(access_token, key, hook path) and custom header values',
  })
  config!: Record<string, unknown>;
  @ApiProperty({ description: 'Whether a secret is stored (the secret itself is never returned)' }) hasSecret!: boolean;
  @ApiProperty({ type: [String] }) events!: string[];
  @ApiProperty({ type: [String] }) grades!: string[];
  @ApiProperty({ enum: DRILL_FILTERS }) drill!: DrillFilter;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ enum: LOCALES }) locale!: Locale;
  @ApiProperty() enabled!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

/** The outcome of a test send: never the receiver's body or reply text. */
export class TestResultView {
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional({ description: 'HTTP status, or the SMTP reply code' }) status?: number;
  @ApiPropertyOptional({
    description:
      'Our account of a failure (e.g. "HTTP 401", "errcode 93000", "egress refused: …"); no text from the receiver',
  })
  error?: string;
  @ApiProperty({ description: 'How long the send took, in milliseconds' }) durationMs!: number;
  @ApiProperty() retryable!: boolean;
  @ApiProperty() deliveryId!: string;
}

/** One notification sent for an incident (not a report's delivery: ReportDeliveryView). */
@ApiSchema({ name: 'NotificationDeliveryView' })
export class DeliveryView {
  @ApiProperty() id!: string;
  @ApiProperty() event!: string;
  @ApiProperty() template!: string;
  @ApiProperty() subscriptionId!: string;
  @ApiProperty() subscriptionName!: string;
  @ApiProperty({ enum: CHANNEL_KINDS }) channel!: ChannelKind;
  @ApiProperty({ enum: ['queued', 'delivered', 'failed', 'dead'] }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({ nullable: true, type: Number }) lastStatus!: number | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ nullable: true, type: String }) deliveredAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) reportId!: string | null;
  @ApiProperty() title!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}
