import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { CursorPageQuery, IsZonedTimestamp, IsOmittable } from '../http';
import { GRADES, type Grade } from '../common';
import {
  RECIPIENT_CHANNELS,
  RECIPIENT_KINDS,
  REPORT_KINDS,
  REPORT_STATUSES,
  type RecipientChannel,
  type RecipientKindCode,
  type ReportKindCode,
  type ReportStatus,
} from './report.entities';

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class CreateReportDto {
  @ApiProperty({ enum: REPORT_KINDS, description: 'initial 初次报告, followUp 续报, final 总结报告' })
  @IsIn(REPORT_KINDS)
  kind!: ReportKindCode;

  @ApiPropertyOptional({
    description: 'Initial report only: send the first items now, the rest owed (rule minimumFields)',
  })
  @IsOptional()
  @IsBoolean()
  partial?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'A submitted report of this incident that this one corrects' })
  @IsOptional()
  @IsUUID()
  corrects?: string;
}

/** Fields left out stay as they are; null is refused here (a null inside `fields` clears that field). */
export class UpdateReportDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: ['string', 'null'] },
    description: 'Field code → text (codes from requirements/reporting-rules.yaml reportFields); null clears a field',
    example: { cause: '供应商远程运维账号被盗用，攻击者植入勒索软件', location: '上海市浦东新区主数据中心' },
  })
  @IsOmittable()
  @IsObject()
  fields?: Record<string, string | null>;

  @ApiPropertyOptional({ description: 'Initial report only' })
  @IsOmittable()
  @IsBoolean()
  partial?: boolean;

  @ApiPropertyOptional({ description: 'Optimistic concurrency: 409 when the report changed since you read it' })
  @IsOmittable()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export const OUT_OF_BAND_MEANS = ['phone', 'fax', 'email', 'web', 'mini-program', 'in-person', 'other'] as const;

/** A report made outside the product to a recipient kind the rules require but nobody here receives. */
export class OutOfBandDeliveryDto {
  @ApiProperty({ enum: RECIPIENT_KINDS }) @IsIn(RECIPIENT_KINDS) recipientKind!: RecipientKindCode;
  @ApiProperty({ example: '国家互联网应急中心 12387' }) @IsString() @Length(1, 200) recipientName!: string;
  @ApiProperty({ enum: OUT_OF_BAND_MEANS }) @IsIn(OUT_OF_BAND_MEANS) means!: (typeof OUT_OF_BAND_MEANS)[number];
  @ApiPropertyOptional({
    example: '12387 受理号 20261202-0031',
    description: 'What the recipient gave back: a case number, the name of who took the call',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  reference?: string;
  @ApiPropertyOptional({
    example: '2026-12-02T10:40:00+08:00',
    description: 'When it was reported (with its offset); now when absent; never in the future',
  })
  @IsOptional()
  @IsZonedTimestamp()
  deliveredAt?: string;
}

export class SubmitReportDto {
  @ApiPropertyOptional({
    type: [OutOfBandDeliveryDto],
    description:
      'Required recipient kinds this deployment cannot deliver to (see ' +
      'recipientCoverage), reported another way before submitting. Without ' +
      'them the submission is refused (409).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => OutOfBandDeliveryDto)
  outOfBand?: OutOfBandDeliveryDto[];
}

export class AcknowledgeDto {
  @ApiPropertyOptional({ example: '已收悉，请于两小时内补报原因分析' })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  note?: string;
}

export class RequestInfoDto {
  @ApiProperty({ example: '请补充受影响系统的具体版本和勒索信内容' })
  @IsString()
  @Length(1, 5000)
  message!: string;
}

export class ForwardDto {
  @ApiProperty({
    example: 'CAC-2026-11-0042',
    description: 'Reference of the onward report made to the national level',
  })
  @IsString()
  @Length(1, 200)
  reference!: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When it was passed on (ISO 8601 with an offset or Z); now when absent',
  })
  @IsOptional()
  @IsZonedTimestamp()
  forwardedAt?: string;
}

export const INBOX_STATUSES = [
  'unacknowledged',
  'acknowledged',
  'info-requested',
  'onward-pending',
  'forwarded',
] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

export class InboxQuery extends CursorPageQuery {
  @ApiPropertyOptional({ enum: GRADES }) @IsOptional() @IsIn(GRADES) grade?: Grade;

  @ApiPropertyOptional({ example: 'ransomware' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{1,59}$/, { message: 'category must be a category code' })
  category?: string;

  @ApiPropertyOptional({ enum: INBOX_STATUSES }) @IsOptional() @IsIn(INBOX_STATUSES) status?: InboxStatus;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      "One incident's reports only (the incident's id from a report's `incident`): the operator's later reports " +
      'answer a request for information',
  })
  @IsOptional()
  @IsUUID()
  incidentId?: string;

  @ApiPropertyOptional({ description: 'true: past the acknowledgement or onward deadline and not done' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ description: 'true: drills only; false: real incidents only' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  drill?: boolean;
}

/** `GET /api/v1/reports`: the organisation's reports across its incidents. */
export class ListReportsQuery extends CursorPageQuery {
  @ApiPropertyOptional({ enum: REPORT_STATUSES }) @IsOptional() @IsIn(REPORT_STATUSES) status?: ReportStatus;

  @ApiPropertyOptional({ enum: REPORT_KINDS }) @IsOptional() @IsIn(REPORT_KINDS) kind?: ReportKindCode;

  @ApiPropertyOptional({ description: 'true: drills only; false: real incidents only' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  drill?: boolean;
}

export class CreateRecipientDto {
  @ApiProperty({ enum: RECIPIENT_KINDS }) @IsIn(RECIPIENT_KINDS) kind!: RecipientKindCode;
  @ApiProperty({ example: '某市公安局网络安全保卫支队' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ enum: RECIPIENT_CHANNELS }) @IsIn(RECIPIENT_CHANNELS) channel!: RecipientChannel;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'Channel config: webhook { url, headers?, timeoutMs? }; email { host, ' +
      'port, secure, from, to[], auth?: { user }, ... }',
    example: { url: 'https://reports.example.gov.cn/hooks/lianfang' },
  })
  @IsObject()
  config!: Record<string, unknown>;

  @ApiPropertyOptional({
    description:
      'Webhook HMAC signing secret (required for webhooks) or SMTP password; stored sealed, never shown again',
  })
  @IsOptional()
  @IsString()
  @Length(16, 500)
  secret?: string;

  @ApiPropertyOptional({ description: 'Also receives reports of drill incidents (stamped 演练)' })
  @IsOptional()
  @IsBoolean()
  drill?: boolean;
}

/** Every field optional; null is refused (a recipient's secret can be replaced, not removed). */
export class UpdateRecipientDto {
  @ApiPropertyOptional() @IsOmittable() @IsString() @Length(1, 200) name?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Replaces the whole config' })
  @IsOmittable()
  @IsObject()
  config?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOmittable() @IsString() @Length(16, 500) secret?: string;
  @ApiPropertyOptional() @IsOmittable() @IsBoolean() drill?: boolean;
  @ApiPropertyOptional() @IsOmittable() @IsBoolean() active?: boolean;
}
