import { CursorPageQuery, IsZonedTimestamp } from '../http';
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
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { GRADES, type Grade } from '../common';
import { ImpactFactsDto } from '../requirements';

export { ImpactFactsDto };

export class CreateIncidentDto {
  @ApiProperty({ example: '核心交易系统遭勒索软件加密' })
  @IsString()
  @Length(1, 300)
  title!: string;

  @ApiPropertyOptional({ example: 'Files on three application servers were encrypted at 02:10.' })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  description?: string;

  @ApiProperty({ example: 'ransomware', description: 'Category code from GET /api/v1/taxonomy' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{1,59}$/, { message: 'category must be a category code such as ransomware' })
  category!: string;

  @ApiProperty({ enum: GRADES, description: 'I 特别重大, II 重大, III 较大, IV 一般' })
  @IsIn(GRADES)
  grade!: Grade;

  @ApiProperty({
    example: '2026-11-25T10:10:00+08:00',
    format: 'date-time',
    description: 'Discovery time, with an offset or Z; reporting clocks start here',
  })
  @IsZonedTimestamp()
  detectedAt!: string;

  @ApiPropertyOptional({
    example: '2026-11-25T09:55:00+08:00',
    format: 'date-time',
    description: 'With an offset or Z',
  })
  @IsOptional()
  @IsZonedTimestamp()
  occurredAt?: string;

  @ApiPropertyOptional({ type: [String], example: ['trade-app-01', 'trade-db-01'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  affectedSystems?: string[];

  @ApiPropertyOptional({ type: [String], example: ['online securities trading'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  affectedBusiness?: string[];

  @ApiPropertyOptional({ description: 'An emergency drill (应急演练): same workflow, never counted as real' })
  @IsOptional()
  @IsBoolean()
  drill?: boolean;

  @ApiPropertyOptional({ type: ImpactFactsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ImpactFactsDto)
  impact?: ImpactFactsDto;
}

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListIncidentsQuery extends CursorPageQuery {
  @ApiPropertyOptional({ description: 'Top-level workflow state' })
  @IsOptional()
  @IsIn(['triage', 'response', 'review', 'reidentification', 'closed', 'dismissed'])
  state?: string;

  @ApiPropertyOptional({ enum: GRADES })
  @IsOptional()
  @IsIn(GRADES)
  grade?: Grade;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{1,59}$/, { message: 'category must be a category code' })
  category?: string;

  @ApiPropertyOptional({ example: 'INC-2026-000042' })
  @IsOptional()
  @Matches(/^INC-\d{4}-\d{6}$/, { message: 'reference must look like INC-2026-000042' })
  reference?: string;

  @ApiPropertyOptional({ description: 'true: drills only; false: real incidents only' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  drill?: boolean;

  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'Detected at or after (ISO 8601 with an offset or Z; write + as %2B in a query). With detectedFrom or ' +
      'detectedTo the list is ordered by detection time, newest first, instead of by declaration',
  })
  @IsOptional()
  @IsZonedTimestamp()
  detectedFrom?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'Detected before (ISO 8601 with an offset or Z; write + as %2B in a query); orders the list as detectedFrom does',
  })
  @IsOptional()
  @IsZonedTimestamp()
  detectedTo?: string;
}

/** Timeline entries one answer holds by default (what clients got before pages: up to a thousand), and at most. */
export const TIMELINE_LIMIT = 1000;
export const TIMELINE_MAX = 1000;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

export class TimelineQuery {
  @ApiPropertyOptional({ default: TIMELINE_LIMIT, minimum: 1, maximum: TIMELINE_MAX })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(TIMELINE_MAX)
  limit?: number;

  @ApiPropertyOptional({ description: 'Entries after this `seq` (the last one of the previous answer)', minimum: 0 })
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;
}
